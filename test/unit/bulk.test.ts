import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RatePacer, checkpointKey, planBulk, runBulk } from '../../src/core/bulk.ts';
import type { BulkCheckpoint } from '../../src/core/bulk.ts';
import Papa from 'papaparse';
import { bulkExportFileName, bulkResultsCsv, itemsForUsers, parseBulkCsv, parseBulkJson } from '../../src/core/bulkInput.ts';
import { makeCore, useFeishuServer } from '../support/core.ts';

const users = (n: number, prefix = 'ou_bulk_'): Array<Record<string, unknown>> =>
  Array.from({ length: n }, (_, i) => ({ user_id: `${prefix}${i}`, pc: { web_app: i % 5 }, mobile: { web_app: 1 } }));

function memoryCheckpoint(): BulkCheckpoint & { done: Set<string> } {
  const done = new Set<string>();
  return { done, isDone: (key) => done.has(key), markDone: (key) => void done.add(key) };
}

describe('bulk input files', () => {
  test('CSV with the documented columns, quoting, BOM and CRLF', () => {
    const csv = '\uFEFFuser_id,user_id_type,pc_web_app,pc_gadget,mobile_web_app,mobile_gadget\r\nou_a,open_id,1,2,3,4\r\n"ou_b",,5,,,\r\n';
    const parsed = parseBulkCsv(csv);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.items, [
      { user_id: 'ou_a', user_id_type: 'open_id', pc: { web_app: 1, gadget: 2 }, mobile: { web_app: 3, gadget: 4 } },
      { user_id: 'ou_b', pc: { web_app: 5 } },
    ]);
    assert.deepEqual(parsed.lines, [2, 3]);
  });

  test('bad rows are reported with their line and the rest still parse; values are left to the schema', () => {
    const csv = 'user_id,pc_web_app\nou_a,1\nou_b,1,extra\nou_c,abc\nou_d,-3\n';
    const parsed = parseBulkCsv(csv);
    assert.deepEqual(parsed.problems.map((p) => [p.line, p.id]), [[3, 'csv.count']]);
    assert.deepEqual(parsed.items.map((i) => i.user_id), ['ou_a', 'ou_c', 'ou_d']);
    const plan = planBulk(parsed.items);
    assert.deepEqual(plan.invalid.map((r) => [r.index, r.issues?.[0]?.path, r.issues?.[0]?.id]), [
      [1, 'pc.web_app', 'count.notNumber'],
      [2, 'pc.web_app', 'count.range'],
    ]);
  });

  test('a CSV without user_id, or with unknown columns, says which', () => {
    assert.deepEqual(parseBulkCsv('id,pc_web_app\nx,1\n').problems.map((p) => p.id), ['csv.missingColumn']);
    assert.match(parseBulkCsv('user_id,pc_webapp\nou_x,1\n').problems[0]?.detail ?? '', /pc_webapp/);
  });

  test('JSON arrays or { items }, and plain id lists', () => {
    assert.equal(parseBulkJson('[{"user_id":"ou_a","pc":{"web_app":1}}]').items.length, 1);
    assert.equal(parseBulkJson('{"items":[{"user_id":"ou_a"},{"user_id":"ou_b"}]}').items.length, 2);
    assert.equal(parseBulkJson('{"user_id":"ou_a"}').problems[0]?.id, 'json.shape');
    assert.equal(parseBulkJson('[1').problems[0]?.id, 'json.syntax');
    assert.deepEqual(itemsForUsers('ou_a\nou_b, ou_a', { pc: { web_app: 2 } }), [
      { user_id: 'ou_a', pc: { web_app: 2 } },
      { user_id: 'ou_b', pc: { web_app: 2 } },
    ]);
  });
});

describe('bulk results CSV', () => {
  test('the export suggests a dated file name without colons, in local time', () => {
    assert.equal(bulkExportFileName(new Date(2026, 11, 3, 10, 0, 59)), 'feishu-badge-bulk-2026-12-03T10-00.csv');
    assert.equal(bulkExportFileName(new Date(2027, 0, 9, 7, 5)), 'feishu-badge-bulk-2027-01-09T07-05.csv');
  });

  const failed = (userId: string, msg: string, extra: Partial<{ code: number; logId: string; guidance: { title: string; steps: string[] } }> = {}) => ({
    index: 0,
    userId,
    userIdType: 'open_id',
    status: 'failed',
    result: { ok: false, code: extra.code ?? 99992351, httpStatus: 400, logId: extra.logId ?? 'log-1', attempts: 1, error: 'api', msg, ...(extra.guidance === undefined ? {} : { guidance: extra.guidance }) },
  });

  test('cells that a spreadsheet would run as a formula are prefixed with a quote, and still quoted per RFC 4180', () => {
    const hostile = [
      failed('=HYPERLINK("http://x")', '@SUM(1)'),
      failed('+1+1', '-2+3 is not a user', { logId: '=cmd|/C calc!A0', guidance: { title: '@title', steps: ['=1'] } }),
      failed('\tou_tab', '\r=1'),
      failed('=multi\nline', 'ok, "quoted"'),
    ];
    const csv = bulkResultsCsv(hostile.map((item, index) => ({ ...item, index })));
    const rows = Papa.parse<Record<string, string>>(csv, { header: true }).data;
    assert.equal(rows.length, 4);
    assert.deepEqual(
      rows.map((row) => [row.user_id, row.message, row.log_id, row.guidance]),
      [
        ['\'=HYPERLINK("http://x")', "'@SUM(1)", 'log-1', ''],
        ["'+1+1", "'-2+3 is not a user", "'=cmd|/C calc!A0", "'@title | =1"],
        ["'\tou_tab", "'\r=1", 'log-1', ''],
        ["'=multi\nline", 'ok, "quoted"', 'log-1', ''],
      ],
    );
    // Every cell that could start a formula, whatever its column, starts with the quote once parsed.
    for (const row of rows) {
      for (const [column, cell] of Object.entries(row)) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `${column}: ${JSON.stringify(cell)}`);
    }
    // RFC 4180: an escaped cell is wrapped in double quotes, inner quotes doubled.
    assert.ok(csv.includes('"\'=HYPERLINK(""http://x"")"'), csv);
    assert.ok(csv.includes('"\'@SUM(1)"'), csv);
    assert.ok(csv.includes('"\'=multi\nline"'), csv);
    assert.ok(csv.includes('"ok, ""quoted"""'), csv);
  });

  test('ordinary cells and numbers are left alone', () => {
    const csv = bulkResultsCsv([{ index: 0, userId: 'ou_a', userIdType: 'open_id', status: 'ok', result: { ok: true, code: 0, httpStatus: 200, logId: 'l', attempts: 1, version: '1', msg: 'success' } }]);
    assert.equal(csv.split('\r\n')[1], '1,ou_a,open_id,ok,0,200,l,1,1,,success,,');
  });
});

describe('bulk runs against the local Feishu-like server', () => {
  const server = useFeishuServer();

  test('every valid item is sent once; invalid ones are reported and not sent', async () => {
    const items = [...users(20), { user_id: '', pc: { web_app: 1 } }, { user_id: 'ou_neg', pc: { web_app: -1 } }];
    const summary = await runBulk(makeCore(server).client, items, { concurrency: 4 });
    assert.deepEqual([summary.total, summary.ok, summary.failed, summary.skipped], [22, 20, 2, 0]);
    assert.equal(server.badgeRequests().length, 20);
    assert.deepEqual(new Set(server.badgeRequests().map((r) => (r.body as { user_id: string }).user_id)).size, 20);
    assert.deepEqual(summary.results.map((r) => r.index), [...Array(22).keys()]);
    assert.equal(summary.results[20]?.status, 'invalid');
  });

  test('never two writes for one user at once: repeated users are serialised (no 213004)', async () => {
    server.setBadgeLatency(30);
    const items = [...users(3), ...users(3), ...users(3)];
    const summary = await runBulk(makeCore(server).client, items, { concurrency: 6 });
    assert.equal(summary.ok, 9);
    assert.equal(server.badgeRequests().filter((r) => r.code === 213004).length, 0);
    const versions = server.badgeRequests().filter((r) => (r.body as { user_id: string }).user_id === 'ou_bulk_0').map((r) => BigInt((r.body as { version: string }).version));
    assert.equal(versions.length, 3);
    assert.ok(versions[0]! < versions[1]! && versions[1]! < versions[2]!, 'in input order');
  });

  test('adapts to the rate limit: paces below it instead of hammering, and every user is set', async () => {
    server.setRateLimit({ limit: 20, windowMs: 500 });
    const pacer = new RatePacer({ concurrency: 8 });
    const summary = await runBulk(makeCore(server).client, users(60), { concurrency: 8, pacer });
    assert.equal(summary.ok, 60);
    const limited = server.badgeRequests().filter((r) => r.code === 99991400).length;
    assert.ok(limited <= 10, `${limited} requests were rate limited`);
    assert.ok((pacer.ratePerSecond ?? 0) > 0 && (pacer.ratePerSecond ?? 0) < 20, `pace ${pacer.ratePerSecond}/s is below the advertised limit per second`);
  });

  test('after a stall the pacer catches up the missed slots the headroom allows, and no more', async () => {
    let now = 0;
    const pacer = new RatePacer({ concurrency: 10, now: () => now });
    const success = { kind: 'success', httpStatus: 200, code: 0, msg: 'ok', response: {}, rateLimitLimit: 50 } as const;
    assert.equal(await pacer.acquire(), true); // the probe
    pacer.release(success); // learns 50/s: 49/s paced, slots ~20.4 ms apart, one request of headroom per window
    const immediate = async (): Promise<boolean> => Promise.race([pacer.acquire().then(() => true), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);
    assert.equal(await immediate(), true);
    now += 200; // the process stalled for ~9 slots
    const burst = [await immediate(), await immediate(), await immediate(), await immediate()];
    assert.deepEqual(burst, [true, true, true, false], 'the slot due now and two caught up, then pacing resumes');
    now += 1_000; // let the waiting acquire through before the test ends
  });

  test('a 429 pauses every worker until the reset', async () => {
    const pacer = new RatePacer({ concurrency: 4 });
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-reset': '1' } });
    const started = Date.now();
    const summary = await runBulk(makeCore(server).client, users(6), { concurrency: 4, pacer });
    assert.equal(summary.ok, 6);
    assert.equal(pacer.rateLimitedCount, 1);
    const after429 = server.badgeRequests().slice(1);
    assert.ok(after429.every((r) => r.receivedAt - started >= 950), 'nothing was sent during the pause');
  });

  test('cancel, then resume: users already done are not sent again', async () => {
    server.setBadgeLatency(20);
    const checkpoint = memoryCheckpoint();
    const controller = new AbortController();
    const items = users(30);
    const first = runBulk(makeCore(server).client, items, {
      concurrency: 2,
      checkpoint,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.ok >= 10) controller.abort();
      },
    });
    const partial = await first;
    assert.equal(partial.cancelled, true);
    assert.ok(partial.ok >= 10 && partial.ok < 30, `ok=${partial.ok}`);
    const sentFirst = new Set(server.badgeRequests().filter((r) => r.code === 0).map((r) => (r.body as { user_id: string }).user_id));
    server.clearRequests();
    const resumed = await runBulk(makeCore(server).client, items, { concurrency: 2, checkpoint });
    assert.equal(resumed.cancelled, false);
    assert.equal(resumed.ok + resumed.skipped, 30);
    assert.equal(resumed.skipped, checkpoint.done.size - resumed.ok);
    const sentAgain = server.badgeRequests().map((r) => (r.body as { user_id: string }).user_id);
    assert.equal(sentAgain.filter((id) => sentFirst.has(id)).length, 0, 'no double sends');
    assert.equal(checkpoint.done.size, 30);
  });

  test('conflicts are retried as single sends do', async () => {
    server.inject({ type: 'api-error', code: 213001 });
    const summary = await runBulk(makeCore(server).client, users(3), { concurrency: 1 });
    assert.equal(summary.ok, 3);
    assert.equal(summary.results[0]?.result?.attempts, 2);
  });

  test("items without user_id_type use the run's default user ID type, in the request actually sent", async () => {
    const items = [
      { user_id: 'staff_1', pc: { web_app: 1 } },
      { user_id: 'on_union', user_id_type: 'union_id', pc: { web_app: 2 } },
      { user_id: 'staff_2', pc: { web_app: 'x' } },
    ];
    const summary = await runBulk(makeCore(server).client, items, { concurrency: 2, defaultUserIdType: 'user_id' });
    assert.deepEqual([summary.ok, summary.failed], [2, 1]);
    const sent = server.badgeRequests().map((r) => [(r.body as { user_id: string }).user_id, r.query.user_id_type, r.code]);
    assert.deepEqual(sent.sort(), [['on_union', 'union_id', 0], ['staff_1', 'user_id', 0]]);
    assert.deepEqual(summary.results.map((r) => [r.userId, r.userIdType, r.status]), [
      ['staff_1', 'user_id', 'ok'],
      ['on_union', 'union_id', 'ok'],
      ['staff_2', 'user_id', 'invalid'],
    ]);
    const plan = planBulk(items, { defaultUserIdType: 'user_id' });
    assert.deepEqual(plan.valid.map((entry) => entry.badge.userIdType), ['user_id', 'union_id']);
    assert.equal(checkpointKey(0, plan.valid[0]!.badge), '0|user_id:staff_1');
    assert.deepEqual(planBulk(items).valid.map((entry) => entry.badge.userIdType), ['open_id', 'union_id'], 'open_id without the option, as before');
  });

  test('checkpoint keys name the item and the user', () => {
    const plan = planBulk(users(1));
    assert.equal(checkpointKey(0, plan.valid[0]!.badge), '0|open_id:ou_bulk_0');
  });
});
