import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BULK_VIEW_ROW_CAP, groupBulkResults } from '../../src/core/bulkView.ts';

// The Bulk Results view's layout, as pure data: failures first, each group capped, counts exact.
const row = (index: number, status: string): { index: number; status: string } => ({ index, status });

describe('bulk results view: grouping', () => {
  test('failures first, then invalid, set and skipped, whatever the order of the run; empty groups left out', () => {
    const rows = [row(0, 'ok'), row(1, 'skipped'), row(2, 'failed'), row(3, 'ok'), row(4, 'failed')];
    const groups = groupBulkResults(rows);
    assert.deepEqual(
      groups.map((g) => [g.status, g.total, g.more]),
      [
        ['failed', 2, 0],
        ['ok', 2, 0],
        ['skipped', 1, 0],
      ],
    );
    assert.deepEqual(
      groups[0]?.shown.map((r) => r.index),
      [2, 4],
      'rows keep the order of the run',
    );
  });

  test('each group lists at most the cap and counts the rest', () => {
    const rows = Array.from({ length: 1_234 }, (_, i) => row(i, i % 2 === 0 ? 'failed' : 'ok'));
    const groups = groupBulkResults(rows, 100);
    assert.deepEqual(
      groups.map((g) => [g.status, g.total, g.shown.length, g.more]),
      [
        ['failed', 617, 100, 517],
        ['ok', 617, 100, 517],
      ],
    );
    assert.deepEqual(
      groups[0]?.shown.slice(0, 3).map((r) => r.index),
      [0, 2, 4],
      'the first rows of the group',
    );
    assert.equal(BULK_VIEW_ROW_CAP, 500);
    assert.equal(groupBulkResults(rows)[0]?.shown.length, BULK_VIEW_ROW_CAP, 'the default cap');
  });

  test('a status the view does not know (a later release) still gets a group, after the known ones', () => {
    const groups = groupBulkResults([row(0, 'superseded'), row(1, 'ok'), row(2, 'failed'), row(3, 'superseded')]);
    assert.deepEqual(
      groups.map((g) => [g.status, g.total]),
      [
        ['failed', 1],
        ['ok', 1],
        ['superseded', 2],
      ],
    );
  });

  test('a cap of 0, a negative or NaN cap lists nothing and counts everything; nothing for an empty run', () => {
    for (const cap of [0, -3, Number.NaN]) assert.deepEqual(groupBulkResults([row(0, 'failed')], cap), [{ status: 'failed', total: 1, shown: [], more: 1 }]);
    assert.deepEqual(groupBulkResults([]), []);
  });

  test('any run: every row counted once, listed rows within the cap and in order, failures first', () => {
    const statuses = fc.constantFrom('failed', 'invalid', 'ok', 'skipped', 'superseded');
    fc.assert(
      fc.property(fc.array(statuses, { maxLength: 300 }), fc.integer({ min: 0, max: 50 }), (list, cap) => {
        const rows = list.map((status, index) => row(index, status));
        const groups = groupBulkResults(rows, cap);
        assert.equal(
          groups.reduce((sum, g) => sum + g.total, 0),
          rows.length,
        );
        for (const g of groups) {
          assert.equal(g.total, rows.filter((r) => r.status === g.status).length);
          assert.equal(g.shown.length, Math.min(cap, g.total));
          assert.equal(g.more, g.total - g.shown.length);
          assert.deepEqual(
            g.shown,
            rows.filter((r) => r.status === g.status).slice(0, cap),
          );
        }
        if (rows.some((r) => r.status === 'failed')) assert.equal(groups[0]?.status, 'failed');
      }),
    );
  });

  test('100,000 rows group in one pass (generous bound: 1 s, measured 2 to 20 ms)', () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => row(i, i % 10 === 3 ? 'failed' : 'ok'));
    const started = performance.now();
    const groups = groupBulkResults(rows);
    const ms = performance.now() - started;
    assert.ok(ms < 1_000, `${ms.toFixed(0)} ms`);
    assert.deepEqual(
      groups.map((g) => [g.status, g.total, g.shown.length, g.more]),
      [
        ['failed', 10_000, 500, 9_500],
        ['ok', 90_000, 500, 89_500],
      ],
    );
  });
});
