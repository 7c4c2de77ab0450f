import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBulk } from '../../src/core/bulk.ts';
import { CSV_COLUMNS, closestColumn, parseBulkCsv } from '../../src/core/bulkInput.ts';
import { formatMessage } from '../../src/core/messages.ts';
import { makeCore, useFeishuServer } from '../support/core.ts';

// A header problem blocks the whole file: a row read without its misspelled or doubled column
// would go out without those counts (or with the wrong copy of them).
describe('CSV header: unknown and duplicate columns block the run', () => {
  test('an unknown column is named with the closest valid one, and no row is returned', () => {
    const parsed = parseBulkCsv('user_id,pc_web_app,mobile_webapp\nou_a,1,2\nou_b,3,4\n');
    assert.deepEqual(parsed.items, [], 'no item may go out without its mobile counts');
    assert.deepEqual(parsed.lines, []);
    assert.deepEqual(
      parsed.problems.map((p) => [p.line, p.id, p.params]),
      [[1, 'csv.unknownColumn', { column: 'mobile_webapp', suggestion: 'mobile_web_app', expected: CSV_COLUMNS.join(', ') }]],
    );
    assert.match(parsed.problems[0]?.detail ?? '', /"mobile_webapp".*did you mean mobile_web_app\?/);
  });

  test('the suggestion is the nearest column by edit distance, whatever the case and spaces', () => {
    assert.equal(closestColumn('mobile_webapp'), 'mobile_web_app');
    assert.equal(closestColumn('pc_gadgets'), 'pc_gadget');
    assert.equal(closestColumn('userid'), 'user_id');
    assert.equal(closestColumn('user_idtype'), 'user_id_type');
    assert.equal(closestColumn('  Mobile_Gadget_ '), 'mobile_gadget');
    const parsed = parseBulkCsv('User_ID, PC_WebApp \nou_a,1\n');
    assert.deepEqual(parsed.items, []);
    assert.deepEqual(parsed.problems.map((p) => [p.id, p.params?.column, p.params?.suggestion]), [['csv.unknownColumn', 'PC_WebApp', 'pc_web_app']]);
  });

  test('a duplicate column (case-insensitive, after trimming) is named with its positions, even though papaparse renames it', () => {
    for (const header of ['user_id,pc_web_app,pc_web_app', 'user_id,pc_web_app, PC_Web_App ', '\n\nuser_id,pc_web_app,pc_web_app']) {
      const parsed = parseBulkCsv(`${header}\nou_a,1,2\n`);
      assert.deepEqual(parsed.items, [], JSON.stringify(header));
      assert.deepEqual(
        parsed.problems.map((p) => [p.line, p.id, p.params?.column, p.params?.positions]),
        [[1, 'csv.duplicateColumn', 'pc_web_app', '2, 3']],
        JSON.stringify(header),
      );
      assert.match(parsed.problems[0]?.detail ?? '', /pc_web_app/);
    }
    const twice = parseBulkCsv('user_id,user_id,mobile_web_app\nou_a,ou_b,1\n');
    assert.deepEqual(twice.items, []);
    assert.deepEqual(twice.problems.map((p) => [p.id, p.params?.column]), [['csv.duplicateColumn', 'user_id']]);
  });

  test('all header problems are listed at once; empty header cells are still ignored', () => {
    const parsed = parseBulkCsv('user_id,pc_webapp,pc_gadget,pc_gadget,mobile_gadgets\nou_a,1,2,3,4\n');
    assert.deepEqual(parsed.items, []);
    assert.deepEqual(parsed.problems.map((p) => [p.id, p.params?.column]), [
      ['csv.duplicateColumn', 'pc_gadget'],
      ['csv.unknownColumn', 'pc_webapp'],
      ['csv.unknownColumn', 'mobile_gadgets'],
    ]);
    const trailing = parseBulkCsv('user_id,pc_web_app,,\nou_a,1,,\n');
    assert.deepEqual(trailing.problems, [], 'a trailing comma is not a column');
    assert.deepEqual(trailing.items, [{ user_id: 'ou_a', pc: { web_app: 1 } }]);
  });

  test('a valid header still parses as before', () => {
    const parsed = parseBulkCsv(' USER_ID ,Mobile_Web_App\nou_a,3\n');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.items, [{ user_id: 'ou_a', mobile: { web_app: 3 } }]);
  });

  test('the messages exist in English and Chinese and name the column and the suggestion', () => {
    const params = { column: 'mobile_webapp', suggestion: 'mobile_web_app', expected: CSV_COLUMNS.join(', ') };
    for (const locale of ['en', 'zh-cn'] as const) {
      const unknown = formatMessage('csv.unknownColumn', locale, params);
      assert.ok(unknown.includes('mobile_webapp') && unknown.includes('mobile_web_app'), unknown);
      const duplicate = formatMessage('csv.duplicateColumn', locale, { column: 'pc_web_app', positions: '2, 3' });
      assert.ok(duplicate.includes('pc_web_app') && duplicate.includes('2, 3'), duplicate);
    }
    assert.match(formatMessage('csv.unknownColumn', 'zh-cn', params), /[\u4e00-\u9fff]/);
  });
});

describe('CSV header problems send nothing, over real HTTP', () => {
  const server = useFeishuServer();

  test('the items of a file with a misspelled column reach no server', async () => {
    const parsed = parseBulkCsv('user_id,pc_web_app,mobile_webapp\nou_a,1,2\nou_b,3,4\n');
    const summary = await runBulk(makeCore(server).client, parsed.items, { concurrency: 2 });
    assert.equal(summary.total, 0);
    assert.equal(summary.ok, 0);
    assert.deepEqual(server.badgeRequests(), [], 'today both rows go out with PC counts only');
  });
});
