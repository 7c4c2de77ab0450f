import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { CURL_TOKEN_VARIABLE, toCurl, toHttpFile } from '../../src/core/export.ts';
import type { BadgeRequest } from '../../src/core/types.ts';
import { useFeishuServer } from '../support/core.ts';

const run = promisify(execFile);
const request: BadgeRequest = {
  userIdType: 'open_id',
  body: { user_id: 'ou_abc', version: '1700000000000', extra: `{"note":"it's here"}`, pc: { web_app: 1, gadget: 0 } },
};

describe('export', () => {
  const server = useFeishuServer({}, { reset: false });

  test('curl and .http never contain the token unless asked', () => {
    const secretToken = 't-super-secret-token-value';
    for (const text of [toCurl({ baseUrl: server.url, request, token: secretToken }), toHttpFile({ baseUrl: server.url, request, token: secretToken })]) {
      assert.equal(text.includes(secretToken), false);
    }
    assert.match(toCurl({ baseUrl: server.url, request }), new RegExp(`\\$${CURL_TOKEN_VARIABLE}`));
    assert.match(toHttpFile({ baseUrl: server.url, request }), /Authorization: Bearer \{\{tenantAccessToken\}\}/);
    assert.ok(toCurl({ baseUrl: server.url, request, token: secretToken, revealToken: true }).includes(secretToken));
    assert.ok(toHttpFile({ baseUrl: server.url, request, token: secretToken, revealToken: true }).includes(`Bearer ${secretToken}`));
  });

  test('the .http block carries method, URL with query, headers and the pretty body', () => {
    const text = toHttpFile({ baseUrl: 'https://open.feishu.cn', request });
    assert.match(text, /^POST https:\/\/open\.feishu\.cn\/open-apis\/application\/v6\/app_badge\/set\?user_id_type=open_id$/m);
    assert.match(text, /^Content-Type: application\/json; charset=utf-8$/m);
    const body = text.slice(text.indexOf('\n{\n'));
    assert.deepEqual(JSON.parse(body), request.body);
  });

  const hasCurl = spawnSync('curl', ['--version']).status === 0;
  test('the exported curl command, run by a real shell, sends exactly the body (quotes survive)', { skip: hasCurl ? false : 'curl is not installed' }, async () => {
    const token = (await (await fetch(`${server.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      body: JSON.stringify({ app_id: 'cli_sandbox_app', app_secret: 'sandbox-secret-0123456789' }),
    })).json()) as { tenant_access_token: string };
    const command = toCurl({ baseUrl: server.url, request });
    const { stdout } = await run('bash', ['-c', command], { env: { ...process.env, [CURL_TOKEN_VARIABLE]: token.tenant_access_token } });
    assert.equal(JSON.parse(stdout).code, 0);
    const received = server.badgeRequests().at(-1);
    assert.deepEqual(received?.body, request.body);
    assert.equal(received?.query.user_id_type, 'open_id');
    assert.equal(received?.headers.authorization, `Bearer ${token.tenant_access_token}`);
  });
});
