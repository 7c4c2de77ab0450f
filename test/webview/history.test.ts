// What the extension last set for the target, and the recent requests with Re-send.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FromWebview, HistoryItem } from '../../src/shared/protocol.ts';
import { parseFromWebview } from '../../src/shared/protocol.ts';
import { hostState, success } from './fixtures.ts';
import type { FormPage, Harness } from './harness.ts';
import { HARNESS_HOOK, startHarness } from './harness.ts';

let harness: Harness;
// Bounded: startHarness() fails naming its step within 60 s; the hook timeout is the backstop.
before(async () => {
  harness = await startHarness();
}, HARNESS_HOOK);
after(async () => {
  await harness?.close();
}, HARNESS_HOOK);

const target = { userId: 'ou_abc', userIdType: 'open_id' } as const;
const AT = Date.UTC(2024, 0, 2, 3, 4, 5);

const HISTORY: HistoryItem[] = [
  { index: 0, at: AT, userId: 'ou_abc', userIdType: 'open_id', pc: { web_app: 3, gadget: 1 }, mobile: { web_app: 3, gadget: 1 }, ok: true },
  { index: 1, at: AT - 60_000, userId: 'on_union', userIdType: 'union_id', pc: { web_app: 0 }, ok: false, code: 230001 },
];

async function waitForPost(form: FormPage, type: FromWebview['type']): Promise<FromWebview> {
  const handle = await form.page.waitForFunction((wanted) => (globalThis as unknown as { __posted: FromWebview[] }).__posted.findLast((m) => m.type === wanted), type, {
    timeout: 3000,
  });
  return (await handle.jsonValue()) as FromWebview;
}

const ofType = async <T extends FromWebview['type']>(form: FormPage, type: T): Promise<Array<Extract<FromWebview, { type: T }>>> =>
  (await form.posted()).filter((message): message is Extract<FromWebview, { type: T }> => message.type === type);

describe('remembered badge', () => {
  test('the line under the target renders from the version reply, for the current target only', async () => {
    const form = await harness.open();
    await form.deliver({ type: 'state', state: hostState() });
    assert.equal(await form.page.isHidden('#remembered'), true);
    await form.page.fill('#userId', 'ou_abc');
    await waitForPost(form, 'peekVersion');
    await form.deliver({
      type: 'version',
      target,
      version: '1700000000999',
      remembered: { pc: { web_app: 3, gadget: 1 }, mobile: { web_app: 2, gadget: 0 }, version: '1700000000500', at: AT },
    });
    assert.equal(await form.page.isVisible('#remembered'), true);
    const line = await form.text('#remembered');
    assert.match(line, /^Last set by this extension: PC 3\/1 · mobile 2\/0 · version 1700000000500 · \d{1,2}\/\d{1,2}\/\d{2}, /);
    // Counts that were never sent show as a dash.
    await form.deliver({ type: 'version', target, version: '1700000000999', remembered: { pc: { web_app: 5 }, version: '1700000000600', at: AT } });
    assert.match(await form.text('#remembered'), /PC 5\/– · mobile – · version 1700000000600/);

    // Another target: the line is not this draft's.
    await form.page.fill('#userId', 'ou_other');
    assert.equal(await form.page.isHidden('#remembered'), true);
    await form.page.fill('#userId', 'ou_abc');
    assert.equal(await form.page.isVisible('#remembered'), true);

    // Known, but never set from here.
    await form.deliver({ type: 'version', target, version: '1700000000999' });
    assert.equal(await form.text('#remembered'), 'Not set from this extension yet.');
    // A malformed remembered state is dropped (the estimate still counts).
    await form.deliver({ type: 'version', target, version: '1700000001000', remembered: { pc: { web_app: '3' }, version: 7, at: 'now' } });
    assert.equal(await form.text('#remembered'), 'Not set from this extension yet.');
    assert.match(await form.text('#version-auto-note'), /1700000001000/);
    // No estimate and nothing remembered: the host could not tell, so nothing is claimed.
    await form.deliver({ type: 'version', target });
    assert.equal(await form.page.isHidden('#remembered'), true);

    await form.deliver({ type: 'version', target, version: '1', remembered: { pc: { web_app: 3, gadget: 1 }, version: '1700000000500', at: AT } });
    await form.deliver({ type: 'state', state: hostState({ locale: 'zh-cn' }) });
    assert.match(await form.text('#remembered'), /^本扩展上次设置：PC 端 3\/1 · 移动端 – · 版本号 1700000000500 · /);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('the version (and remembered state) is asked for in manual mode too', async () => {
    const form = await harness.open();
    await form.page.check('#version-manual');
    await form.page.fill('#userId', 'ou_manual');
    const peek = await waitForPost(form, 'peekVersion');
    assert.ok(peek.type === 'peekVersion');
    assert.deepEqual(peek.target, { userId: 'ou_manual', userIdType: 'open_id' });
    await form.close();
  });
});

describe('history', () => {
  test('renders the recent requests from the host state; malformed entries are ignored', async () => {
    const form = await harness.open();
    await form.page.click('#history summary');
    assert.equal(await form.page.isVisible('#history-empty'), true);
    await form.deliver({
      type: 'state',
      state: {
        ...hostState(),
        history: [
          ...HISTORY,
          { index: 99, at: AT, userId: 'ou_bad_index', userIdType: 'open_id', ok: true },
          { index: 2, at: AT, userId: 'ou_bad_type', userIdType: 'email', ok: true },
          { index: 3, at: AT, userId: 'ou_bad_counts', userIdType: 'open_id', pc: { web_app: -1 }, ok: true },
          { index: 4, at: AT, userId: 'ou_no_ok', userIdType: 'open_id' },
          { index: 5, at: AT, userId: '<img src=x onerror=alert(1)>', userIdType: 'open_id', ok: true, code: 'x' },
          'nonsense',
        ],
      },
    });
    const items = form.page.locator('#history-list > li');
    assert.equal(await items.count(), 2);
    assert.equal(await form.page.isHidden('#history-empty'), true);
    const first = (await items.nth(0).textContent()) ?? '';
    assert.match(first, /Succeeded:\s*ou_abc \(open_id\)/);
    assert.match(first, /PC 3\/1 · mobile 3\/1 · \d{1,2}\/\d{1,2}\/\d{2}, /);
    const second = (await items.nth(1).textContent()) ?? '';
    assert.match(second, /Failed:\s*on_union \(union_id\)/);
    assert.match(second, /PC 0\/– · mobile – · code 230001 · /);
    assert.equal(await form.page.locator('#history-list img').count(), 0);
    // Buttons are named after the user they re-send to.
    assert.deepEqual(await form.page.locator('#history-list button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label'))), [
      'Re-send the request to ou_abc',
      'Re-send the request to on_union',
    ]);
    await form.deliver({ type: 'state', state: hostState({ locale: 'zh-cn', history: HISTORY }) });
    assert.equal(await form.text('#history summary'), '历史记录');
    assert.equal(await form.page.getAttribute('#history-list button >> nth=0', 'aria-label'), '重新发送给 ou_abc 的请求');
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('Re-send posts exactly { type, requestId, index, at }, by mouse or keyboard; busy blocks another', async () => {
    const form = await harness.open();
    await form.deliver({ type: 'state', state: hostState({ history: HISTORY }) });
    await form.page.click('#history summary');
    await form.page.click('#history-list button[data-index="1"]');
    const [resend] = await ofType(form, 'resend');
    assert.ok(resend !== undefined);
    assert.deepEqual(Object.keys(resend).sort(), ['at', 'index', 'requestId', 'type']);
    assert.equal(resend.index, 1);
    assert.equal(resend.at, AT - 60_000, 'the entry is named by when it was sent too');
    assert.match(resend.requestId, /^[A-Za-z0-9-]{1,64}$/);
    assert.deepEqual(parseFromWebview(resend), resend);
    // While the host works on it: busy, and the buttons are unavailable (but keep focus).
    await form.deliver({ type: 'busy', requestId: resend.requestId, action: 'send' });
    assert.equal(await form.page.getAttribute('#history-list button[data-index="0"]', 'aria-disabled'), 'true');
    assert.match(await form.text('#status'), /Sending/);
    await form.page.click('#history-list button[data-index="0"]', { force: true });
    assert.equal((await ofType(form, 'resend')).length, 1);
    await form.deliver(success(resend.requestId));
    await form.deliver({ type: 'state', state: hostState({ history: HISTORY }) });
    assert.equal(await form.page.getAttribute('#history-list button[data-index="0"]', 'aria-disabled'), null);
    assert.match(await form.text('#result'), /Badge set/);

    // Keyboard: Tab to a Re-send button, Enter.
    await form.page.focus('#history-list button[data-index="0"]');
    await form.page.keyboard.press('Enter');
    const all = await ofType(form, 'resend');
    assert.equal(all.length, 2);
    assert.deepEqual(all[1], { type: 'resend', requestId: all[1]?.requestId, index: 0, at: AT });
    assert.notEqual(all[1]?.requestId, resend.requestId);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('the host checks resend messages: index is a whole number 0..49', () => {
    assert.deepEqual(parseFromWebview({ type: 'resend', requestId: 'r-1', index: 49 }), { type: 'resend', requestId: 'r-1', index: 49 });
    for (const index of [-1, 50, 1.5, '3', undefined, Number.NaN]) {
      assert.equal(parseFromWebview({ type: 'resend', requestId: 'r-1', index }), undefined, String(index));
    }
    assert.equal(parseFromWebview({ type: 'resend', requestId: 'bad id!', index: 0 }), undefined);
  });
});
