// Issue 11 §3, the circuit breaker: after K failures in a row that affect every user (token
// errors, 5xx, gateway pages, refused connections, app-level codes), a bulk run stops starting
// users, says why, and leaves a checkpoint that resumes. Before it, a 5xx storm made 300 requests
// for 100 users and a disabled app failed every remaining user one by one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBulk, systemicFailure } from '../../src/core/bulk.ts';
import type { BulkCheckpoint } from '../../src/core/bulk.ts';
import { SANDBOX_APP, makeCore, useFeishuServer, valid } from '../support/core.ts';

const items = (n: number, prefix: string): Array<{ user_id: string; pc: { web_app: number } }> =>
  Array.from({ length: n }, (_, i) => ({ user_id: `ou_${prefix}_${String(i).padStart(4, '0')}`, pc: { web_app: 1 } }));

function memoryCheckpoint(): BulkCheckpoint & { done: Set<string> } {
  const done = new Set<string>();
  return { done, isDone: (key) => done.has(key), markDone: (key) => void done.add(key) };
}

describe('bulk circuit breaker', () => {
  const server = useFeishuServer();

  test('a 5xx storm: the run stops after 5 systemic failures in a row, far fewer requests than users', async () => {
    const { client } = makeCore(server, { retry: { maxAttempts: 2 } });
    server.inject({ type: 'status', status: 503 }, { route: 'badge', times: 10_000 });
    const summary = await runBulk(client, items(100, 'storm'), { concurrency: 4 });
    const requests = server.badgeRequests().length;
    assert.ok(summary.stopped, 'the run says it stopped');
    assert.equal(summary.stopped.after >= 5, true);
    assert.match(summary.stopped.reason, /503/);
    assert.equal(summary.ok, 0);
    assert.ok(summary.failed <= 5 + 4, `${summary.failed} users failed before the stop (5 plus those in flight)`);
    assert.equal(summary.notSent, 100 - summary.failed);
    // Each failed user made at most maxAttempts attempts.
    assert.ok(requests <= (5 + 4) * 2, `${requests} requests for a run that should have stopped`);
  });

  test('a disabled app (token code 10014): stops after 5, nothing more is asked of the server', async () => {
    server.setAppDisabled(SANDBOX_APP.appId, true);
    const { client } = makeCore(server);
    const summary = await runBulk(client, items(200, 'disabled'), { concurrency: 4 });
    assert.ok(summary.stopped);
    assert.equal(summary.stopped.stage, 'token');
    assert.equal(summary.stopped.code, 10014);
    assert.ok(summary.failed < 20, `${summary.failed} failed`);
    assert.equal(server.badgeRequests().length, 0, 'no badge request without a token');
    assert.ok((summary.notSent ?? 0) >= 180);
  });

  test('failures about one user each (invisible, inactive) never trip it', async () => {
    const list = items(30, 'peruser');
    for (const item of list) server.setUserStatus(item.user_id, 'invisible');
    const { client } = makeCore(server);
    const summary = await runBulk(client, list, { concurrency: 4 });
    assert.equal(summary.stopped, undefined);
    assert.equal(summary.failed, 30);
    assert.equal(summary.notSent, 0);
  });

  test('a success between failures resets the count; after the cause is fixed the same list resumes from the checkpoint', async () => {
    const list = items(60, 'resume');
    const checkpoint = memoryCheckpoint();
    // One attempt per user keeps the test short: the pacer slows down on every 5xx.
    const { client } = makeCore(server, { retry: { maxAttempts: 1 } });
    // 12 users go through, then the gateway fails everything.
    const first = runBulk(client, list, { concurrency: 1, checkpoint, onProgress: (p) => { if (p.ok === 12) server.inject({ type: 'status', status: 502 }, { route: 'badge', times: 10_000 }); } });
    const summary = await first;
    assert.ok(summary.stopped, 'stopped');
    assert.equal(summary.ok, 12);
    assert.equal(checkpoint.done.size, 12);
    server.reset();
    const again = await runBulk(makeCore(server).client, list, { concurrency: 2, checkpoint });
    assert.equal(again.stopped, undefined);
    assert.equal(again.skipped, 12);
    assert.equal(again.ok, 48);
    assert.equal(server.badgeRequests().length, 48, 'nobody is sent twice');
  });

  test('which failures count as systemic', () => {
    const api = (code: number, httpStatus = 400) => ({ kind: 'api-error', code, httpStatus, msg: '', response: {} }) as const;
    const request = { userIdType: 'open_id', body: { user_id: 'ou_x', version: '1' } } as const;
    const badge = (outcome: object) => ({ ...outcome, request, attempts: 1, retries: [] }) as never;
    assert.equal(systemicFailure(badge(api(213007))), undefined, 'invisible user');
    assert.equal(systemicFailure(badge(api(99991400, 429))), undefined, 'rate limited (requeued)');
    assert.equal(systemicFailure(badge(api(99991672)))?.code, 99991672, 'missing scope');
    assert.equal(systemicFailure(badge(api(1, 502)))?.httpStatus, 502);
    assert.equal(systemicFailure(badge({ kind: 'network', reason: 'refused', detail: 'ECONNREFUSED' }))?.reason, 'refused');
    assert.equal(systemicFailure(badge({ kind: 'token-error', cause: api(10015) }))?.stage, 'token');
  });

  test('a bulk item overtaken by a newer send for the same user ends superseded: not failed, done in the checkpoint, not retried', async () => {
    const core = makeCore(server);
    await core.tokens.getToken();
    const checkpoint = memoryCheckpoint();
    const list = [{ user_id: 'ou_overtaken', pc: { web_app: 5 } }];
    server.inject({ type: 'delay', ms: 300 });
    const run = runBulk(core.client, list, { concurrency: 1, checkpoint });
    const deadline = Date.now() + 5_000;
    while (server.badgeRequests().length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    // The form clears the same user while the bulk request waits.
    const cleared = await core.client.setBadge(valid({ user_id: 'ou_overtaken', pc: { web_app: 0 } }));
    assert.equal(cleared.kind, 'success');
    const summary = await run;
    assert.deepEqual([summary.ok, summary.failed, summary.superseded], [0, 0, 1], JSON.stringify(summary.results));
    assert.equal(summary.results[0]?.status, 'superseded');
    assert.equal(summary.results[0]?.result?.error, 'superseded');
    assert.equal(checkpoint.done.size, 1, 'a resumed run will not send the older badge');
    assert.equal(server.badgeRequests().length, 2, 'not re-sent');
    assert.equal(server.badgeOf(SANDBOX_APP.appId, 'ou_overtaken')?.pc?.web_app, 0, 'the clear stays');
  });

  test('a gateway answering 429 forever stops the run instead of crawling through every user', async () => {
    const { client } = makeCore(server, { retry: { maxAttempts: 1 } });
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-reset': '0' } }, { route: 'badge', times: 100_000 });
    const summary = await runBulk(client, items(60, 'limited'), { concurrency: 2, maxRequeues: 1 });
    assert.ok(summary.stopped, 'stopped');
    assert.equal(summary.stopped.code, 99991400);
    assert.ok(summary.failed <= 5 + 2, `${summary.failed} failed`);
    assert.ok(server.badgeRequests().length <= (5 + 2) * 2, `${server.badgeRequests().length} requests`);
  });

  test('once stopped, users in flight make no further attempt (their retries are refused)', async () => {
    const { client } = makeCore(server, { retry: { maxAttempts: 3, backoffBaseMs: 200, backoffMaxMs: 200 } });
    server.inject({ type: 'status', status: 503 }, { route: 'badge', times: 100_000 });
    const summary = await runBulk(client, items(40, 'inflight'), { concurrency: 8, breakAfter: 1 });
    assert.ok(summary.stopped);
    // The first user to fail made 3 attempts; the 7 others in flight had made 1 or 2. Without the
    // refusal each of the 8 would make all 3: 24 requests.
    const requests = server.badgeRequests().length;
    assert.ok(requests < 20, `${requests} requests`);
    assert.equal(summary.failed + (summary.notSent ?? 0), 40);
  });
});
