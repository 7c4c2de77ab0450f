// Issue 11 §3: the token endpoint's transient failures (5xx, gateway pages, resets, timeouts) are
// retried a bounded number of times with a growing wait; its answers that will not change (4xx,
// Feishu error codes such as a wrong App Secret) are final at once. All over real HTTP.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport } from '../../src/core/http.ts';
import { TokenManager } from '../../src/core/token.ts';
import type { TokenManagerOptions, TokenSource } from '../../src/core/token.ts';
import { SANDBOX_APP, badge, makeCore, useFeishuServer } from '../support/core.ts';

describe('token endpoint retries', () => {
  const server = useFeishuServer();

  const manager = (options: Partial<TokenManagerOptions> & { timeoutMs?: number } = {}, source: TokenSource = { kind: 'self-built', ...SANDBOX_APP }): TokenManager =>
    new TokenManager({ transport: createTransport({ baseUrl: server.url, timeoutMs: options.timeoutMs ?? 2_000 }), source, ...options });

  test('502 twice, then an answer: one token, three token requests, shared by concurrent callers', async () => {
    server.inject({ type: 'status', status: 502, body: 'bad gateway', contentType: 'text/plain' }, { route: 'token', times: 2 });
    const tokens = manager();
    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
    assert.ok(results.every((r) => r.ok), JSON.stringify(results[0]));
    assert.equal(new Set(results.map((r) => (r.ok ? r.token : ''))).size, 1);
    assert.equal(server.tokenRequests().length, 3);
    assert.equal(server.issuedTokens().length, 1);
  });

  test('a gateway HTML page, a reset and a timeout are each retried', async () => {
    server.inject({ type: 'html', status: 504 }, { route: 'token' });
    server.inject({ type: 'reset' }, { route: 'token' });
    const first = await manager().getToken();
    assert.ok(first.ok, JSON.stringify(first));
    assert.equal(server.tokenRequests().length, 3);

    server.reset();
    server.inject({ type: 'hang' }, { route: 'token' });
    const second = await manager({ timeoutMs: 300 }).getToken();
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(server.tokenRequests().length, 2);
  });

  test('502 forever: fails with the failure kind after the bounded attempts, in bounded time', async () => {
    server.inject({ type: 'status', status: 502, body: 'bad gateway', contentType: 'text/plain' }, { route: 'token', times: 100 });
    const started = performance.now();
    const result = await manager().getToken();
    const elapsed = performance.now() - started;
    assert.ok(!result.ok);
    assert.equal(result.failure.kind, 'invalid-response');
    assert.equal(result.failure.kind === 'invalid-response' ? result.failure.httpStatus : 0, 502);
    assert.equal(server.tokenRequests().length, 3);
    // The default backoff waits 200 ms then 400 ms: 600 ms. 3x that catches a collapse.
    assert.ok(elapsed < 1_800, `took ${Math.round(elapsed)} ms`);
  });

  test('through the client: a token-error with the last failure, and no badge call', async () => {
    server.inject({ type: 'status', status: 503 }, { route: 'token', times: 100 });
    const core = makeCore(server);
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'token-error');
    assert.equal(server.tokenRequests().length, 3);
    assert.equal(server.badgeRequests().length, 0);
  });

  test('a wrong App Secret is asked exactly once', async () => {
    const result = await manager({}, { kind: 'self-built', appId: SANDBOX_APP.appId, appSecret: 'wrong-secret' }).getToken();
    assert.ok(!result.ok && result.failure.kind === 'api-error' && result.failure.code === 10015);
    assert.equal(server.tokenRequests().length, 1);
  });

  test('4xx answers are final: a 404 page, a 429, a 400 with a Feishu code', async () => {
    for (const fault of [
      { type: 'status', status: 404, body: 'not found', contentType: 'text/plain' },
      { type: 'api-error', code: 99991400, httpStatus: 429 },
      { type: 'api-error', code: 10003 },
    ] as const) {
      server.reset();
      server.inject(fault, { route: 'token' });
      const result = await manager().getToken();
      assert.equal(result.ok, false, JSON.stringify(fault));
      assert.equal(server.tokenRequests().length, 1, JSON.stringify(fault));
    }
  });

  test('a request that never left (not-sent) is not retried', async () => {
    // A base URL fetch refuses outright: nothing reaches any server, and nothing is tried again.
    let calls = 0;
    const transport = createTransport({
      baseUrl: server.url,
      timeoutMs: 2_000,
      fetch: (() => {
        calls++;
        return Promise.reject(new TypeError('refused before sending'));
      }) as typeof fetch,
    });
    const result = await new TokenManager({ transport, source: { kind: 'self-built', ...SANDBOX_APP } }).getToken();
    assert.ok(!result.ok && result.failure.kind === 'network' && result.failure.reason === 'not-sent', JSON.stringify(result));
    assert.equal(calls, 1);
  });

  test('a caller that gives up during the backoff wait gets cancelled, and no further attempt goes out', async () => {
    server.inject({ type: 'status', status: 502 }, { route: 'token', times: 100 });
    const tokens = manager({ retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 } });
    const controller = new AbortController();
    const pending = tokens.getToken(controller.signal);
    // The first 502 arrives within milliseconds; the wait that follows is 1 s.
    while (server.tokenRequests().length === 0 || server.tokenRequests()[0]?.status === 0) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    controller.abort();
    assert.deepEqual(await pending, { ok: false, failure: { kind: 'cancelled' } });
    assert.ok(performance.now() - started < 500);
    // Well past the 1 s the wait would have lasted: the abandoned fetch made no second request.
    await new Promise((r) => setTimeout(r, 1_300));
    assert.equal(server.tokenRequests().length, 1);
    // A new caller starts afresh instead of joining the abandoned fetch.
    server.reset();
    const again = await tokens.getToken();
    assert.ok(again.ok);
  });

  test('one caller giving up does not stop the fetch the others wait on', async () => {
    server.inject({ type: 'status', status: 502 }, { route: 'token', times: 1 });
    const tokens = manager();
    const controller = new AbortController();
    const quitter = tokens.getToken(controller.signal);
    const stayer = tokens.getToken();
    controller.abort();
    assert.deepEqual(await quitter, { ok: false, failure: { kind: 'cancelled' } });
    assert.ok((await stayer).ok);
    assert.equal(server.tokenRequests().length, 2);
  });

  test('expire 5: the token is reused for its whole life (not refetched every call), never past it', async () => {
    server.setTokenExpireSeconds(5);
    let clock = 1_000_000;
    const tokens = manager({ now: () => clock });
    const first = await tokens.getToken();
    assert.ok(first.ok && !first.fromCache);
    clock += 3_000;
    const reused = await tokens.getToken();
    assert.ok(reused.ok && reused.fromCache && reused.token === first.token);
    clock += 1_900; // 4.9 s after the request started
    assert.ok((await tokens.getToken()).ok);
    assert.equal(server.tokenRequests().length, 1);
    clock += 100; // 5 s: the server's own expiry
    const refreshed = await tokens.getToken();
    assert.ok(refreshed.ok && !refreshed.fromCache);
    assert.equal(server.tokenRequests().length, 2);
  });

  test('expire 100: the 5-minute margin would leave nothing; the token is still kept 60 s', async () => {
    server.setTokenExpireSeconds(100);
    let clock = 1_000_000;
    const tokens = manager({ now: () => clock });
    assert.ok((await tokens.getToken()).ok);
    clock += 59_999;
    assert.ok((await tokens.getToken()).ok);
    assert.equal(server.tokenRequests().length, 1);
    clock += 1;
    assert.ok((await tokens.getToken()).ok);
    assert.equal(server.tokenRequests().length, 2);
  });
});
