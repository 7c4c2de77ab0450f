// The form in real Chromium: preview, validation, and the exact messages it posts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_EXTRA_BYTES } from '../../src/core/schema.ts';
import type { FromWebview } from '../../src/shared/protocol.ts';
import { draft, hostState, success } from './fixtures.ts';
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

async function open(): Promise<FormPage> {
  return harness.open();
}

const preview = async (form: FormPage): Promise<Record<string, unknown>> => JSON.parse(await form.text('#preview-body')) as Record<string, unknown>;
/** The last message of a type (a debounced version peek may come after a click). */
async function lastOf<T extends FromWebview['type']>(form: FormPage, type: T): Promise<Extract<FromWebview, { type: T }> | undefined> {
  return (await form.posted()).findLast((message): message is Extract<FromWebview, { type: T }> => message.type === type);
}
const isDisabled = (form: FormPage, selector: string): Promise<boolean> => form.page.locator(selector).isDisabled();

/** Waits until the page has posted a message of `type` (the version peek is debounced). */
async function waitForPost(form: FormPage, type: FromWebview['type']): Promise<FromWebview> {
  const handle = await form.page.waitForFunction((wanted) => (globalThis as unknown as { __posted: FromWebview[] }).__posted.findLast((m) => m.type === wanted), type, {
    timeout: 3000,
  });
  return (await handle.jsonValue()) as FromWebview;
}

describe('form', () => {
  test('posts ready first and renders a usable form before any host message', async () => {
    const form = await open();
    assert.deepEqual(await form.posted(), [{ type: 'ready' }]);
    assert.equal(await form.page.locator('#userId').isEditable(), true);
    assert.match(await form.text('#conn-domain'), /Waiting for the extension/);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('typing user ID and counts updates the JSON preview and query string', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ou_abc');
    await form.page.fill('#pcWebApp', '3');
    await form.page.fill('#pcGadget', '1');
    assert.equal(await form.text('#preview-query'), '?user_id_type=open_id');
    assert.deepEqual(await preview(form), { user_id: 'ou_abc', pc: { web_app: 3, gadget: 1 }, mobile: { web_app: 3, gadget: 1 }, version: '(automatic)' });

    // Auto mode: the form asks the host for the next version of this target and previews it.
    const peek = await waitForPost(form, 'peekVersion');
    assert.ok(peek.type === 'peekVersion' && typeof peek.seq === 'number');
    assert.deepEqual({ ...peek, seq: 0 }, { type: 'peekVersion', target: { userId: 'ou_abc', userIdType: 'open_id' }, seq: 0 });
    await form.deliver({ type: 'version', target: { userId: 'ou_abc', userIdType: 'open_id' }, version: '1700000000999' });
    assert.equal((await preview(form)).version, '1700000000999');
    assert.match(await form.text('#version-auto-note'), /1700000000999/);
    // An estimate for another target is not this draft's.
    await form.page.fill('#userId', 'ou_other');
    assert.equal((await preview(form)).version, '(automatic)');
    await form.page.fill('#userId', 'ou_abc');

    await form.page.selectOption('#userIdType', 'union_id');
    assert.equal(await form.text('#preview-query'), '?user_id_type=union_id');

    // Mobile gets its own counts once "same on both" is off.
    await form.page.uncheck('#sameOnBoth');
    assert.equal(await isDisabled(form, '#mobileWebApp'), false);
    await form.page.fill('#mobileWebApp', '7');
    await form.page.fill('#pcWebApp', '');
    await form.page.check('#version-manual');
    await form.page.fill('#manualVersion', '  1700000001000 ');
    await form.page.fill('#extra', '{"a":1}');
    const body = await preview(form);
    assert.deepEqual(body, { user_id: 'ou_abc', version: '1700000001000', extra: '{"a":1}', pc: { gadget: 1 }, mobile: { web_app: 7, gadget: 1 } });
    // Key order is the order the host sends: a manual version keeps its place after user_id.
    assert.deepEqual(Object.keys(body), ['user_id', 'version', 'extra', 'pc', 'mobile']);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('"same on both" mirrors PC into mobile and disables the mobile inputs', async () => {
    const form = await open();
    assert.equal(await form.page.isChecked('#sameOnBoth'), true);
    assert.equal(await isDisabled(form, '#mobileWebApp'), true);
    assert.equal(await isDisabled(form, '#mobileGadget'), true);
    await form.page.fill('#pcWebApp', '5');
    assert.equal(await form.page.inputValue('#mobileWebApp'), '5');
    // Steppers and arrow keys, clamped at 0.
    await form.page.focus('#pcGadget');
    await form.page.keyboard.press('ArrowUp');
    await form.page.keyboard.press('ArrowUp');
    assert.equal(await form.page.inputValue('#pcGadget'), '2');
    await form.page.click('#pcGadget ~ button.step');
    assert.equal(await form.page.inputValue('#pcGadget'), '3');
    for (let i = 0; i < 5; i++) await form.page.keyboard.press('ArrowDown');
    assert.equal(await form.page.inputValue('#pcGadget'), '0');
    assert.equal(await form.page.getAttribute('#pcGadget', 'aria-valuenow'), '0');
    assert.equal(await form.page.inputValue('#mobileGadget'), '0');
    await form.close();
  });

  describe('inline validation', () => {
    const cases: Array<{ name: string; field: string; value: string; message: string; setup?: (form: FormPage) => Promise<void> }> = [
      { name: 'empty user ID', field: 'userId', value: '   ', message: 'User ID is required.' },
      { name: 'user ID with a space inside', field: 'userId', value: 'ou_a b', message: 'User ID contains whitespace at position 5.' },
      { name: 'user ID with an invisible character', field: 'userId', value: 'ou_\u200bab', message: 'User ID contains a control or invisible character (U+200B) at position 4.' },
      { name: 'user ID over 256 characters', field: 'userId', value: `ou_${'a'.repeat(254)}`, message: 'User ID is 257 characters long; at most 256 are allowed.' },
      { name: 'extra over 64 KiB of UTF-8', field: 'extra', value: '中'.repeat(21_846), message: 'Extra is 65538 bytes (UTF-8); at most 65536 bytes (64 KiB) are allowed.' },
      { name: 'count -1', field: 'pcWebApp', value: '-1', message: 'Count must be between 0 and 2147483647.' },
      { name: 'count 1.5', field: 'pcGadget', value: '1.5', message: 'Count must be a whole number.' },
      { name: 'count 2147483648', field: 'pcWebApp', value: '2147483648', message: 'Count must be between 0 and 2147483647.' },
      { name: 'count that is not a number', field: 'pcGadget', value: '12abc', message: 'Count must be a number.' },
      {
        name: 'mobile count -3 (own mobile counts)',
        field: 'mobileGadget',
        value: '-3',
        message: 'Count must be between 0 and 2147483647.',
        setup: (form) => form.page.uncheck('#sameOnBoth'),
      },
      {
        name: "manual version 'abc'",
        field: 'manualVersion',
        value: 'abc',
        message: 'Version must contain digits only (epoch milliseconds), at most 19.',
        setup: (form) => form.page.check('#version-manual'),
      },
      {
        name: 'manual version with 20 digits',
        field: 'manualVersion',
        value: '1'.repeat(20),
        message: 'Version must contain digits only (epoch milliseconds), at most 19.',
        setup: (form) => form.page.check('#version-manual'),
      },
      { name: 'empty manual version', field: 'manualVersion', value: '', message: 'Version must contain digits only', setup: (form) => form.page.check('#version-manual') },
    ];
    // One page for all cases (page loads are the slow part); each case starts from a valid draft.
    let form: FormPage;
    before(async () => {
      form = await open();
    }, HARNESS_HOOK);
    after(async () => {
      assert.deepEqual(await form.problems(), []);
      await form.close();
    }, HARNESS_HOOK);
    async function baseline(): Promise<void> {
      await form.page.check('#version-manual');
      await form.page.fill('#manualVersion', '');
      await form.page.fill('#userId', 'ou_valid');
      await form.page.check('#sameOnBoth');
      await form.page.fill('#pcWebApp', '1');
      await form.page.fill('#pcGadget', '');
      await form.page.check('#version-auto');
      await form.page.fill('#extra', '');
    }
    for (const item of cases) {
      test(`${item.name}: message next to the field, Send disabled with the reason`, async () => {
        await baseline();
        await item.setup?.(form);
        assert.equal(await isDisabled(form, '#send'), item.field === 'manualVersion', 'Send before the bad value');
        await form.page.fill(`#${item.field}`, item.value);

        const messages = form.page.locator(`#${item.field}-msg .message.error`);
        assert.equal(await messages.count(), 1);
        assert.match((await messages.textContent()) ?? '', new RegExp(item.message.replace(/[.()+]/g, '\\$&')));
        // Next to the field: same field container, and linked for screen readers.
        const describedBy = (await form.page.getAttribute(`#${item.field}`, 'aria-describedby')) ?? '';
        assert.ok(describedBy.split(' ').includes(`${item.field}-msg`));
        assert.equal(await form.page.locator(`#${item.field}`).evaluate((input) => input.closest('.field')?.querySelector(`[id$="-msg"]`)?.id), `${item.field}-msg`);
        assert.equal(await form.page.getAttribute(`#${item.field}`, 'aria-invalid'), 'true');

        assert.equal(await isDisabled(form, '#send'), true);
        assert.equal(await isDisabled(form, '#copy-curl'), true);
        assert.equal(await form.page.locator('#send-reason').isVisible(), true);
        assert.match(await form.text('#send-reason'), /Cannot send yet/);
        assert.equal(await form.page.getAttribute('#send', 'aria-describedby'), 'send-reason');

        // Fixing it clears the message and enables Send again.
        await form.page.fill(`#${item.field}`, item.field === 'userId' ? 'ou_valid' : '2');
        assert.equal(await form.page.locator(`#${item.field}-msg .message.error`).count(), 0);
        assert.equal(await form.page.getAttribute(`#${item.field}`, 'aria-invalid'), null);
        assert.equal(await isDisabled(form, '#send'), false);
        assert.equal(await form.page.locator('#send-reason').isVisible(), false);
      });
    }

    test("the extra field's length cap is the core schema's limit (one declaration)", async () => {
      assert.equal(await form.page.getAttribute('#extra', 'maxlength'), String(MAX_EXTRA_BYTES));
    });

    test('two errors: both fields show theirs and the reason counts them', async () => {
      await baseline();
      await form.page.fill('#userId', '');
      await form.page.fill('#pcWebApp', '-1');
      assert.match(await form.text('#userId-msg'), /User ID is required/);
      assert.match(await form.text('#pcWebApp-msg'), /between 0 and/);
      assert.match(await form.text('#send-reason'), /2 problems/);
    });

    test('warnings show next to their fields but do not block Send', async () => {
      await baseline();
      await form.page.fill('#userId', 'on_123');
      await form.page.fill('#pcWebApp', '1000');
      await form.page.fill('#extra', 'not json');
      const warning = async (field: string): Promise<string> => (await form.page.locator(`#${field}-msg .message.warning`).textContent()) ?? '';
      assert.match(await warning('userId'), /usually starts with "ou_"/);
      assert.match(await warning('pcWebApp'), /above 999 show as a dot/);
      assert.match(await warning('extra'), /not valid JSON/);
      assert.equal(await form.page.locator('.messages .message.error').count(), 0);
      assert.equal(await form.page.getAttribute('#pcWebApp', 'aria-invalid'), null);
      assert.equal(await isDisabled(form, '#send'), false);
      assert.equal(await form.page.locator('#send-reason').isVisible(), false);

      // Warnings and errors look different (class and icon) and say which they are to a screen reader.
      assert.match(await form.text('#pcWebApp-msg .sr-only'), /Warning/);
      // No counts at all: Feishu answers 213003, said before sending.
      await form.page.fill('#pcWebApp', '');
      await form.page.fill('#extra', '');
      assert.match(await warning('counts'), /213003/);
      // A warning still shows while another field has an error.
      await form.page.fill('#userId', '');
      await form.page.fill('#pcGadget', '5000');
      assert.match(await warning('pcGadget'), /dot/);
      assert.equal(await isDisabled(form, '#send'), true);
    });
  });

  describe('posting', () => {
    test('Send posts exactly { type, requestId, draft }; busy state; Cancel posts the pending requestId', async () => {
      const form = await open();
      await form.page.fill('#userId', ' ou_abc ');
      await form.page.fill('#pcWebApp', '4');
      await form.page.fill('#extra', 'x');
      await form.page.click('#send');
      const sent = await lastOf(form, 'send');
      assert.ok(sent !== undefined);
      assert.deepEqual(Object.keys(sent).sort(), ['draft', 'requestId', 'type']);
      assert.match(sent.requestId, /^[A-Za-z0-9-]{1,64}$/);
      assert.deepEqual(sent.draft, draft({ userId: ' ou_abc ', pcWebApp: '4', mobileWebApp: '4', extra: 'x' }));

      // Pending from the click on: no second send.
      assert.equal(await isDisabled(form, '#send'), true);
      await form.deliver({ type: 'busy', requestId: sent.requestId, action: 'send' });
      assert.equal(await isDisabled(form, '#send'), true);
      assert.equal(await isDisabled(form, '#clear'), true);
      assert.equal(await form.page.locator('#cancel').isVisible(), true);
      assert.match(await form.text('#status'), /Sending…/);
      assert.equal(await form.page.getAttribute('#status', 'role'), 'status');

      await form.page.click('#cancel');
      assert.deepEqual(await lastOf(form, 'cancel'), { type: 'cancel', requestId: sent.requestId });

      await form.deliver(success(sent.requestId));
      assert.equal(await isDisabled(form, '#send'), false);
      assert.equal(await form.page.locator('#cancel').isVisible(), false);
      assert.equal(await form.text('#status'), '');
      await form.close();
    });

    test('a result for another request does not end the pending one', async () => {
      const form = await open();
      await form.page.fill('#userId', 'ou_abc');
      await form.page.fill('#pcWebApp', '4');
      await form.page.click('#send');
      const sent = await lastOf(form, 'send');
      assert.ok(sent !== undefined);
      await form.deliver({ type: 'busy', requestId: sent.requestId, action: 'send' });
      await form.deliver(success('someone-else'));
      assert.equal(await form.page.locator('#cancel').isVisible(), true);
      await form.close();
    });

    test('Clear posts clear with the current target (trimmed); copy buttons post copy with the draft', async () => {
      const form = await open();
      assert.equal(await isDisabled(form, '#clear'), true, 'no target yet');
      await form.page.fill('#userId', '  u-123 ');
      await form.page.selectOption('#userIdType', 'user_id');
      // Clear needs only a target, not counts.
      await form.page.click('#clear');
      const clear = await lastOf(form, 'clear');
      assert.ok(clear !== undefined);
      assert.deepEqual(Object.keys(clear).sort(), ['requestId', 'target', 'type']);
      assert.deepEqual(clear.target, { userId: 'u-123', userIdType: 'user_id' });
      await form.deliver({ type: 'busy', requestId: clear.requestId, action: 'clear' });
      assert.match(await form.text('#status'), /Clearing…/);
      await form.deliver(success(clear.requestId));
      assert.match(await form.text('#result-head'), /Badge cleared/);

      await form.page.fill('#pcWebApp', '2');
      await form.page.click('#copy-curl');
      assert.deepEqual(await lastOf(form, 'copy'), { type: 'copy', format: 'curl', draft: draft({ userId: '  u-123 ', userIdType: 'user_id', pcWebApp: '2', mobileWebApp: '2' }) });
      await form.page.click('#copy-http');
      assert.deepEqual(await lastOf(form, 'copy'), { type: 'copy', format: 'http', draft: draft({ userId: '  u-123 ', userIdType: 'user_id', pcWebApp: '2', mobileWebApp: '2' }) });
      await form.deliver({ type: 'copied', what: 'http' });
      assert.match(await form.text('#status'), /Copied as \.http/);
      await form.close();
    });

    test('Enter in a field sends, like a form', async () => {
      const form = await open();
      await form.page.fill('#userId', 'ou_abc');
      await form.page.fill('#pcWebApp', '1');
      await form.page.press('#userId', 'Enter');
      assert.notEqual(await lastOf(form, 'send'), undefined);
      await form.close();
    });
  });

  describe('connection and target', () => {
    test('shows the host state; the profile chip, Connect and the token link post runCommand', async () => {
      const form = await open();
      await form.deliver({ type: 'state', state: hostState({ settingsProblem: 'customBaseUrl must use https.' }) });
      assert.match(await form.text('#conn-domain'), /feishu · https:\/\/open\.feishu\.cn/);
      assert.match(await form.text('#conn-credentials'), /Self-built app cli_a1b2c3/);
      assert.match(await form.text('#settings-problem'), /customBaseUrl must use https\./);
      await form.page.click('#profile-chip');
      assert.deepEqual(await lastOf(form, 'runCommand'), { type: 'runCommand', command: 'switchProfile' });
      await form.deliver({ type: 'state', state: hostState({ hasCredentials: false, credentialKind: undefined }) });
      await form.page.click('#connect');
      assert.deepEqual(await lastOf(form, 'runCommand'), { type: 'runCommand', command: 'configureCredentials' });
      await form.page.click('#use-token');
      assert.deepEqual(await lastOf(form, 'runCommand'), { type: 'runCommand', command: 'useTenantToken' });
      assert.match(await form.text('#conn-credentials'), /Not set/);
      assert.equal(await form.page.locator('#settings-problem').isVisible(), false);
      await form.deliver({ type: 'state', state: hostState({ credentialKind: 'manual' }) });
      assert.match(await form.text('#conn-credentials'), /Pasted tenant access token/);
      await form.close();
    });

    test('names the active profile and flags a production one', async () => {
      const form = await open();
      await form.deliver({ type: 'state', state: hostState({ profile: { name: 'Test app', production: false } }) });
      assert.equal((await form.text('#profile-chip .chip-name')).trim(), 'Test app');
      await form.deliver({ type: 'state', state: hostState({ profile: { name: '<b>Prod</b>', production: true } }) });
      assert.match(await form.text('#profile-chip'), /<b>Prod<\/b> production/);
      assert.match((await form.page.getAttribute('#profile-chip', 'aria-label')) ?? '', /production: sends ask first/);
      assert.equal(await form.page.locator('#profile-chip b').count(), 0, 'a profile name is text, never markup');
      await form.close();
    });

    test('the default target fills an empty draft; recent users fill both fields', async () => {
      const form = await open();
      const recentUsers = [
        { userId: 'ou_recent1', userIdType: 'open_id' as const },
        { userId: 'on_recent2', userIdType: 'union_id' as const },
      ];
      assert.equal(await form.page.locator('#recentUsers').isVisible(), false);
      await form.deliver({ type: 'state', state: hostState({ defaultTarget: { userId: 'u_default', userIdType: 'user_id' }, recentUsers }) });
      assert.equal(await form.page.inputValue('#userId'), 'u_default');
      assert.equal(await form.page.inputValue('#userIdType'), 'user_id');
      await form.page.selectOption('#recentUsers', { label: 'on_recent2 (union_id)' });
      assert.equal(await form.page.inputValue('#userId'), 'on_recent2');
      assert.equal(await form.page.inputValue('#userIdType'), 'union_id');
      assert.equal(await form.page.inputValue('#recentUsers'), '1');
      // Keyboard on the closed select steps through the users.
      await form.page.focus('#recentUsers');
      await form.page.keyboard.press('ArrowUp');
      assert.equal(await form.page.inputValue('#userId'), 'ou_recent1');
      // The select follows the typed target.
      await form.page.fill('#userId', 'someone else');
      assert.equal(await form.page.inputValue('#recentUsers'), '');
      // Once the person has a target, a later state does not overwrite it.
      await form.page.fill('#userId', '');
      await form.deliver({ type: 'state', state: hostState({ defaultTarget: { userId: 'u_default', userIdType: 'user_id' }, recentUsers }) });
      assert.equal(await form.page.inputValue('#userId'), '');
      await form.close();
    });

    test('without a default user, an untouched draft takes the userIdType setting; a type picked by hand stays', async () => {
      const form = await open();
      await form.deliver({ type: 'state', state: hostState({ userIdType: 'union_id' }) });
      assert.equal(await form.page.inputValue('#userIdType'), 'union_id');
      await form.page.selectOption('#userIdType', 'user_id');
      await form.deliver({ type: 'state', state: hostState({ userIdType: 'union_id' }) });
      assert.equal(await form.page.inputValue('#userIdType'), 'user_id');
      await form.close();
    });

    test('follows the host locale: labels and validation messages in 简体中文', async () => {
      const form = await open();
      await form.page.fill('#pcWebApp', '-1');
      await form.deliver({ type: 'state', state: hostState({ locale: 'zh-cn' }) });
      assert.equal(await form.text('#send'), '发送');
      assert.equal(await form.text('label[for="userId"]'), '用户 ID');
      assert.match(await form.text('#pcWebApp-msg'), /数量必须在 0 到 2147483647 之间/);
      assert.equal(await form.page.getAttribute('html', 'lang'), 'zh-CN');
      assert.match((await form.page.getAttribute('#pcWebApp ~ button.step', 'aria-label')) ?? '', /增加PC 端网页应用/);
      await form.close();
    });

    test('ignores malformed host messages', async () => {
      const form = await open();
      await form.deliver({ type: 'state' });
      await form.deliver({ type: 'result', payload: { requestId: 1 } });
      await form.deliver({ type: 'nonsense' });
      assert.match(await form.text('#conn-domain'), /Waiting/);
      assert.match(await form.text('#result'), /Nothing sent yet/);
      assert.deepEqual(await form.problems(), []);
      await form.close();
    });
  });
});
