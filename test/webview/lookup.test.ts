// Issue 10 in the form: an email or phone number in the user ID field is looked up ("Find ID"),
// the person found is offered with their account status ("Use this ID"), and "Diagnose" shows
// why a badge may not show, check by check. All of it is host text: it stays text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FromWebview } from '../../src/shared/protocol.ts';
import { diagnosis, hostState, lookupResult, sixChecks } from './fixtures.ts';
import type { FormPage, Harness, HarnessWindow } from './harness.ts';
import { HARNESS_HOOK, startHarness } from './harness.ts';

let harness: Harness;
// Bounded: startHarness() fails naming its step within 60 s; the hook timeout is the backstop.
before(async () => {
  harness = await startHarness();
}, HARNESS_HOOK);
after(async () => {
  await harness?.close();
}, HARNESS_HOOK);

/** A form that knows its host: credentials exist, English unless asked otherwise. */
async function open(locale: 'en' | 'zh-cn' = 'en'): Promise<FormPage> {
  const form = await harness.open(locale === 'zh-cn' ? { lang: 'zh-CN' } : {});
  await form.deliver({ type: 'state', state: hostState({ locale }) });
  return form;
}

async function posted<T extends FromWebview['type']>(form: FormPage, type: T): Promise<Array<Extract<FromWebview, { type: T }>>> {
  return (await form.posted()).filter((message): message is Extract<FromWebview, { type: T }> => message.type === type);
}

/** Clicks Find ID and returns the lookup it posted. */
async function findId(form: FormPage): Promise<Extract<FromWebview, { type: 'lookup' }>> {
  const before = (await posted(form, 'lookup')).length;
  await form.page.click('#lookup-find');
  const lookups = await posted(form, 'lookup');
  assert.equal(lookups.length, before + 1, 'Find ID posted one lookup');
  const last = lookups.at(-1);
  assert.ok(last !== undefined);
  return last;
}

/** Clicks Diagnose and returns the message it posted. */
async function runDiagnose(form: FormPage): Promise<Extract<FromWebview, { type: 'diagnose' }>> {
  const before = (await posted(form, 'diagnose')).length;
  await form.page.click('#diagnose');
  const sent = await posted(form, 'diagnose');
  assert.equal(sent.length, before + 1, 'Diagnose posted one message');
  const last = sent.at(-1);
  assert.ok(last !== undefined);
  return last;
}

const visible = (form: FormPage, selector: string): Promise<boolean> => form.page.locator(selector).isVisible();

describe('Find ID', () => {
  test('an email or phone number shows Find ID and blocks Send, saying it is not an ID; an ID does not', async () => {
    const form = await open();
    await form.page.fill('#pcWebApp', '1');
    await form.page.fill('#userId', 'ou_abc');
    assert.equal(await visible(form, '#lookup-find'), false, 'no Find ID for an ID');
    assert.equal(await form.page.getAttribute('#send', 'aria-disabled'), null, 'an ID can be sent');

    await form.page.fill('#userId', 'ada@example.com');
    assert.equal(await visible(form, '#lookup-find'), true);
    assert.equal(await form.text('#lookup-find'), 'Find ID');
    assert.equal(await form.page.getAttribute('#send', 'aria-disabled'), 'true');
    assert.match(await form.text('#send-reason'), /Cannot send yet: An email address is not a user ID: use Find ID/);
    assert.match(await form.text('#userId-msg'), /An email address is not a user ID/);
    // Only that message: not also "an open_id usually starts with ou_".
    assert.doesNotMatch(await form.text('#userId-msg'), /ou_/);
    // aria-disabled, not disabled: it can be clicked, and does nothing.
    await form.page.click('#send', { force: true });
    assert.deepEqual(await posted(form, 'send'), [], 'Send posted nothing');

    for (const phone of ['+86 138 0013 8000', '13800138000', '+14155550100']) {
      await form.page.fill('#userId', phone);
      assert.equal(await visible(form, '#lookup-find'), true, phone);
      assert.match(await form.text('#send-reason'), /A phone number is not a user ID/, phone);
    }
    // Not a phone number: 10 digits, or 11 not starting with 1.
    for (const other of ['1380013800', '23800138000']) {
      await form.page.fill('#userId', other);
      assert.equal(await visible(form, '#lookup-find'), false, other);
    }
    // Nothing is asked about an email as if it were an ID.
    await form.page.fill('#userId', 'ada@example.com');
    await form.page.waitForTimeout(450);
    assert.ok((await posted(form, 'peekVersion')).every((message) => !message.target.userId.includes('@')));
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('Find ID posts the trimmed query and the ID type, once, and shows that it is looking', async () => {
    const form = await open();
    await form.page.selectOption('#userIdType', 'union_id');
    await form.page.fill('#userId', '  ada@example.com ');
    const lookup = await findId(form);
    assert.match(lookup.requestId, /^[A-Za-z0-9-]{1,64}$/);
    assert.deepEqual({ ...lookup, requestId: '' }, { type: 'lookup', requestId: '', query: 'ada@example.com', userIdType: 'union_id' });
    assert.equal(await form.page.getAttribute('#lookup-find', 'aria-disabled'), 'true');
    assert.match(await form.text('#lookup-status'), /Looking up…/);
    // A second click while it runs asks nothing more.
    await form.page.click('#lookup-find', { force: true });
    assert.equal((await posted(form, 'lookup')).length, 1);
    await form.deliver(lookupResult(lookup.requestId, 'ada@example.com', { users: [{ id: 'on_ada', idType: 'union_id' }] }));
    assert.equal(await form.text('#lookup-status'), '');
    assert.equal(await form.page.getAttribute('#lookup-find', 'aria-disabled'), null);
    await form.close();
  });

  test('a resigned person is shown with a warning; Use this ID puts the ID and its type in the field, keeping the draft', async () => {
    const form = await open();
    await form.page.fill('#pcWebApp', '5');
    await form.page.fill('#extra', '{"from":"lookup"}');
    await form.page.fill('#userId', 'ada@example.com');
    const { requestId } = await findId(form);
    await form.deliver(
      lookupResult(requestId, 'ada@example.com', {
        users: [{ id: 'on_ada', idType: 'union_id', name: 'Ada Lovelace', status: { resigned: true, frozen: false, notActivated: false } }],
      }),
    );
    assert.equal(await visible(form, '#lookup'), true);
    assert.match(await form.text('#lookup .lookup-head'), /Found for ada@example\.com/);
    assert.equal(await form.text('#lookup .person-name'), 'Ada Lovelace');
    assert.equal(await form.text('#lookup .person-id'), 'on_ada');
    assert.deepEqual(await form.page.locator('#lookup .person-status .message.warning').allTextContents(), ['Warning: Resigned: a badge does not reach people who left.']);
    assert.equal(await form.page.locator('#lookup .person-status svg').count(), 1, 'the warning has its icon');
    // Still an email in the field: nothing changed yet, Send still blocked.
    assert.equal(await form.page.inputValue('#userId'), 'ada@example.com');
    assert.equal(await form.page.getAttribute('#send', 'aria-disabled'), 'true');

    await form.page.click('#lookup .lookup-use');
    assert.equal(await form.page.inputValue('#userId'), 'on_ada');
    assert.equal(await form.page.inputValue('#userIdType'), 'union_id');
    assert.equal(await form.page.inputValue('#pcWebApp'), '5');
    assert.equal(await form.page.inputValue('#extra'), '{"from":"lookup"}');
    assert.equal(await form.page.getAttribute('#send', 'aria-disabled'), null, 'an ID: Send is available');
    assert.deepEqual(((await form.state()) as { draft: Record<string, unknown> }).draft, {
      userId: 'on_ada',
      userIdType: 'union_id',
      pcWebApp: '5',
      pcGadget: '',
      mobileWebApp: '5',
      mobileGadget: '',
      sameOnBoth: true,
      versionMode: 'auto',
      manualVersion: '',
      extra: '{"from":"lookup"}',
    });
    // The person stays in view beside the ID they gave, with their warning; Diagnose is now there.
    assert.match(await form.text('#lookup'), /This ID is in the user ID field\./);
    assert.match(await form.text('#lookup'), /Resigned/);
    assert.equal(await form.page.locator('#lookup .lookup-use').count(), 0);
    assert.equal(await visible(form, '#diagnose'), true);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('an active person is shown as active, without a warning; a status not reported says so', async () => {
    const form = await open();
    await form.page.fill('#userId', '+86 138 0013 8000');
    const lookup = await findId(form);
    assert.equal(lookup.query, '+86 138 0013 8000');
    await form.deliver(
      lookupResult(lookup.requestId, '+86 138 0013 8000', {
        users: [
          { id: 'ou_active', idType: 'open_id', name: 'Active One', status: { resigned: false, frozen: false, notActivated: false } },
          { id: 'ou_unknown', idType: 'open_id' },
          { id: 'ou_frozen', idType: 'open_id', status: { frozen: true, notActivated: true } },
        ],
      }),
    );
    const statuses = (await form.page.locator('#lookup .person-status').allTextContents()).map((text) => text.trim());
    assert.deepEqual(statuses, [
      'Active',
      'Not reported',
      'Warning: Frozen: the account is suspended.Warning: Not activated: the person has not activated the account yet.',
    ]);
    assert.equal(await form.page.locator('#lookup .person').first().locator('.message.warning').count(), 0);
    assert.equal(await form.page.locator('#lookup .lookup-use').count(), 3);
    await form.close();
  });

  test('an answer for a query no longer in the field is dropped, and the field is left as typed', async () => {
    const form = await open();
    await form.page.fill('#userId', 'first@example.com');
    const first = await findId(form);
    await form.page.fill('#userId', 'second@example.com');
    await form.deliver(lookupResult(first.requestId, 'first@example.com', { users: [{ id: 'ou_first', idType: 'open_id', name: 'First' }] }));
    assert.equal(await visible(form, '#lookup'), false, 'the stale answer is not shown');
    assert.equal(await form.page.inputValue('#userId'), 'second@example.com');
    assert.equal(((await form.state()) as { lookup?: unknown }).lookup, undefined, 'nor kept');
    // Typing the first address again does not bring the dropped answer back.
    await form.page.fill('#userId', 'first@example.com');
    assert.equal(await visible(form, '#lookup'), false);

    const second = await findId(form);
    await form.deliver(lookupResult(second.requestId, 'first@example.com', { users: [{ id: 'ou_first', idType: 'open_id', name: 'First' }] }));
    assert.equal(await form.text('#lookup .person-name'), 'First');
    // Leaving the address hides the answer; coming back shows it again.
    await form.page.fill('#userId', 'someone@else.com');
    assert.equal(await visible(form, '#lookup'), false);
    await form.page.fill('#userId', 'first@example.com');
    assert.equal(await visible(form, '#lookup'), true);
    await form.close();
  });

  test('nobody found shows the reasons the host gave', async () => {
    const form = await open();
    await form.page.fill('#userId', '13800138000');
    const { requestId } = await findId(form);
    const detail = 'No one in this tenant has it: check the spelling. The person may be outside the app\'s contact range.';
    await form.deliver(lookupResult(requestId, '13800138000', { notFound: { detail } }));
    assert.match(await form.text('#lookup'), /No one found for 13800138000\./);
    assert.equal(await form.text('#lookup .lookup-reasons'), detail);
    assert.equal(await form.page.locator('#lookup .lookup-use').count(), 0);
    assert.equal(await form.page.inputValue('#userId'), '13800138000');
    assert.equal(await form.page.getAttribute('#send', 'aria-disabled'), 'true');
    await form.close();
  });

  test('a missing scope names the scopes to grant and offers the permission page and the log ID', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ada@example.com');
    const { requestId } = await findId(form);
    const url = 'https://open.feishu.cn/app/cli_a1b2c3/auth?q=contact:user.id:readonly&op_from=openapi';
    await form.deliver(
      lookupResult(requestId, 'ada@example.com', {
        error: {
          kind: 'missing-scope',
          msg: `Access denied. One of the following scopes is required: [contact:user.id:readonly].应用尚未开通所需的应用身份权限：[contact:user.id:readonly]，点击链接申请并开通任一权限即可：${url}`,
          code: 99991672,
          logId: 'LOG-SCOPE',
          missingScopes: ['contact:user.id:readonly'],
        },
      }),
    );
    assert.match(await form.text('#lookup'), /Lookup failed/);
    assert.match(await form.text('#lookup'), /Grant these scopes in the developer console/);
    assert.deepEqual(await form.page.locator('#lookup .lookup-scopes li').allTextContents(), ['contact:user.id:readonly']);
    assert.match(await form.text('#lookup'), /99991672/);
    await form.page.click('#lookup .lookup-permission');
    assert.deepEqual((await form.posted()).filter((m) => m.type === 'openDocs').at(-1), { type: 'openDocs', url });
    assert.ok(form.page.url().endsWith('/index.html?theme=dark&lang=en'), 'the link did not navigate');
    await form.page.click('#lookup .lookup-copy-log-id');
    assert.deepEqual((await form.posted()).at(-1), { type: 'copyLogId', logId: 'LOG-SCOPE' });
    await form.close();
  });
});

describe('Diagnose', () => {
  test('Diagnose is there for an ID with credentials, and posts the target with the draft\'s counts', async () => {
    const form = await open();
    assert.equal(await visible(form, '#diagnose'), false, 'no ID yet');
    await form.page.fill('#userId', 'ou_abc');
    assert.equal(await visible(form, '#diagnose'), true);
    assert.equal(await form.text('#diagnose'), 'Diagnose');
    await form.page.fill('#pcWebApp', '3');
    await form.page.fill('#pcGadget', 'x');
    const message = await runDiagnose(form);
    assert.deepEqual({ ...message, requestId: '' }, {
      type: 'diagnose',
      requestId: '',
      target: { userId: 'ou_abc', userIdType: 'open_id' },
      counts: { pc: { web_app: 3 }, mobile: { web_app: 3 } },
    });
    assert.equal(await form.page.getAttribute('#diagnose', 'aria-disabled'), 'true');
    assert.match(await form.text('#diagnose-status'), /Diagnosing…/);
    assert.equal(await visible(form, '#diagnose-cancel'), true);
    await form.page.click('#diagnose', { force: true });
    assert.equal((await posted(form, 'diagnose')).length, 1, 'no second diagnosis while one runs');
    // Cancel asks the host to stop this one and frees the button.
    await form.page.click('#diagnose-cancel');
    assert.deepEqual((await form.posted()).at(-1), { type: 'cancel', requestId: message.requestId });
    assert.equal(await form.page.getAttribute('#diagnose', 'aria-disabled'), null);

    // Without counts, none are sent.
    await form.page.fill('#pcWebApp', '');
    await form.page.fill('#pcGadget', '');
    const bare = await runDiagnose(form);
    assert.equal('counts' in bare, false);

    // Without credentials there is nothing to diagnose with.
    await form.deliver({ type: 'state', state: hostState({ hasCredentials: false, credentialKind: undefined }) });
    assert.equal(await visible(form, '#diagnose'), false);
    await form.close();
  });

  test('a diagnosis shows its six checks with their statuses, fixes, codes and log IDs; the console link opens via the host', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ou_abc');
    const { requestId } = await runDiagnose(form);
    await form.deliver(diagnosis(requestId, { userId: 'ou_abc', userIdType: 'open_id' }));
    assert.equal(await visible(form, '#diagnosis'), true);
    assert.equal(await form.text('#diagnose-status'), '', 'no longer busy');
    assert.match(await form.text('#diagnosis-head'), /Diagnosis for ou_abc \(open_id\)/);
    assert.match(await form.text('#diagnosis-head'), /Failed checks: 2/);
    const items = form.page.locator('#diagnosis-checks > li');
    assert.equal(await items.count(), 6);
    assert.deepEqual(
      await items.evaluateAll((list) => list.map((item) => `${item.getAttribute('data-check')}=${item.getAttribute('data-status')}`)),
      ['credentials=pass', 'app=warn', 'id-shape=pass', 'person=fail', 'visibility=fail', 'manual=skip'],
    );
    // An icon per check, and its status in words for a screen reader.
    assert.equal(await form.page.locator('#diagnosis-checks > li .diag-title svg').count(), 6);
    assert.deepEqual(await form.page.locator('#diagnosis-checks > li .diag-title .sr-only').allTextContents(), ['Passed:', 'Warning:', 'Passed:', 'Failed:', 'Failed:', 'Skipped:']);
    assert.deepEqual(await form.page.locator('#diagnosis-checks > li .diag-title strong').allTextContents(), sixChecks().map((check) => check.title));
    const visibility = form.page.locator('#diagnosis-checks > li[data-check="visibility"]');
    assert.equal(await visibility.locator('.diag-detail').textContent(), 'The app is not available to this person.');
    assert.match((await visibility.locator('.diag-fix').textContent()) ?? '', /^Fix: Add them to the app availability/);
    assert.match((await visibility.locator('dl.facts').textContent()) ?? '', /213007/);
    assert.match((await visibility.locator('dl.facts').textContent()) ?? '', /LOG-213007/);
    // The app check names its scopes and its permission page.
    const app = form.page.locator('#diagnosis-checks > li[data-check="app"]');
    assert.match((await app.locator('.diag-scopes').textContent()) ?? '', /admin:app\.info:readonly/);
    await app.locator('.diag-link').click();
    // The last openDocs (a version peek may be posted after it).
    assert.deepEqual((await form.posted()).filter((m) => m.type === 'openDocs').at(-1), { type: 'openDocs', url: 'https://open.feishu.cn/app/cli_a1b2c3/auth' });
    assert.equal(await app.locator('.diag-link').textContent(), 'Open the permission page');
    // The link in a fix's text, without the sentence's comma, named for where it goes.
    assert.equal(await visibility.locator('.diag-link').textContent(), 'Open in the developer console');
    await visibility.locator('.diag-link').click();
    assert.deepEqual((await form.posted()).filter((m) => m.type === 'openDocs').at(-1), { type: 'openDocs', url: 'https://open.feishu.cn/app/cli_a1b2c3/baseinfo' });
    await visibility.locator('.diag-copy-log-id').click();
    assert.deepEqual((await form.posted()).at(-1), { type: 'copyLogId', logId: 'LOG-213007' });
    // javascript: and plain http are shown as text, never offered as links.
    const manual = form.page.locator('#diagnosis-checks > li[data-check="manual"]');
    assert.equal(await manual.locator('a').count(), 0);
    assert.match((await manual.textContent()) ?? '', /javascript:alert\(1\)/);
    assert.ok(form.page.url().endsWith('/index.html?theme=dark&lang=en'), 'no link navigated');
    // Another ID hides it; the same ID shows it again (it is that ID's diagnosis).
    await form.page.fill('#userId', 'ou_other');
    assert.equal(await visible(form, '#diagnosis'), false);
    await form.page.fill('#userId', 'ou_abc');
    assert.equal(await visible(form, '#diagnosis'), true);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('a diagnosis for an ID no longer in the field is dropped', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ou_abc');
    const { requestId } = await runDiagnose(form);
    await form.page.fill('#userId', 'ou_other');
    await form.deliver(diagnosis(requestId, { userId: 'ou_abc', userIdType: 'open_id' }));
    assert.equal(await visible(form, '#diagnosis'), false);
    assert.equal(((await form.state()) as { diagnosis?: unknown }).diagnosis, undefined);
    await form.page.fill('#userId', 'ou_abc');
    assert.equal(await visible(form, '#diagnosis'), false, 'nor shown once the ID is back');
    assert.equal(await form.page.inputValue('#userId'), 'ou_abc');
    await form.close();
  });

  test('a profile switch forgets the lookup and the diagnosis (IDs are per app)', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ou_abc');
    const { requestId } = await runDiagnose(form);
    await form.deliver(diagnosis(requestId, { userId: 'ou_abc', userIdType: 'open_id' }));
    assert.equal(await visible(form, '#diagnosis'), true);
    await form.deliver({ type: 'state', state: hostState({ appId: 'cli_other' }) });
    assert.equal(await visible(form, '#diagnosis'), false);
    assert.equal(await form.page.inputValue('#userId'), 'ou_abc', 'the draft stays');
    await form.close();
  });
});

describe('answers that arrive late', () => {
  test('a lookup answered after a profile or app switch is dropped (its IDs are the other app\'s)', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ada@example.com');
    const { requestId } = await findId(form);
    await form.deliver({ type: 'state', state: hostState({ appId: 'cli_other' }) });
    await form.deliver(lookupResult(requestId, 'ada@example.com', { users: [{ id: 'ou_of_old_app', idType: 'open_id' }] }));
    assert.equal(await form.page.locator('#lookup .lookup-use').count(), 0);
    assert.equal(await form.page.inputValue('#userId'), 'ada@example.com');
    await form.close();
  });

  test('switching the ID type asks again; the answer for the old type is dropped', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ada@example.com');
    const first = await findId(form);
    assert.equal(first.userIdType, 'open_id');
    await form.page.selectOption('#userIdType', 'union_id');
    const second = await findId(form);
    assert.equal(second.userIdType, 'union_id');
    await form.deliver(lookupResult(first.requestId, 'ada@example.com', { users: [{ id: 'ou_ada', idType: 'open_id' }] }));
    assert.equal(await form.page.locator('#lookup .lookup-use').count(), 0, 'the open_id answer is not offered');
    await form.deliver(lookupResult(second.requestId, 'ada@example.com', { users: [{ id: 'on_ada', idType: 'union_id' }] }));
    assert.equal(await form.text('#lookup .person-id'), 'on_ada');
    await form.close();
  });

  test('Use this ID leaves keyboard focus in the user ID field', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ada@example.com');
    const { requestId } = await findId(form);
    await form.deliver(lookupResult(requestId, 'ada@example.com', { users: [{ id: 'ou_ada', idType: 'open_id' }] }));
    await form.page.focus('#lookup .lookup-use');
    await form.page.keyboard.press('Enter');
    assert.equal(await form.page.evaluate('document.activeElement && document.activeElement.id'), 'userId');
    assert.equal(await form.page.inputValue('#userId'), 'ou_ada');
    await form.close();
  });

  test('a diagnosis answered after a profile switch, or after Cancel, is dropped', async () => {
    const form = await open();
    await form.page.fill('#userId', 'ou_abc');
    const { requestId } = await runDiagnose(form);
    await form.deliver({ type: 'state', state: hostState({ appId: 'cli_other' }) });
    await form.deliver(diagnosis(requestId, { userId: 'ou_abc', userIdType: 'open_id' }));
    assert.equal(await visible(form, '#diagnosis'), false);
    const again = await runDiagnose(form);
    await form.page.click('#diagnose-cancel');
    await form.deliver(diagnosis(again.requestId, { userId: 'ou_abc', userIdType: 'open_id' }));
    assert.equal(await visible(form, '#diagnosis'), false);
    await form.close();
  });
});

describe('host text in the lookup and the diagnosis', () => {
  test('server text with markup stays text', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><b>bold</b>';
    const form = await open();
    await form.page.fill('#userId', 'ada@example.com');
    const lookup = await findId(form);
    await form.deliver(
      lookupResult(lookup.requestId, 'ada@example.com', {
        users: [{ id: 'ou_ada', idType: 'open_id', name: payload }],
        error: { kind: 'api', msg: payload, code: 1, logId: payload },
      }),
    );
    assert.equal(await form.text('#lookup .person-name'), payload);
    assert.match(await form.text('#lookup'), /Lookup failed: <img src=x onerror/);
    // Not a log ID the host would copy: shown, not offered.
    assert.equal(await form.page.locator('#lookup .lookup-copy-log-id').count(), 0);
    await form.page.click('#lookup .lookup-use');

    const { requestId } = await runDiagnose(form);
    await form.deliver(
      diagnosis(requestId, { userId: 'ou_ada', userIdType: 'open_id' }, { ok: false, checks: [{ id: payload, status: 'fail', title: payload, detail: payload, fix: payload, logId: payload }] }),
    );
    assert.equal(await form.text('#diagnosis-checks .diag-title strong'), payload);
    assert.equal(await form.text('#diagnosis-checks .diag-detail'), payload);
    await form.page.waitForTimeout(100);
    assert.equal(await form.page.locator('img, b').count(), 0);
    assert.equal(await form.page.evaluate(() => (globalThis as unknown as HarnessWindow).__xss), undefined);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });
});

describe('简体中文', () => {
  test('Find ID, the person, Use this ID and Diagnose read in Chinese', async () => {
    const form = await open('zh-cn');
    await form.page.fill('#userId', 'ada@example.com');
    assert.equal(await form.text('#lookup-find'), '查找 ID');
    assert.match(await form.text('#send-reason'), /邮箱地址不是用户 ID/);
    const lookup = await findId(form);
    assert.match(await form.text('#lookup-status'), /正在查找/);
    await form.deliver(lookupResult(lookup.requestId, 'ada@example.com', { users: [{ id: 'ou_ada', idType: 'open_id', name: '阿达', status: { resigned: true } }] }));
    assert.match(await form.text('#lookup'), /ada@example\.com 对应的用户/);
    assert.match(await form.text('#lookup .person-status'), /已离职：红点不会送达已离职的人员。/);
    assert.equal(await form.text('#lookup .lookup-use'), '使用此 ID');
    await form.page.click('#lookup .lookup-use');
    assert.match(await form.text('#lookup'), /此 ID 已填入用户 ID。/);
    assert.equal(await form.text('#diagnose'), '诊断');
    const { requestId } = await runDiagnose(form);
    assert.match(await form.text('#diagnose-status'), /正在诊断/);
    await form.deliver(diagnosis(requestId, { userId: 'ou_ada', userIdType: 'open_id' }));
    assert.match(await form.text('#diagnosis-head'), /ou_ada（open_id）的诊断结果/);
    assert.match(await form.text('#diagnosis-head'), /失败的检查项：2/);
    assert.equal(await form.text('#diagnosis-checks > li[data-check="visibility"] .diag-link'), '在开发者后台打开');
    assert.deepEqual(await form.page.locator('#diagnosis-checks > li .diag-title .sr-only').allTextContents(), ['通过：', '警告：', '通过：', '失败：', '失败：', '已跳过：']);
    assert.equal(await form.text('#diagnosis-checks > li[data-check="app"] .diag-link'), '打开权限管理页面');
    // Not found, in Chinese.
    await form.page.fill('#userId', 'nobody@example.com');
    const second = await findId(form);
    await form.deliver(lookupResult(second.requestId, 'nobody@example.com', { notFound: { detail: '此租户中没有人使用它：请检查拼写。' } }));
    assert.match(await form.text('#lookup'), /没有找到 nobody@example\.com 对应的用户。/);
    assert.match(await form.text('#lookup'), /此租户中没有人使用它/);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });
});
