import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_APP, USER, badge, makeCore, valid, useFeishuServer } from '../support/core.ts';

describe('badge client over real HTTP', () => {
  const server = useFeishuServer();

  test('success sends exactly the validated body, query and headers, with an automatic version', async () => {
    const core = makeCore(server);
    const before = Date.now();
    const result = await core.client.setBadge(badge({ extra: '{"from":"test"}' }));
    assert.equal(result.kind, 'success');
    assert.equal(result.attempts, 1);
    assert.deepEqual(result.retries, []);
    assert.ok(result.durationMs > 0);
    const request = server.badgeRequests()[0];
    assert.ok(request);
    assert.equal(request.query.user_id_type, 'open_id');
    assert.equal(request.headers.authorization, `Bearer ${server.issuedTokens()[0]}`);
    assert.equal(request.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(request.body, {
      user_id: USER,
      version: result.version,
      extra: '{"from":"test"}',
      pc: { web_app: 1, gadget: 2 },
      mobile: { web_app: 3, gadget: 4 },
    });
    assert.ok(Number(result.version) >= before && Number(result.version) <= Date.now());
    assert.equal(result.kind === 'success' && result.logId, request.logId);
    assert.deepEqual(server.badgeOf(SANDBOX_APP.appId, USER), { pc: { web_app: 1, gadget: 2 }, mobile: { web_app: 3, gadget: 4 }, extra: '{"from":"test"}' });
  });

  test('versions strictly increase across rapid calls for one user', async () => {
    const core = makeCore(server);
    const versions: string[] = [];
    for (let i = 0; i < 20; i++) {
      const result = await core.client.setBadge(badge());
      assert.equal(result.kind, 'success', JSON.stringify(result));
      versions.push(result.version);
    }
    for (let i = 1; i < versions.length; i++) {
      assert.ok(BigInt(versions[i] ?? '0') > BigInt(versions[i - 1] ?? '0'));
    }
  });

  test('213001 and 213002: a strictly newer version is sent once, then the conflict is final', async () => {
    const core = makeCore(server);
    server.inject({ type: 'api-error', code: 213002, msg: 'mobile version conflict' });
    const recovered = await core.client.setBadge(badge());
    assert.equal(recovered.kind, 'success');
    assert.equal(recovered.attempts, 2);
    const [first, second] = server.badgeRequests().map((r) => (r.body as { version: string }).version);
    assert.ok(first !== undefined && second !== undefined && BigInt(second) > BigInt(first));
    assert.equal(recovered.version, second);
    assert.deepEqual(recovered.retries.map((r) => [r.reason, r.code, r.newVersion]), [['version-conflict', 213002, second]]);

    server.clearRequests();
    server.inject({ type: 'api-error', code: 213001, msg: 'pc version conflict' }, { times: 2 });
    const final = await core.client.setBadge(badge());
    assert.ok(final.kind === 'api-error');
    assert.equal(final.code, 213001);
    assert.equal(final.attempts, 2);
  });

  test('another writer far ahead: one bump, then the 213001 is final and says so', async () => {
    const ahead = makeCore(server);
    assert.equal((await ahead.client.setBadge(badge({ version: '9000000000000' }))).kind, 'success');
    const behind = makeCore(server); // a second machine whose store knows nothing of the first
    const result = await behind.client.setBadge(badge());
    assert.ok(result.kind === 'api-error');
    assert.equal(result.code, 213001);
    assert.equal(result.attempts, 2);
    const sent = server.badgeRequests().slice(1).map((r) => (r.body as { version: string }).version);
    assert.equal(result.version, sent[1]);
    assert.ok(BigInt(sent[1] ?? '0') > BigInt(sent[0] ?? '0'));
  });

  test('99991663 mid-run: the token is dropped, fetched again once, and the call retried once', async () => {
    const core = makeCore(server);
    assert.equal((await core.client.setBadge(badge())).kind, 'success');
    server.revokeAllTokens();
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'success');
    assert.equal(result.attempts, 2);
    assert.deepEqual(result.retries.map((r) => [r.reason, r.code]), [['token-invalid', 99991663]]);
    assert.equal(server.tokenRequests().length, 2);
    const [, revoked, fresh] = server.badgeRequests().map((r) => r.headers.authorization);
    assert.notEqual(revoked, fresh);
  });

  test('a token rejected twice is final after one refresh', async () => {
    const core = makeCore(server);
    server.inject({ type: 'api-error', code: 99991663, msg: 'Invalid access token' }, { times: 2 });
    const result = await core.client.setBadge(badge());
    assert.ok(result.kind === 'api-error');
    assert.equal(result.code, 99991663);
    assert.equal(result.attempts, 2);
    assert.equal(server.tokenRequests().length, 2);
  });

  test('a pasted token is never refreshed: 99991663 is final at once', async () => {
    const core = makeCore(server, { source: { kind: 'manual', token: 't-expired-pasted-token' } });
    const result = await core.client.setBadge(badge());
    assert.ok(result.kind === 'api-error');
    assert.equal(result.code, 99991663);
    assert.equal(result.attempts, 1);
    assert.equal(server.tokenRequests().length, 0);
  });

  test('429 + 99991400: waits x-ogw-ratelimit-reset seconds, then succeeds', async () => {
    const core = makeCore(server);
    await core.tokens.getToken();
    server.setRateLimit({ limit: 1, windowMs: 1_000 });
    assert.equal((await core.client.setBadge(badge())).kind, 'success');
    const started = performance.now();
    const result = await core.client.setBadge(badge());
    const waited = performance.now() - started;
    assert.equal(result.kind, 'success', JSON.stringify(result));
    assert.equal(result.attempts, 2);
    const retry = result.retries[0];
    assert.equal(retry?.reason, 'rate-limited');
    assert.equal(retry?.httpStatus, 429);
    assert.equal(retry?.code, 99991400);
    assert.ok((retry?.delayMs ?? 0) >= 1_000, `waited ${retry?.delayMs} ms`);
    assert.ok(waited >= 990, `took ${waited} ms`);
  });

  test('99991400 on HTTP 400 (older gateways) is rate limiting too', async () => {
    const core = makeCore(server);
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 400, headers: { 'x-ogw-ratelimit-reset': '0' } });
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'success');
    assert.deepEqual(result.retries.map((r) => [r.reason, r.httpStatus, r.delayMs]), [['rate-limited', 400, 0]]);
  });

  test('a rate-limit wait longer than the bound is not waited out', async () => {
    const core = makeCore(server, { retry: { maxRateLimitWaitMs: 2_000 } });
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-reset': '30' } });
    const started = performance.now();
    const result = await core.client.setBadge(badge());
    assert.ok(result.kind === 'api-error');
    assert.equal(result.code, 99991400);
    assert.equal(result.rateLimitResetSeconds, 30);
    assert.ok(performance.now() - started < 1_000);
  });

  test('cancelling during a rate-limit wait returns promptly as cancelled', async () => {
    const core = makeCore(server);
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-reset': '20' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const result = await core.client.setBadge(badge(), { signal: controller.signal });
    assert.equal(result.kind, 'cancelled');
    assert.equal(result.attempts, 1);
    assert.ok(performance.now() - started < 1_500);
    assert.equal(server.badgeRequests().length, 1);
  });

  test('5xx and resets back off and retry; the attempts are bounded', async () => {
    const core = makeCore(server);
    server.inject({ type: 'status', status: 502, body: 'bad gateway', contentType: 'text/plain' });
    server.inject({ type: 'reset' });
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'success');
    assert.equal(result.attempts, 3);
    assert.deepEqual(result.retries.map((r) => r.reason), ['server-error', 'network']);
    assert.ok(result.retries.every((r) => r.delayMs > 0));

    server.clearRequests();
    server.inject({ type: 'status', status: 500 }, { times: 5 });
    const exhausted = await core.client.setBadge(badge());
    assert.ok(exhausted.kind === 'api-error');
    assert.equal(exhausted.httpStatus, 500);
    assert.equal(exhausted.attempts, 3);
    assert.equal(server.badgeRequests().length, 3);
  });

  test('maxAttempts is configurable', async () => {
    const core = makeCore(server, { retry: { maxAttempts: 5 } });
    server.inject({ type: 'status', status: 503 }, { times: 4 });
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'success');
    assert.equal(result.attempts, 5);
    const single = makeCore(server, { retry: { maxAttempts: 1 } });
    server.inject({ type: 'status', status: 503 });
    assert.equal((await single.client.setBadge(badge())).attempts, 1);
  });

  test('213004 (two writes for one user at once) backs off and retries', async () => {
    server.setBadgeLatency(40);
    const core = makeCore(server, { retry: { backoffBaseMs: 60 } });
    await core.tokens.getToken();
    const [a, b] = await Promise.all([core.client.setBadge(badge()), core.client.setBadge(badge())]);
    const results = [a, b];
    assert.ok(results.every((r) => r.kind === 'success'), JSON.stringify(results.map((r) => [r.kind, r.retries])));
    assert.ok(results.some((r) => r.retries.some((retry) => retry.reason === 'concurrent-update' && retry.code === 213004)));
  });

  test('a timeout is retried, then reported as a network timeout', async () => {
    const core = makeCore(server, { timeoutMs: 100, retry: { maxAttempts: 2 } });
    await core.tokens.getToken();
    server.inject({ type: 'hang' }, { times: 2 });
    const result = await core.client.setBadge(badge());
    assert.ok(result.kind === 'network');
    assert.equal(result.reason, 'timeout');
    assert.equal(result.attempts, 2);
  });

  test('each other API error is final after one attempt', async () => {
    const core = makeCore(server);
    server.setUserStatus('ou_invisible', 'invisible');
    server.setUserStatus('ou_inactive', 'inactive');
    const cases: Array<[Parameters<typeof valid>[0], number]> = [
      [{ user_id: 'ou_invisible', pc: { web_app: 1 } }, 213007],
      [{ user_id: 'ou_inactive', pc: { web_app: 1 } }, 213006],
      [{ user_id: USER }, 213003],
      [{ user_id: 'no_prefix', pc: { web_app: 1 } }, 99992351],
    ];
    for (const [input, code] of cases) {
      server.clearRequests();
      const result = await core.client.setBadge(valid(input));
      assert.ok(result.kind === 'api-error', JSON.stringify(result));
      assert.equal(result.code, code);
      assert.equal(result.attempts, 1);
      assert.equal(result.httpStatus, 400);
      assert.equal(result.logId, server.badgeRequests()[0]?.logId);
    }
  });

  test('token-fetch failures come back as token-error results, nothing sent to the badge endpoint', async () => {
    const core = makeCore(server, { source: { kind: 'self-built', appId: SANDBOX_APP.appId, appSecret: 'wrong-secret' } });
    const result = await core.client.setBadge(badge());
    assert.ok(result.kind === 'token-error');
    assert.equal(result.cause.kind === 'api-error' && result.cause.code, 10015);
    assert.equal(result.attempts, 0);
    assert.equal(server.badgeRequests().length, 0);
    assert.equal(JSON.stringify(result).includes('wrong-secret'), false);
  });

  test('invalid responses are final unless 5xx, and carry a snippet', async () => {
    const core = makeCore(server);
    server.inject({ type: 'broken-json' });
    const result = await core.client.setBadge(badge());
    assert.ok(result.kind === 'invalid-response');
    assert.equal(result.attempts, 1);
    assert.ok(result.snippet.length > 0);
  });

  test('user_id_type travels as the query parameter', async () => {
    const core = makeCore(server);
    const result = await core.client.setBadge(valid({ user_id: 'on_abc', user_id_type: 'union_id', mobile: { gadget: 5 } }));
    assert.equal(result.kind, 'success');
    assert.equal(server.badgeRequests()[0]?.query.user_id_type, 'union_id');
  });
});
