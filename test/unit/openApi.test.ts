// The path every read API takes (src/core/openApi.ts): the turn-taker that keeps one app within
// the contact APIs' 50/s and 1,000/min, on a mocked clock; and callOpenApi over real HTTP against
// the local server: a rejected token is fetched again once and only once, a missing scope is final.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateWindow, callOpenApi, missingScopes } from '../../src/core/openApi.ts';
import type { Transport } from '../../src/core/http.ts';
import { CONTACT_BASE_SCOPE, FIND_BY_DEPARTMENT_PATH } from '../../src/core/recipients.ts';
import { SANDBOX_APP, makeCore, useFeishuServer } from '../support/core.ts';

/** The most of `times` within any span shorter than `span` ms. */
function peak(times: number[], span: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= span) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RateWindow', () => {
  test('contact(): at most 49 turns in any second and 990 in any minute, and no slower than that', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    // Built after the clock is mocked, so its default clock is the mocked Date.now.
    const window = RateWindow.contact();
    const granted: number[] = [];
    const callers = 1_100;
    for (let i = 0; i < callers; i++) {
      void window.acquire().then((ok) => {
        if (ok) granted.push(Date.now());
      });
    }
    await flush();
    while (Date.now() < 62_000 && granted.length < callers) {
      t.mock.timers.tick(10);
      await flush();
    }
    assert.equal(granted.length, callers);
    assert.equal(peak(granted, 1_000), 49);
    assert.equal(peak(granted, 60_000), 990);
    assert.equal(granted.filter((at) => at === 0).length, 49, 'the first 49 at once');
    assert.equal(granted[49], 1_000, 'the 50th a second later');
    assert.equal(granted[989], 20_000, 'the 990th in the 21st second');
    assert.equal(granted[990], 60_000, 'the 991st when the first call leaves the minute');
  });

  test('a given clock is the one read, and an abort while waiting gives up the turn', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    let now = 5_000_000;
    const window = new RateWindow({ perSecond: 2, perMinute: 100, now: () => now });
    assert.equal(await window.acquire(), true);
    assert.equal(await window.acquire(), true);
    const controller = new AbortController();
    let third: boolean | undefined;
    void window.acquire(controller.signal).then((ok) => {
      third = ok;
    });
    await flush();
    assert.equal(third, undefined, 'waits for the second to pass');
    controller.abort();
    await flush();
    assert.equal(third, false);
    now += 1_000;
    assert.equal(await window.acquire(), true, 'the next caller is not stuck behind the aborted one');
  });
});

describe('callOpenApi over real HTTP', () => {
  const NO_SCOPE_APP = { appId: 'cli_no_contact', appSecret: 'no-contact-secret-012345', scopes: ['contact:user.id:readonly'] };
  const server = useFeishuServer({ apps: [{ ...SANDBOX_APP }, NO_SCOPE_APP] });
  const request = { method: 'GET', path: FIND_BY_DEPARTMENT_PATH, query: { department_id: '0', page_size: '50' } } as const;
  const finds = () => server.requests.filter((r) => r.path === FIND_BY_DEPARTMENT_PATH);
  const tokenCalls = () => server.tokenRequests().length;

  test('a token the server rejects (99991663) is fetched again once, and the call goes through with the new one', async () => {
    server.addPerson({ userId: 'u_1' });
    const { transport, tokens } = makeCore(server);
    assert.equal((await tokens.getToken()).ok, true);
    server.revokeAllTokens();
    const outcome = await callOpenApi(transport, tokens, request);
    assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
    const calls = finds();
    assert.deepEqual(calls.map((c) => c.code), [99991663, 0]);
    assert.notEqual(calls[0]?.headers['authorization'], calls[1]?.headers['authorization']);
    assert.equal(tokenCalls(), 2);
  });

  test('a token rejected again after the refresh is final: one refresh, two calls', async () => {
    const core = makeCore(server);
    // Every call meets a revoked token: a client that refreshed more than once would loop on it.
    const revoking: Transport = {
      baseUrl: core.transport.baseUrl,
      post: (path, json, options) => core.transport.post(path, json, options),
      get: (path, options) => {
        server.revokeAllTokens();
        return core.transport.get(path, options);
      },
    };
    const outcome = await callOpenApi(revoking, core.tokens, request, { retry: { maxAttempts: 5 } });
    assert.equal(outcome.kind === 'api-error' && outcome.code, 99991663);
    assert.equal(finds().length, 2);
    assert.equal(tokenCalls(), 2);
  });

  test('a missing scope (99991672) is not retried, and names the scope', async () => {
    const core = makeCore(server, { source: { kind: 'self-built', appId: NO_SCOPE_APP.appId, appSecret: NO_SCOPE_APP.appSecret } });
    const outcome = await callOpenApi(core.transport, core.tokens, request, { retry: { maxAttempts: 5 } });
    assert.equal(outcome.kind === 'api-error' && outcome.code, 99991672);
    assert.equal(finds().length, 1);
    assert.ok(missingScopes(outcome, 'fallback:scope')?.includes(CONTACT_BASE_SCOPE));
    assert.equal(tokenCalls(), 1);
  });
});

describe('contact calls against a server that limits them', () => {
  const server = useFeishuServer({ contactRateLimit: { limit: 5, windowMs: 1_000, headers: 'on429' } });
  const people = (): string[] => {
    for (let i = 0; i < 300; i++) server.addPerson({ userId: `u_${i}`, email: `p${i}@example.com` });
    return Array.from({ length: 300 }, (_, i) => `p${i}@example.com`);
  };

  test('paced with a margin of one call (as contact() keeps 49 of 50): 6 calls, no 429, everyone found', async () => {
    const emails = people();
    const { transport, tokens } = makeCore(server);
    const pace = new RateWindow({ perSecond: 4, perMinute: 1_000 }).acquire;
    const { resolveContacts } = await import('../../src/core/recipients.ts');
    const result = await resolveContacts(transport, tokens, { emails }, undefined, pace);
    assert.equal(result.users.length, 300);
    const calls = server.requests.filter((r) => r.route === 'other');
    assert.equal(calls.length, 6);
    assert.equal(calls.filter((r) => r.status === 429).length, 0);
  });

  test('unpaced over the limit: the 429s are waited out and the answer is still complete', async () => {
    server.setContactRateLimit({ limit: 2, windowMs: 1_000, headers: 'on429' });
    const emails = people();
    const { transport, tokens } = makeCore(server, { retry: { maxAttempts: 5 } });
    const { resolveContacts } = await import('../../src/core/recipients.ts');
    const result = await resolveContacts(transport, tokens, { emails });
    assert.equal(result.ok, true, JSON.stringify({ ...result, users: result.users.length }));
    assert.equal(result.users.length, 300);
    assert.ok(server.requests.filter((r) => r.status === 429).length >= 1, 'the server refused some');
  });
});
