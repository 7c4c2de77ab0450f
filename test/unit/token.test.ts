import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport } from '../../src/core/http.ts';
import { TokenManager } from '../../src/core/token.ts';
import type { TokenSource } from '../../src/core/token.ts';
import { startFeishuServer } from '../support/feishuServer.ts';
import { SANDBOX_APP, badge, makeCore, useFeishuServer } from '../support/core.ts';

describe('token manager', () => {
  const server = useFeishuServer({ apps: [SANDBOX_APP, { appId: 'cli_disabled', appSecret: 'x-secret', disabled: true }] });

  const manager = (source: TokenSource = { kind: 'self-built', ...SANDBOX_APP }, now?: () => number) =>
    new TokenManager({ transport: createTransport({ baseUrl: server.url, timeoutMs: 2_000 }), source, ...(now ? { now } : {}) });

  test('50 concurrent cold callers share one token fetch', async () => {
    const tokens = manager();
    const results = await Promise.all(Array.from({ length: 50 }, () => tokens.getToken()));
    assert.equal(server.tokenRequests().length, 1);
    assert.equal(tokens.fetchCount, 1);
    assert.equal(new Set(results.map((r) => (r.ok ? r.token : 'failed'))).size, 1);
    assert.ok(results.every((r) => r.ok && r.token.startsWith('t-')));
    assert.deepEqual(server.tokenRequests()[0]?.body, { app_id: SANDBOX_APP.appId, app_secret: SANDBOX_APP.appSecret });
  });

  test('the cached token is reused until expire minus the safety margin', async () => {
    let clock = 1_000_000;
    const tokens = manager(undefined, () => clock);
    assert.equal((await tokens.getToken()).ok, true);
    clock += 7200_000 - 5 * 60_000 - 1; // one millisecond before the margin
    const cached = await tokens.getToken();
    assert.ok(cached.ok && cached.fromCache);
    assert.equal(server.tokenRequests().length, 1);
    clock += 1;
    const refreshed = await tokens.getToken();
    assert.ok(refreshed.ok && !refreshed.fromCache);
    assert.equal(server.tokenRequests().length, 2);
  });

  test('a cancelled caller does not cancel the shared fetch for the others', async () => {
    server.inject({ type: 'delay', ms: 100 }, { route: 'token' });
    const tokens = manager();
    const controller = new AbortController();
    const first = tokens.getToken(controller.signal);
    const second = tokens.getToken();
    controller.abort();
    assert.deepEqual(await first, { ok: false, failure: { kind: 'cancelled' } });
    const result = await second;
    assert.ok(result.ok);
    assert.equal(server.tokenRequests().length, 1);
  });

  test('tokens of JWT size (~4 KB) are kept and sent whole', async () => {
    const jwtServer = await startFeishuServer({ tokenLength: 4096 });
    try {
      const core = makeCore(jwtServer);
      const result = await core.client.setBadge(badge());
      assert.equal(result.kind, 'success');
      const auth = jwtServer.badgeRequests()[0]?.headers.authorization ?? '';
      assert.ok(auth.length >= 4096, `authorization header is ${auth.length} chars`);
      assert.equal(auth, `Bearer ${jwtServer.issuedTokens()[0]}`);
    } finally {
      await jwtServer.close();
    }
  });

  const failureCode = async (source: { kind: 'self-built'; appId: string; appSecret: string }): Promise<number | string> => {
    const result = await manager(source).getToken();
    assert.ok(!result.ok);
    return result.failure.kind === 'api-error' ? result.failure.code : result.failure.kind;
  };

  test('credential failures come back as results with the platform code', async () => {
    assert.equal(await failureCode({ kind: 'self-built', appId: 'cli_unknown', appSecret: 'x' }), 99991543);
    assert.equal(await failureCode({ kind: 'self-built', appId: SANDBOX_APP.appId, appSecret: 'wrong' }), 10015);
    assert.equal(await failureCode({ kind: 'self-built', appId: 'cli_disabled', appSecret: 'x-secret' }), 10014);
    server.inject({ type: 'api-error', code: 10003, msg: 'invalid param' }, { route: 'token' });
    assert.equal(await failureCode({ kind: 'self-built', ...SANDBOX_APP }), 10003);
  });

  test('a token endpoint that cannot be reached is a network failure, not an exception', async () => {
    // Resets are retried (tokenRetry.test.ts): one on every attempt is the failure itself.
    server.inject({ type: 'reset' }, { route: 'token', times: 3 });
    assert.equal(await failureCode({ kind: 'self-built', ...SANDBOX_APP }), 'network');
    assert.equal(server.tokenRequests().length, 3);
  });

  test('a failed fetch is not cached: the next call tries again', async () => {
    server.inject({ type: 'status', status: 500 }, { route: 'token', times: 3 });
    const tokens = manager();
    assert.equal((await tokens.getToken()).ok, false);
    assert.equal((await tokens.getToken()).ok, true);
    assert.equal(server.tokenRequests().length, 4);
  });

  test('the token response body never leaks into a failure', async () => {
    server.inject({ type: 'status', status: 200, body: '{"code":0,"msg":"ok","tenant_access_token":"t-leaky"}' }, { route: 'token' });
    const result = await manager().getToken();
    assert.ok(!result.ok);
    assert.equal(JSON.stringify(result).includes('t-leaky'), false);
  });

  test('manual mode returns the pasted token and never calls the token endpoint', async () => {
    const tokens = manager({ kind: 'manual', token: 't-pasted' });
    const result = await tokens.getToken();
    assert.deepEqual(result, { ok: true, token: 't-pasted', fromCache: true });
    tokens.invalidate('t-pasted');
    assert.deepEqual(await tokens.getToken(), { ok: true, token: 't-pasted', fromCache: true });
    assert.equal(tokens.canRefresh, false);
    assert.equal(server.tokenRequests().length, 0);
  });
});
