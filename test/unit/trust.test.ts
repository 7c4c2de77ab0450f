// Secrets go only to the origin the client was configured with. Each test here runs the real core
// (ky transport, token manager, client) against local servers on loopback: the configured
// Feishu-like server, and a second origin that must receive nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeResult, guidanceFor } from '../../src/core/guidance/guidance.ts';
import { checkConnection } from '../../src/core/connection.ts';
import { displayableBaseUrl, resolveBaseUrl } from '../../src/core/baseUrl.ts';
import { REDACTED, Redactor } from '../../src/core/redact.ts';
import { formatResultLine, logField, toCommandResult } from '../../src/core/result.ts';
import { checkPastedToken } from '../../src/core/token.ts';
import type { BadgeResult } from '../../src/core/types.ts';
import { SANDBOX_APP, USER, badge, makeCore, useFeishuServer } from '../support/core.ts';
import type { FeishuServer } from '../support/feishuServer.ts';

/** Everything a result can carry to a person or another extension, as one string. */
function everythingShown(result: BadgeResult): string {
  const command = toCommandResult(result);
  const descriptor = describeResult(result);
  const guidance = descriptor === undefined ? [] : [guidanceFor(descriptor, 'en'), guidanceFor(descriptor, 'zh-cn')];
  return JSON.stringify([result, command, guidance, formatResultLine('POST', '/x', result)]);
}

function assertNoSecret(text: string, server: FeishuServer): void {
  assert.ok(!text.includes(SANDBOX_APP.appSecret), `the App Secret leaked: ${text.slice(0, 400)}`);
  for (const token of server.issuedTokens()) assert.ok(!text.includes(token), `a token leaked: ${text.slice(0, 400)}`);
}

describe('redirects are never followed', () => {
  const server = useFeishuServer();
  const elsewhere = useFeishuServer();

  for (const status of [307, 308] as const) {
    test(`token endpoint ${status} to another origin: that origin receives nothing, the result names it`, async () => {
      server.inject({ type: 'redirect', status, location: `${elsewhere.url}/open-apis/auth/v3/tenant_access_token/internal?next=%2Fsecret-path` }, { route: 'token' });
      const core = makeCore(server);
      const result = await core.client.setBadge(badge());
      assert.equal(elsewhere.requests.length, 0, 'the second origin was contacted');
      assert.equal(server.tokenRequests().length, 1);
      assert.equal(server.badgeRequests().length, 0);
      assert.ok(result.kind === 'token-error' && result.cause.kind === 'invalid-response');
      assert.equal(result.cause.redirectOrigin, elsewhere.url);
      const command = toCommandResult(result);
      assert.deepEqual([command.ok, command.error, command.stage, command.httpStatus], [false, 'invalid-response', 'token', status]);
      const descriptor = describeResult(result);
      assert.ok(descriptor !== undefined);
      for (const locale of ['en', 'zh-cn'] as const) {
        const guidance = guidanceFor(descriptor, locale);
        assert.equal(guidance.id, 'invalid-response.redirect');
        const text = JSON.stringify(guidance);
        assert.ok(text.includes(elsewhere.url), `guidance names the origin: ${text}`);
        assert.ok(!text.includes('secret-path') && !text.includes('next='), 'guidance never carries the query');
      }
      assertNoSecret(everythingShown(result), server);
    });
  }

  test('badge endpoint 302 to an origin answering code 0 is not a success, and that origin receives nothing', async () => {
    server.inject({ type: 'redirect', status: 302, location: `${elsewhere.url}/open-apis/application/v6/app_badge/set?user_id_type=open_id` }, { route: 'badge' });
    const core = makeCore(server);
    const result = await core.client.setBadge(badge());
    assert.equal(elsewhere.requests.length, 0);
    assert.equal(result.kind, 'invalid-response');
    assert.equal(result.kind === 'invalid-response' && result.redirectOrigin, elsewhere.url);
    const command = toCommandResult(result);
    assert.deepEqual([command.ok, command.error, command.stage], [false, 'invalid-response', 'badge']);
    // A redirect is final: not retried, so the one attempt is the only request.
    assert.equal(result.attempts, 1);
    assert.equal(server.badgeRequests().length, 1);
  });

  test('a relative or unreadable Location is reported without following it', async () => {
    server.inject({ type: 'redirect', status: 301, location: '/elsewhere' }, { route: 'badge' });
    server.inject({ type: 'redirect', status: 302, location: 'http://[bad' }, { route: 'badge' });
    const core = makeCore(server, { retry: { maxAttempts: 1 } });
    const relative = await core.client.setBadge(badge());
    assert.equal(relative.kind === 'invalid-response' && relative.redirectOrigin, server.url);
    const unreadable = await core.client.setBadge(badge());
    assert.equal(unreadable.kind === 'invalid-response' && unreadable.redirectOrigin, 'unknown');
    assert.equal(server.badgeRequests().length, 2);
    assert.ok(server.requests.every((r) => r.path !== '/elsewhere'));
  });
});

describe('https to plain http redirect', () => {
  const plain = useFeishuServer();
  let tls: Server | undefined;
  let tlsUrl = '';
  let dir = '';
  const seen: string[] = [];

  before(() => {
    // A self-signed certificate for 127.0.0.1; certificate checks are off in this test process
    // only (each test file runs in its own process), since no CA can be added at run time.
    dir = mkdtempSync(join(tmpdir(), 'fb-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore', timeout: 30_000 });
    process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
    process.removeAllListeners('warning');
    tls = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(307, { Location: `${plain.url}${req.url ?? '/'}` });
      res.end();
    });
    return new Promise<void>((resolve) => tls?.listen(0, '127.0.0.1', () => {
      const address = tls?.address();
      tlsUrl = typeof address === 'object' && address !== null ? `https://127.0.0.1:${address.port}` : '';
      resolve();
    }));
  }, { timeout: 60_000 });

  after(() => {
    tls?.close();
    tls?.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the App Secret is not re-sent in clear text to the http origin', async () => {
    const core = makeCore(plain, { baseUrl: tlsUrl });
    const result = await core.client.setBadge(badge());
    assert.equal(seen.length, 1, 'the https origin got the token request');
    assert.equal(plain.requests.length, 0, 'the plain-http origin was contacted');
    assert.ok(result.kind === 'token-error' && result.cause.kind === 'invalid-response');
    assert.equal(result.cause.redirectOrigin, plain.url);
  });
});

describe('echoed bodies never reach a result', () => {
  const server = useFeishuServer();

  for (const as of ['json-no-code', 'json-with-code', 'html'] as const) {
    test(`token endpoint echoing the request (${as}): no App Secret in any result, fixed text instead`, async () => {
      server.inject({ type: 'echo', as, status: as === 'html' ? 400 : 200 }, { route: 'token' });
      const core = makeCore(server);
      const result = await core.client.setBadge(badge());
      assert.equal(result.kind, 'token-error');
      assert.equal(server.tokenRequests()[0]?.rawBody.includes(SANDBOX_APP.appSecret), true, 'the echo really contained the secret');
      assertNoSecret(everythingShown(result), server);
      const command = toCommandResult(result);
      assert.equal(command.stage, 'token');
      assert.match(command.msg ?? '', /token endpoint/);
    });
  }

  test('token endpoint 200 with a token but no numeric code: the token is not shown', async () => {
    const leaked = 't-g1044ghJ4YYYQZKX2Z7JLKQS2ZQFGJ6NBHTCRLQ';
    server.inject({ type: 'status', status: 200, body: JSON.stringify({ msg: 'ok', tenant_access_token: leaked, expire: 7200 }), contentType: 'application/json' }, { route: 'token' });
    const core = makeCore(server);
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'token-error');
    const shown = everythingShown(result);
    assert.ok(!shown.includes(leaked), shown);
    assert.match(toCommandResult(result).msg ?? '', /HTTP 200 \(application\/json\)/);
  });

  test('badge endpoint echoing the Authorization header: the token is scrubbed', async () => {
    server.inject({ type: 'echo', as: 'json-with-code', status: 400 }, { route: 'badge' });
    const core = makeCore(server, { retry: { maxAttempts: 1 } });
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'api-error');
    assert.ok(server.badgeRequests()[0]?.headers.authorization?.includes(server.issuedTokens()[0] ?? 'none'));
    const shown = everythingShown(result);
    assertNoSecret(shown, server);
    assert.ok(shown.includes(REDACTED));
    assert.ok(core.attempts.every((a) => !JSON.stringify(a).includes(server.issuedTokens()[0] ?? 'none')), 'attempt events for the log are scrubbed too');
  });
});

describe('pasted tokens', () => {
  const server = useFeishuServer();

  test('a token with a line break: no network call, nothing echoed, not retried', async () => {
    const token = 't-abcdef0123456789\r\nX-Evil: 1';
    const core = makeCore(server, { source: { kind: 'manual', token } });
    const result = await core.client.setBadge(badge());
    assert.equal(server.requests.length, 0);
    assert.equal(result.attempts, 0);
    const command = toCommandResult(result);
    assert.deepEqual([command.ok, command.error, command.stage], [false, 'not-sent', 'token']);
    assert.ok(!everythingShown(result).includes('abcdef0123456789'));
    const check = await checkConnection(core.transport, core.tokens);
    assert.ok(!check.ok && check.stage === 'token');
    assert.equal(server.requests.length, 0);
  });

  test('checkPastedToken names the problem', () => {
    assert.equal(checkPastedToken('t-abc'), undefined);
    assert.equal(checkPastedToken(''), 'empty');
    assert.equal(checkPastedToken('t-a\nb'), 'whitespace');
    assert.equal(checkPastedToken('t-a b'), 'whitespace');
    assert.equal(checkPastedToken('t-é'), 'not-printable-ascii');
    assert.equal(checkPastedToken('t-\u0000'), 'not-printable-ascii');
    assert.equal(checkPastedToken(`t-${'a'.repeat(5000)}`), 'too-long');
  });

  test('a header value with a control character is refused before fetch, with fixed text', async () => {
    const core = makeCore(server);
    const outcome = await core.transport.post('/x', {}, { headers: { authorization: 'Bearer a\nb-secret-part' } });
    assert.deepEqual(outcome.kind === 'network' && [outcome.reason, outcome.detail.includes('secret-part')], ['not-sent', false]);
    assert.equal(server.requests.length, 0);
  });
});

describe('stage says where a failure happened; error says what', () => {
  test('a refused connection during the token fetch is a network error at the token stage', async () => {
    const core = makeCore({ url: 'http://127.0.0.1:9' }, { retry: { maxAttempts: 1 } });
    const result = await core.client.setBadge(badge());
    const command = toCommandResult(result);
    assert.deepEqual([command.error, command.stage, command.attempts], ['network', 'token', 0]);
  });

  test('a wrong App Secret is an api error at the token stage', async (t) => {
    const { startFeishuServer } = await import('../support/feishuServer.ts');
    const server = await startFeishuServer();
    t.after(() => server.close());
    const core = makeCore(server, { source: { kind: 'self-built', appId: SANDBOX_APP.appId, appSecret: 'wrong-secret-value' } });
    const command = toCommandResult(await core.client.setBadge(badge()));
    assert.deepEqual([command.error, command.stage, command.code], ['api', 'token', 10015]);
    assert.ok(!JSON.stringify(command).includes('wrong-secret-value'));
  });
});

describe('what the scrub must not break', () => {
  const server = useFeishuServer();

  test('the request as the caller wrote it is kept: IDs and extra that look like tokens are not rewritten', async () => {
    const core = makeCore(server);
    const userId = 'a-20240101employee42';
    const extra = '{"build":"t-2024-release-candidate-1","sig":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"}';
    const result = await core.client.setBadge(badge({ user_id: userId, user_id_type: 'user_id', extra }));
    assert.equal(result.request.body.user_id, userId);
    assert.equal(result.request.body.extra, extra);
    assert.equal((server.badgeRequests()[0]?.body as { user_id: string }).user_id, userId);
  });

  test('a server choosing an ordinary word as its token cannot break results', async () => {
    for (const token of ['success', 'retries', 'request', 'version']) {
      server.reset();
      server.inject({ type: 'status', status: 200, body: JSON.stringify({ code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 }) }, { route: 'token' });
      const core = makeCore(server, { retry: { maxAttempts: 1 } });
      const result = await core.client.setBadge(badge());
      // Such a token is used, but never searched for by the scrub: the result keeps its shape.
      assert.ok(Array.isArray(result.retries) && typeof result.version === 'string' && result.request.body.user_id === USER, JSON.stringify(result));
      assert.doesNotThrow(() => formatResultLine('POST', '/x', result));
      assert.doesNotThrow(() => toCommandResult(result));
    }
  });

  test('a secret nested deeper than the scrub walks is dropped, not passed on', async () => {
    let nested: unknown = { auth: 'Bearer PLACEHOLDER', secret: SANDBOX_APP.appSecret };
    for (let i = 0; i < 40; i++) nested = { n: nested };
    server.inject({ type: 'status', status: 400, body: JSON.stringify({ code: 400, msg: 'bad', data: nested }) }, { route: 'badge' });
    const core = makeCore(server, { retry: { maxAttempts: 1 } });
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'api-error');
    assert.ok(!JSON.stringify(toCommandResult(result)).includes(SANDBOX_APP.appSecret));
  });

  test('a secret at the snippet cut is scrubbed before the cut', async () => {
    const body = `${'x'.repeat(190)}${SANDBOX_APP.appSecret} trailing`;
    server.inject({ type: 'status', status: 502, body, contentType: 'text/plain' }, { route: 'badge' });
    const core = makeCore(server, { retry: { maxAttempts: 1 } });
    const result = await core.client.setBadge(badge());
    assert.ok(result.kind === 'invalid-response');
    assert.ok(result.snippet.length <= 200);
    assert.ok(!result.snippet.includes(SANDBOX_APP.appSecret.slice(0, 10)), result.snippet);
  });

  test('the redirect guidance never suggests a plain-http base a user could not use', () => {
    const guidance = guidanceFor({ kind: 'invalid-response', httpStatus: 302, redirectOrigin: 'http://open.feishu.cn' }, 'en');
    assert.ok(!guidance.steps.some((step) => step.includes('customBaseUrl to http://open.feishu.cn')), JSON.stringify(guidance));
    assert.ok(guidance.steps.some((step) => /not https/.test(step)));
    const loopback = guidanceFor({ kind: 'invalid-response', httpStatus: 302, redirectOrigin: 'http://127.0.0.1:8080' }, 'zh-cn');
    assert.ok(loopback.steps.some((step) => step.includes('http://127.0.0.1:8080')));
  });
});

describe('bounded bodies', () => {
  test('an endless body is cut at 64 KiB, and a trickling one stops being read at the timeout', async (t) => {
    const { createServer: createHttpServer } = await import('node:http');
    let written = 0;
    const endless = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      if (req.url?.includes('trickle')) {
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 20);
        res.on('close', () => clearInterval(timer));
      } else pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      endless.closeAllConnections();
      endless.close();
    });
    const address = endless.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const { createTransport } = await import('../../src/core/http.ts');
    const transport = createTransport({ baseUrl: url, timeoutMs: 2_000 });
    const big = await transport.post('/big', {});
    assert.ok(big.kind === 'invalid-response' && big.tooLarge === true && /over 64 KiB \(65536 bytes\)/.test(big.snippet), JSON.stringify(big).slice(0, 200));
    const writtenAtCut = written;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(written - writtenAtCut < 4 * 1024 * 1024, `the server kept streaming after the cut: ${written - writtenAtCut} bytes`);
    const slow = createTransport({ baseUrl: url, timeoutMs: 300 });
    const started = Date.now();
    const trickle = await slow.post('/trickle', {});
    assert.equal(trickle.kind === 'network' && trickle.reason, 'timeout');
    assert.ok(Date.now() - started < 2_000);
  });
});

describe('scrubbing and escaping', () => {
  test('Redactor replaces known secrets, token shapes and JWTs, and leaves ordinary text alone', () => {
    const redactor = new Redactor(['my-app-secret-value']);
    assert.equal(redactor.text('x my-app-secret-value y'), `x ${REDACTED} y`);
    assert.equal(redactor.text('Bearer t-g1044ghJ4YYYQZKX2Z7JLKQS2ZQFGJ6N'), `Bearer ${REDACTED}`);
    assert.equal(redactor.text('u-7f1bcd13fc57d46bac21793a18e560'), REDACTED);
    assert.equal(redactor.text('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end'), `${REDACTED} end`);
    for (const plain of ['content-type: application/json', 'a-well-known-hyphenated-phrase-here', USER, 'ou_d317f090b7258ad0372aa53963cda70d', '1733155200000']) {
      assert.equal(redactor.text(plain), plain);
    }
    const value = { ok: true, nested: [{ msg: 'my-app-secret-value' }], n: 1 };
    assert.deepEqual(redactor.deep(value), { ok: true, nested: [{ msg: REDACTED }], n: 1 });
    const clean = { ok: true, list: ['a'] };
    assert.equal(redactor.deep(clean), clean, 'unchanged values are not copied');
  });

  test('base URL problems never echo a user name or password', () => {
    for (const input of ['http://user:hunter2pass@feishu.example.com', 'https://user:hunter2pass@open.feishu.cn', 'htps://user:hunter2pass@x', 'https://user:hunter2pass@[bad']) {
      const result = resolveBaseUrl('custom', input);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && !result.input.includes('hunter2pass') && !result.input.includes('user:'), JSON.stringify(result));
    }
    assert.equal(displayableBaseUrl('https://a:b@host/path?q'), 'https://host/path?q');
    // A password holding '?', '#' or '/' ends the authority for a URL parser, not for a person.
    for (const input of ['https://admin:s3cr?t@proxy.corp.example/', 'https://admin:pa#ss@h/', 'https://admin:pa/ss@h/', 'http://admin:hunter2x?@10.0.0.5/']) {
      const result = resolveBaseUrl('custom', input);
      assert.ok(!result.ok && !/s3cr|pa#ss|pa\/ss|hunter2x/.test(result.input), JSON.stringify(result));
    }
    assert.equal(displayableBaseUrl('https://host/\r\nx'), 'https://host/\\u000d\\u000ax');
  });

  test('log fields escape CR, LF and other control characters', () => {
    assert.equal(logField('ok\r\nPOST /forged 200'), 'ok\\r\\nPOST /forged 200');
    assert.equal(logField('a\u0000b\u202ec'), 'a\\u0000b\\u202ec');
    assert.ok(logField('x'.repeat(1000)).length <= 300);
  });
});
