// Issue 10 §4: the response headers that matter (X-Tt-Logid, x-ogw-ratelimit-limit,
// x-ogw-ratelimit-reset) come back beside the body, as the server sent them, in the command
// result and the log line; a value that is not plain printable text of at most 128 characters
// is left out, and a secret in one is scrubbed like everything else a server says.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BADGE_PATH } from '../../src/core/client.ts';
import { formatResultLine, toCommandResult } from '../../src/core/result.ts';
import { badge, makeCore, useFeishuServer } from '../support/core.ts';

describe('response headers beside the body', () => {
  const server = useFeishuServer();

  test('a success under a limit carries the log ID and the limit; a 429 also the reset; the log line records them', async () => {
    server.setRateLimit({ limit: 2, windowMs: 60_000 });
    const { client } = makeCore(server, { retry: { maxAttempts: 1 } });
    const ok = await client.setBadge(badge());
    assert.equal(ok.kind, 'success');
    const result = toCommandResult(ok);
    assert.match(result.headers?.['x-tt-logid'] ?? '', /\S/);
    assert.equal(result.headers?.['x-tt-logid'], result.logId);
    assert.equal(result.headers?.['x-ogw-ratelimit-limit'], '2');
    await client.setBadge(badge());
    const limited = toCommandResult(await client.setBadge(badge()));
    assert.equal(limited.httpStatus, 429);
    assert.equal(limited.headers?.['x-ogw-ratelimit-limit'], '2');
    assert.match(limited.headers?.['x-ogw-ratelimit-reset'] ?? '', /^\d+$/);
    const line = formatResultLine('POST', BADGE_PATH, await client.setBadge(badge()));
    assert.match(line, / ratelimit-limit=2 ratelimit-reset=\d+ /);
  });

  test('a value over 128 characters is left out; a token echoed in a header is scrubbed', async (t) => {
    let token = '';
    const hostile = createServer((req, res) => {
      if (req.url?.startsWith('/open-apis/auth')) {
        token = `t-${'a1b2c3d4'.repeat(4)}`;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-tt-logid': `echo ${token}`, 'x-ogw-ratelimit-limit': '9'.repeat(200) });
      res.end(JSON.stringify({ code: 0, msg: 'success', data: {} }));
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    t.after(() => hostile.close());
    const { client } = makeCore({ url: `http://127.0.0.1:${(hostile.address() as AddressInfo).port}` });
    const result = toCommandResult(await client.setBadge(badge()));
    assert.equal(result.ok, true);
    assert.equal(result.headers?.['x-ogw-ratelimit-limit'], undefined, 'over 128 characters: left out');
    assert.ok(token.length > 0);
    assert.ok(!JSON.stringify(result).includes(token), JSON.stringify(result.headers));
    assert.match(result.headers?.['x-tt-logid'] ?? '', /^echo <redacted>$/);
  });
});
