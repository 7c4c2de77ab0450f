// Issue 10 §1 and §3 in the core: bulk items that name their person by email or mobile, and items
// held back (unresolved, not visible, inactive, unknown) that a run reports and never sends.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runBulk } from '../../src/core/bulk.ts';
import type { BulkHold } from '../../src/core/bulk.ts';
import { bulkResultsCsv, contactOf, itemsForUsers, parseBulkCsv, parseBulkJson, withResolvedId } from '../../src/core/bulkInput.ts';
import { groupBulkResults } from '../../src/core/bulkView.ts';
import { makeCore, useFeishuServer } from '../support/core.ts';

describe('bulk items given by email or mobile', () => {
  test('a CSV row gives user_id, or else email, or else mobile (as `phone`, beside the mobile counts); a file with only an email column is read', () => {
    const parsed = parseBulkCsv('email,mobile,user_id,pc_web_app,mobile_web_app\nann@example.com,,,1,5\n,+1 415 555 0100,,2,6\n,,ou_c,3,\nbob@example.com,+8613800000001,ou_d,4,\n');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.items, [
      { email: 'ann@example.com', pc: { web_app: 1 }, mobile: { web_app: 5 } },
      { phone: '+1 415 555 0100', pc: { web_app: 2 }, mobile: { web_app: 6 } },
      { user_id: 'ou_c', pc: { web_app: 3 } },
      { user_id: 'ou_d', pc: { web_app: 4 } },
    ]);
    assert.deepEqual(parseBulkCsv('email,pc_web_app\nann@example.com,1\n').items, [{ email: 'ann@example.com', pc: { web_app: 1 } }]);
    assert.equal(parseBulkCsv('name,pc_web_app\nann,1\n').problems[0]?.id, 'csv.missingColumn');
  });

  test('a pasted list: @ is an email, + a phone (spaces, hyphens, brackets and full-width digits kept together), anything else an ID', () => {
    const items = itemsForUsers('ann@example.com\n+1 415 555 0100, ＋８６ １３８-0000-0001\n13800000001 ou_x\nAnn Lee <ann.lee@example.com>', { pc: { web_app: 1 }, mobile: { web_app: 1 } });
    assert.deepEqual(
      items.map((item) => [item.email ?? item.phone ?? item.user_id, item.mobile]),
      [
        ['ann@example.com', { web_app: 1 }],
        ['+14155550100', { web_app: 1 }],
        ['+8613800000001', { web_app: 1 }],
        ['13800000001', { web_app: 1 }],
        ['ou_x', { web_app: 1 }],
        ['ann.lee@example.com', { web_app: 1 }],
      ],
    );
  });

  test('contactOf and withResolvedId: the ID replaces the contact, every count stays (the mobile counts too)', () => {
    const [item] = parseBulkJson('[{"email":" ann@example.com ","pc":{"web_app":2},"mobile":{"web_app":3},"extra":"{}"}]').items;
    assert.deepEqual(contactOf(item), { source: 'email', value: 'ann@example.com', input: 'ann@example.com' });
    assert.deepEqual(withResolvedId(item as Record<string, unknown>, 'ou_ann', 'open_id'), { pc: { web_app: 2 }, mobile: { web_app: 3 }, extra: '{}', user_id: 'ou_ann', user_id_type: 'open_id' });
    // `mobile` as text is the issue's phone field (then it cannot also carry counts); `phone` can sit beside them.
    assert.deepEqual(contactOf({ mobile: '+86 138-0000-0001', pc: { web_app: 1 } }), { source: 'mobile', value: '+8613800000001', input: '+86 138-0000-0001' });
    assert.deepEqual(withResolvedId({ mobile: '+8613800000001', pc: { web_app: 1 } }, 'ou_m', 'open_id'), { pc: { web_app: 1 }, user_id: 'ou_m', user_id_type: 'open_id' });
    assert.deepEqual(withResolvedId({ phone: '+8613800000001', mobile: { web_app: 4 } }, 'ou_m', 'open_id'), { mobile: { web_app: 4 }, user_id: 'ou_m', user_id_type: 'open_id' });
    assert.equal(contactOf({ user_id: 'ou_a', email: 'x@y.z' }), undefined, 'a user_id wins');
    assert.equal(contactOf({ email: 42 }), undefined);
    assert.equal(contactOf({ mobile: { web_app: 1 } }), undefined, 'mobile counts are not a phone number');
  });
});

describe('held items in a bulk run', () => {
  const server = useFeishuServer();

  test('held items are reported with their hold and never sent; the others are; counts add up', async () => {
    const { client } = makeCore(server);
    const items = [
      { user_id: 'ou_a', pc: { web_app: 1 } },
      { email: 'nobody@example.com', pc: { web_app: 1 } },
      { user_id: 'ou_hidden', pc: { web_app: 1 } },
      { user_id: 'ou_b', pc: { web_app: -1 } },
      { user_id: 'ou_c', pc: { web_app: 1 } },
    ];
    const hold = new Map<number, BulkHold>([
      [1, { status: 'unresolved', reason: 'recipient.no-such-person', detail: 'No one has it.', input: 'nobody@example.com' }],
      [2, { status: 'not-visible', reason: 'preflight.black-list', detail: 'On the black list.' }],
    ]);
    const summary = await runBulk(client, items, { hold });
    assert.deepEqual([summary.total, summary.ok, summary.failed, summary.held, summary.notSent], [5, 2, 1, 2, 0]);
    assert.deepEqual(summary.results.map((r) => r.status), ['ok', 'unresolved', 'not-visible', 'invalid', 'ok']);
    assert.equal(summary.results[1]?.hold?.input, 'nobody@example.com');
    assert.equal(summary.results[1]?.issues, undefined, 'a held item carries its hold, not validation issues');
    assert.deepEqual(server.badgeRequests().map((r) => (r.body as { user_id: string }).user_id).sort(), ['ou_a', 'ou_c']);
    const csv = bulkResultsCsv(summary.results).split('\r\n');
    assert.equal(csv[0], 'row,user_id,user_id_type,status,code,http_status,log_id,attempts,version,error,message,guidance,recipient');
    assert.equal(csv[2], '2,,open_id,unresolved,,,,0,,recipient.no-such-person,No one has it.,,nobody@example.com');
    assert.equal(csv[3], '3,ou_hidden,open_id,not-visible,,,,0,,preflight.black-list,On the black list.,,');
    assert.deepEqual(groupBulkResults(summary.results).map((g) => g.status), ['invalid', 'unresolved', 'not-visible', 'ok']);
  });

  test('a run where everything is held sends nothing', async () => {
    const { client } = makeCore(server);
    const hold = new Map<number, BulkHold>([[0, { status: 'inactive', reason: 'preflight.resigned', detail: 'Left.' }]]);
    const summary = await runBulk(client, [{ user_id: 'ou_left', pc: { web_app: 1 } }], { hold });
    assert.deepEqual([summary.ok, summary.failed, summary.held], [0, 0, 1]);
    assert.equal(server.badgeRequests().length, 0);
  });
});
