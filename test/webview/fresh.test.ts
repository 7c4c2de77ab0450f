// A form that never shows stale facts, a first run that guides, an outcome that stays in view,
// and status colours that can be read in every theme.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FromWebview } from '../../src/shared/protocol.ts';
import { apiFailure, hostState, result, success } from './fixtures.ts';
import type { FormPage, Harness, Theme } from './harness.ts';
import { HARNESS_HOOK, startHarness } from './harness.ts';

let harness: Harness;
before(async () => {
  harness = await startHarness();
}, HARNESS_HOOK);
after(async () => {
  await harness?.close();
}, HARNESS_HOOK);

const target = { userId: 'ou_abc', userIdType: 'open_id' } as const;
const AT = Date.UTC(2024, 0, 2, 3, 4, 5);

const peeks = async (form: FormPage): Promise<number> => (await form.posted()).filter((message) => message.type === 'peekVersion').length;

/** Waits until the form has posted more than `count` peeks; fails after 3 s. */
async function nextPeek(form: FormPage, count: number): Promise<void> {
  await form.page.waitForFunction((n) => (globalThis as unknown as { __posted: FromWebview[] }).__posted.filter((m) => m.type === 'peekVersion').length > n, count, { timeout: 3000 });
}

async function withTarget(): Promise<FormPage> {
  const form = await harness.open();
  await form.deliver({ type: 'state', state: hostState() });
  await form.page.fill('#userId', 'ou_abc');
  await form.page.fill('#pcWebApp', '5');
  await nextPeek(form, 0);
  await form.deliver({ type: 'version', target, version: '1700000000100', remembered: { pc: { web_app: 1 }, version: '1700000000050', at: AT } });
  return form;
}

describe('never stale', () => {
  test('after a result, the state that follows does not cancel the fresh estimate; the old one is not shown meanwhile', async () => {
    const form = await withTarget();
    assert.match(await form.text('#version-auto-note'), /1700000000100/);
    const before = await peeks(form);
    await form.page.click('#send');
    const sent = (await form.posted()).findLast((message) => message.type === 'send');
    assert.ok(sent?.type === 'send');
    // The host answers with the result and then, as every send does, the new host state.
    await form.deliver(success(sent.requestId));
    await form.deliver({ type: 'state', state: hostState() });
    // The estimate was for the version before this send: it is no longer offered.
    assert.doesNotMatch(await form.text('#version-auto-note'), /1700000000100/);
    await form.page.check('#version-manual');
    assert.equal(await form.page.inputValue('#manualVersion'), '', 'a stale estimate must not pre-fill the manual version');
    await form.page.check('#version-auto');
    await nextPeek(form, before);
    await form.deliver({ type: 'version', target, version: '1700000000200', remembered: { pc: { web_app: 5 }, version: '1700000000123', at: AT } });
    assert.match(await form.text('#version-auto-note'), /1700000000200/);
    assert.match(await form.text('#remembered'), /PC 5\/–/);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('an answer the host computed before the last result is dropped, a later one is shown', async () => {
    const form = await withTarget();
    const seqs = async (): Promise<number[]> => (await form.posted()).flatMap((message) => (message.type === 'peekVersion' && message.seq !== undefined ? [message.seq] : []));
    const [before] = (await seqs()).slice(-1);
    assert.ok(before !== undefined);
    await form.page.click('#send');
    const sent = (await form.posted()).findLast((message) => message.type === 'send');
    assert.ok(sent?.type === 'send');
    const asked = (await seqs()).length;
    await form.deliver(success(sent.requestId));
    // The answer to the peek posted before the send arrives late, after the result.
    await form.deliver({ type: 'version', target, version: '1700000000100', seq: before });
    assert.doesNotMatch(await form.text('#version-auto-note'), /1700000000100/);
    await nextPeek(form, asked);
    const [after] = (await seqs()).slice(-1);
    assert.ok(after !== undefined && after > before);
    await form.deliver({ type: 'version', target, version: '1700000000300', seq: after });
    assert.match(await form.text('#version-auto-note'), /1700000000300/);
    await form.close();
  });

  test('a send from another surface (a new host state) makes the form ask again', async () => {
    const form = await withTarget();
    const before = await peeks(form);
    await form.deliver({ type: 'state', state: hostState() });
    await nextPeek(form, before);
    await form.close();
  });

  test('a profile switch drops what the form knew of the other profile at once, and asks again', async () => {
    const form = await withTarget();
    assert.equal(await form.page.isVisible('#remembered'), true);
    const before = await peeks(form);
    await form.deliver({ type: 'state', state: hostState({ profile: { name: 'Production', production: true }, appId: 'cli_prod' }) });
    assert.equal(await form.page.isHidden('#remembered'), true, 'the Default profile’s remembered badge is not this profile’s');
    assert.doesNotMatch(await form.text('#version-auto-note'), /1700000000100/);
    await nextPeek(form, before);
    await form.close();
  });

  test('the last result belongs to the profile that sent it: a switch clears it', async () => {
    const form = await withTarget();
    await form.deliver(apiFailure('r-1'));
    assert.match(await form.text('#result-line'), /213001/);
    // The same profile again (a send from another surface): the result stays.
    await form.deliver({ type: 'state', state: hostState() });
    assert.match(await form.text('#result-line'), /213001/);
    await form.deliver({ type: 'state', state: hostState({ profile: { name: 'Other', production: false }, appId: 'cli_other' }) });
    assert.match(await form.text('#result-line'), /Nothing sent yet/);
    await form.close();
  });

  test('a "no credentials" result goes away once credentials exist', async () => {
    const form = await harness.open();
    await form.deliver({ type: 'state', state: hostState({ hasCredentials: false, credentialKind: undefined }) });
    await form.deliver(result('r-1', { ok: false, error: 'no-credentials', attempts: 0, msg: 'No Feishu credentials yet.' }));
    assert.match(await form.text('#result-line'), /credentials/i);
    await form.deliver({ type: 'state', state: hostState() });
    assert.doesNotMatch(await form.text('#result-line'), /credentials/i);
    assert.match(await form.text('#result'), /Nothing sent yet/);
    await form.close();
  });
});

describe('first run', () => {
  test('without credentials: one primary action, a sandbox link, and Send disabled with the reason', async () => {
    const form = await harness.open();
    await form.deliver({ type: 'state', state: hostState({ hasCredentials: false, credentialKind: undefined }) });
    assert.equal(await form.page.isVisible('#empty-state'), true);
    assert.equal(await form.page.locator('#empty-state button.primary').count(), 1);
    await form.page.click('#connect');
    assert.deepEqual((await form.posted()).findLast((message) => message.type === 'runCommand'), { type: 'runCommand', command: 'configureCredentials' });
    await form.page.click('#open-guide');
    assert.deepEqual((await form.posted()).findLast((message) => message.type === 'openGuide'), { type: 'openGuide', topic: 'sandbox' });
    await form.page.fill('#userId', 'ou_abc');
    await form.page.fill('#pcWebApp', '1');
    assert.equal(await form.page.getAttribute('#send', 'aria-disabled'), 'true');
    assert.match(await form.text('#send-reason'), /Connect your app/);
    await form.page.press('#userId', 'Enter');
    await form.page.locator('#send').evaluate((button) => (button as unknown as { click(): void }).click());
    assert.equal((await form.posted()).filter((message) => message.type === 'send').length, 0);

    await form.deliver({ type: 'state', state: hostState() });
    assert.equal(await form.page.isHidden('#empty-state'), true);
    assert.equal(await form.page.getAttribute('#send', 'aria-disabled'), null);
    await form.close();
  });

  test('the profile is one chip that switches; the command buttons are gone from the form', async () => {
    const form = await harness.open();
    await form.deliver({ type: 'state', state: hostState({ profile: { name: 'Production', production: true } }) });
    assert.match(await form.text('#profile-chip'), /Production/);
    await form.page.click('#profile-chip');
    assert.deepEqual((await form.posted()).findLast((message) => message.type === 'runCommand'), { type: 'runCommand', command: 'switchProfile' });
    assert.equal(await form.page.locator('[id^="cmd-"]').count(), 0);
    await form.close();
  });
});

describe('the outcome stays in view', () => {
  for (const [name, deliver, line] of [
    ['a success', success, /^✓ Badge set/],
    ['213001', apiFailure, /^✗ 213001 · PC badge version conflict$/],
  ] as const) {
    test(`after Send, ${name} is one line at the bottom of a short view, announced, with details below`, async () => {
      const form = await harness.open({ width: 340 });
      await form.page.setViewportSize({ width: 340, height: 420 });
      await form.deliver({ type: 'state', state: hostState() });
      await form.page.fill('#userId', 'ou_abc');
      await form.page.fill('#pcWebApp', '5');
      await form.page.press('#userId', 'Enter');
      const sent = (await form.posted()).findLast((message) => message.type === 'send');
      assert.ok(sent?.type === 'send');
      await form.deliver(deliver(sent.requestId));
      assert.match((await form.text('#result-line')).trim(), line);
      // Within the viewport without scrolling, and Send with it.
      for (const selector of ['#result-line', '#send', '#clear']) {
        const box = await form.page.locator(selector).boundingBox();
        assert.ok(box !== null && box.y >= 0 && box.y + box.height <= 420, `${selector} is outside the viewport: ${JSON.stringify(box)}`);
      }
      assert.equal(await form.page.evaluate("window.scrollY"), 0);
      // A live region carries the line to screen readers.
      assert.equal(await form.page.locator('#result-line').evaluate((element) => element.closest('[role="status"], [aria-live]') !== null), true);
      // Details are collapsed, then expand below the line.
      assert.equal(await form.page.isHidden('#result'), true);
      await form.page.click('#result-toggle');
      assert.equal(await form.page.getAttribute('#result-toggle', 'aria-expanded'), 'true');
      assert.equal(await form.page.isVisible('#result'), true);
      assert.deepEqual(await form.problems(), []);
      await form.close();
    });
  }

  test('a history entry sent with another profile says which', async () => {
    const form = await harness.open();
    await form.deliver({
      type: 'state',
      state: hostState({
        history: [
          { index: 0, at: AT, userId: 'ou_here', userIdType: 'open_id', ok: true },
          { index: 1, at: AT, userId: 'ou_there', userIdType: 'open_id', ok: true, profile: 'Production' },
        ],
      }),
    });
    await form.page.click('#history summary');
    const items = await form.page.locator('#history-list > li').allTextContents();
    assert.doesNotMatch(items[0] ?? '', /profile/);
    assert.match(items[1] ?? '', /profile Production/);
    await form.close();
  });

  test('Re-send in the history shows its outcome in view', async () => {
    const form = await harness.open({ width: 340 });
    await form.page.setViewportSize({ width: 340, height: 420 });
    await form.deliver({
      type: 'state',
      state: hostState({ history: [{ index: 0, at: AT, userId: 'ou_abc', userIdType: 'open_id', pc: { web_app: 3 }, ok: true }] }),
    });
    await form.page.click('#history summary');
    await form.page.locator('#history-list button').first().click();
    const sent = (await form.posted()).findLast((message) => message.type === 'resend');
    assert.ok(sent?.type === 'resend');
    await form.deliver(apiFailure(sent.requestId));
    const box = await form.page.locator('#result-line').boundingBox();
    assert.ok(box !== null && box.y >= 0 && box.y + box.height <= 420, `the outcome is outside the viewport: ${JSON.stringify(box)}`);
    await form.close();
  });
});

/**
 * Every status-coloured text and icon, with its contrast against what is behind it (WCAG 2
 * relative luminance; colours resolved through a canvas, so any CSS colour syntax works). In-page
 * code, as a string: the test files are type-checked without the DOM library.
 */
const MEASURE = `(() => {
    const doc = document;
    const canvas = doc.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('no 2d context');
    const rgba = (css) => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return [r ?? 0, g ?? 0, b ?? 0, (a ?? 0) / 255];
    };
    const over = (top, bottom) => [
      top[0] * top[3] + bottom[0] * (1 - top[3]),
      top[1] * top[3] + bottom[1] * (1 - top[3]),
      top[2] * top[3] + bottom[2] * (1 - top[3]),
    ];
    const background = (element) => {
      const layers = [];
      for (let node = element; node !== null; node = node.parentElement) {
        const color = rgba(getComputedStyle(node).backgroundColor);
        if (color[3] > 0) layers.push(color);
        if (color[3] >= 1) break;
      }
      let base = [255, 255, 255];
      for (const layer of layers.reverse()) base = over(layer, base);
      return base;
    };
    const luminance = ([r, g, b]) => {
      const channel = (value) => {
        const c = value / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const ratio = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const selectors = ['.ok', '.warning', '.fail', '.neutral', '.message.error', '.message.warning', '.badge', '.result-line', '.history-user > .icon', '#send-reason'];
    const out = [];
    for (const element of doc.querySelectorAll(selectors.join(','))) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const bg = background(element);
      const fg = over(rgba(getComputedStyle(element).color), bg);
      const isIcon = element.tagName.toLowerCase() === 'svg' || element.classList.contains('icon');
      out.push({ what: \`\${element.tagName.toLowerCase()}#\${element.id}.\${[...element.classList].join('.')} "\${(element.textContent ?? '').trim().slice(0, 30)}"\`, ratio: ratio(fg, bg), text: !isIcon });
      // The icon inside a status line is coloured on its own.
      for (const svg of element.querySelectorAll('svg.icon')) {
        const iconColor = over(rgba(getComputedStyle(svg).color), bg);
        out.push({ what: \`icon in \${element.tagName.toLowerCase()}.\${[...element.classList].join('.')}\`, ratio: ratio(iconColor, bg), text: false });
      }
    }
    return out;
})()`;

async function contrasts(form: FormPage): Promise<Array<{ what: string; ratio: number; text: boolean }>> {
  return (await form.page.evaluate(MEASURE)) as Array<{ what: string; ratio: number; text: boolean }>;
}

describe('a short, narrow side bar', () => {
  test('at 200×300 with a long Chinese failure and its details open, the footer leaves the form reachable', async () => {
    const form = await harness.open({ width: 200, lang: 'zh-CN' });
    await form.page.setViewportSize({ width: 200, height: 300 });
    await form.deliver({ type: 'state', state: hostState({ locale: 'zh-cn', profile: { name: '生产环境-华东区-飞书应用红点-很长的配置名称', production: true } }) });
    const failure = apiFailure('r-1') as unknown as { payload: { result: { guidance: { title: string; steps: string[] } } } };
    failure.payload.result.guidance.title = '应用对该用户不可见：请在开发者后台的可用范围中加入该用户，或检查部门和用户组的可见性设置';
    failure.payload.result.guidance.steps = Array.from({ length: 8 }, (_, i) => `第 ${i + 1} 步：这是一段很长的处理建议，用来检查在很窄的侧边栏中页脚是否仍然给表单留出空间。`);
    await form.deliver(failure as never);
    await form.page.click('#result-toggle');
    const footer = await form.page.locator('#footer').boundingBox();
    assert.ok(footer !== null && footer.height <= 150 + 1, `the footer takes ${footer?.height}px of 300`);
    const line = await form.page.locator('#result-line').boundingBox();
    assert.ok(line !== null && line.height <= 2 * 13 * 1.4 * 1.2 + 2, `the result line is ${line?.height}px tall (two lines at most)`);
    assert.match((await form.page.getAttribute('#result-line', 'title')) ?? '', /213001 · 应用对该用户不可见/);
    // The profile name is readable, not cut to an ellipsis.
    assert.equal(await form.page.locator('#profile-chip .chip-name').evaluate((element) => (element as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth <= (element as unknown as { clientWidth: number }).clientWidth + 1), true);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });
});

describe('contrast', () => {
  for (const theme of ['light', 'dark', 'high-contrast'] as Theme[]) {
    test(`${theme}: every status colour reaches 4.5:1 for text and 3:1 for icons`, async (t) => {
      const measured: Array<{ what: string; ratio: number; text: boolean }> = [];
      const form = await harness.open({ theme, width: 360 });
      await form.deliver({
        type: 'state',
        state: hostState({
          profile: { name: 'Production', production: true },
          history: [
            { index: 0, at: AT, userId: 'ou_ok', userIdType: 'open_id', pc: { web_app: 3 }, ok: true },
            { index: 1, at: AT, userId: 'ou_fail', userIdType: 'open_id', pc: { web_app: 3 }, ok: false, code: 213007 },
          ],
        }),
      });
      await form.page.click('#history summary');
      await form.page.fill('#userId', 'ou_abc');
      await form.page.fill('#pcWebApp', '1200');
      await form.page.uncheck('#sameOnBoth');
      await form.page.fill('#mobileGadget', '-1');
      await form.deliver(success('r-1'));
      measured.push(...(await contrasts(form)));
      await form.deliver(apiFailure('r-2'));
      await form.page.click('#result-toggle');
      measured.push(...(await contrasts(form)));
      await form.deliver(result('r-3', { ok: false, error: 'cancelled', attempts: 0, msg: 'Not sent.' }));
      measured.push(...(await contrasts(form)));
      await form.deliver({ type: 'state', state: hostState({ hasCredentials: false, credentialKind: undefined }) });
      measured.push(...(await contrasts(form)));
      await form.close();

      // The measurement sees what it must: the self-built ✓, a ✗ and a warning.
      for (const wanted of [/Self-built app/, /213001/, /production/i]) {
        assert.ok(measured.some((entry) => wanted.test(entry.what)), `nothing measured matched ${wanted}: ${measured.map((entry) => entry.what).join('\n')}`);
      }
      const lowest = (text: boolean): string => Math.min(...measured.filter((entry) => entry.text === text).map((entry) => entry.ratio)).toFixed(2);
      t.diagnostic(`${theme}: ${measured.length} measured; lowest text ${lowest(true)}:1, lowest icon ${lowest(false)}:1`);
      const failing = measured.filter((entry) => entry.ratio < (entry.text ? 4.5 : 3)).map((entry) => `${entry.ratio.toFixed(2)}:1 ${entry.what}`);
      assert.deepEqual(failing, []);
    });
  }
});
