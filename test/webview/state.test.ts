// Saved state, keyboard use, the CSP and the bundle's size.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiFailure, draft, hostState, success } from './fixtures.ts';
import type { Harness } from './harness.ts';
import { buildWebview, HARNESS_HOOK, startHarness } from './harness.ts';

let harness: Harness;
// Bounded: startHarness() fails naming its step within 60 s; the hook timeout is the backstop.
before(async () => {
  harness = await startHarness();
}, HARNESS_HOOK);
after(async () => {
  await harness?.close();
}, HARNESS_HOOK);

const MAX_BUNDLE_BYTES = 150 * 1000;

describe('state', () => {
  test('the draft and the last result are saved on every change', async () => {
    const form = await harness.open();
    await form.page.fill('#userId', 'ou_saved');
    assert.deepEqual(((await form.state()) as { draft: unknown }).draft, draft({ userId: 'ou_saved' }));
    await form.page.uncheck('#sameOnBoth');
    await form.page.fill('#mobileGadget', '9');
    await form.page.check('#version-manual');
    await form.page.fill('#manualVersion', '123');
    await form.page.fill('#extra', '{"k":1}');
    const saved = (await form.state()) as { draft: unknown; result?: unknown };
    assert.deepEqual(saved.draft, draft({ userId: 'ou_saved', sameOnBoth: false, mobileGadget: '9', versionMode: 'manual', manualVersion: '123', extra: '{"k":1}' }));
    await form.deliver(success('r-1'));
    assert.deepEqual(((await form.state()) as { result?: unknown }).result, (success('r-1') as { payload: unknown }).payload);
    await form.close();
  });

  test('a reload with saved state shows the same values, result and language', async () => {
    const first = await harness.open();
    await first.deliver({ type: 'state', state: hostState({ locale: 'zh-cn' }) });
    await first.page.fill('#userId', 'ou_again');
    await first.page.uncheck('#sameOnBoth');
    await first.page.fill('#pcWebApp', '12');
    await first.page.fill('#mobileGadget', '1500');
    await first.page.check('#version-manual');
    await first.page.fill('#manualVersion', '1700000000000');
    await first.page.fill('#extra', 'free text');
    await first.deliver(apiFailure('r-2'));
    const saved = await first.state();
    const before = await first.text('#preview-body');
    await first.close();

    const form = await harness.open({ state: saved });
    assert.equal(await form.page.inputValue('#userId'), 'ou_again');
    assert.equal(await form.page.isChecked('#sameOnBoth'), false);
    assert.equal(await form.page.inputValue('#pcWebApp'), '12');
    assert.equal(await form.page.inputValue('#mobileGadget'), '1500');
    assert.equal(await form.page.isChecked('#version-manual'), true);
    assert.equal(await form.page.inputValue('#manualVersion'), '1700000000000');
    assert.equal(await form.page.inputValue('#extra'), 'free text');
    assert.equal(await form.text('#preview-body'), before);
    assert.match(await form.text('#mobileGadget-msg'), /圆点/);
    assert.equal(await form.text('#result .guidance h3'), 'PC badge version conflict');
    assert.equal(await form.text('#send'), '发送');
    // Still the first message after a reload.
    assert.deepEqual((await form.posted())[0], { type: 'ready' });
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('broken or foreign saved state falls back field by field', async () => {
    const form = await harness.open({ state: { draft: { userId: 'ou_kept', pcWebApp: 42, versionMode: 'sometimes', futureField: 1 }, result: { nope: true }, host: 'x' } });
    assert.equal(await form.page.inputValue('#userId'), 'ou_kept');
    assert.equal(await form.page.inputValue('#pcWebApp'), '');
    assert.equal(await form.page.isChecked('#version-auto'), true);
    assert.match(await form.text('#result'), /Nothing sent yet/);
    assert.deepEqual(await form.problems(), []);
    const garbage = await harness.open({ state: 'garbage' });
    assert.equal(await garbage.page.inputValue('#userId'), '');
    assert.deepEqual(await garbage.problems(), []);
    await form.close();
    await garbage.close();
  });
});

describe('keyboard and accessibility', () => {
  test('Tab reaches the user ID field, then Send, in document order; focus is visible', async () => {
    const form = await harness.open();
    await form.deliver({ type: 'state', state: hostState() });
    const order: string[] = [];
    for (let i = 0; i < 40 && !order.includes('send'); i++) {
      await form.page.keyboard.press('Tab');
      order.push(await form.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ?? ''));
    }
    const userId = order.indexOf('userId');
    const send = order.indexOf('send');
    assert.ok(userId >= 0, `Tab never reached #userId: ${order.join(', ')}`);
    assert.ok(send > userId, `Tab never reached #send after #userId: ${order.join(', ')}`);
    // A logical order: the profile chip, target, counts, version, extra, preview, actions.
    const expected = ['profile-chip', 'userId', 'userIdType', 'pcWebApp', 'pcGadget', 'sameOnBoth', 'version-auto', 'extra', 'send'];
    const positions = expected.map((id) => order.indexOf(id));
    assert.deepEqual(
      positions.map((position) => position >= 0),
      expected.map(() => true),
      order.join(', '),
    );
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, order.join(', '));
    // Visible focus on the focused button: an outline in the theme's focus colour.
    const outline = await form.page.locator('#send').evaluate((button) => {
      const style = (globalThis as unknown as { getComputedStyle(element: unknown): { outlineStyle: string; outlineColor: string } }).getComputedStyle(button);
      return `${style.outlineStyle} ${style.outlineColor}`;
    });
    assert.match(outline, /^solid rgb\(0, 127, 212\)/);
    // Send is reachable while unavailable (to hear why), but does nothing.
    assert.equal(await form.page.getAttribute('#send', 'aria-disabled'), 'true');
    await form.page.keyboard.press('Enter');
    await form.page.keyboard.press('Space');
    assert.deepEqual(
      (await form.posted()).filter((message) => message.type === 'send'),
      [],
    );
    await form.close();
  });

  test('every control has a label', async () => {
    const form = await harness.open();
    await form.deliver({ type: 'state', state: hostState({ recentUsers: [{ userId: 'ou_1', userIdType: 'open_id' }] }) });
    const unlabelled = await form.page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<{ id: string; labels: ArrayLike<unknown> | null; getAttribute(name: string): string | null; textContent: string | null }> } }).document;
      return Array.from(doc.querySelectorAll('input, select, textarea, button'))
        .filter((control) => (control.labels?.length ?? 0) === 0 && control.getAttribute('aria-label') === null && (control.textContent ?? '').trim() === '')
        .map((control) => control.id);
    });
    assert.deepEqual(unlabelled, []);
    await form.close();
  });

  test('no CSP violation, console error or outside request while the form is used', async () => {
    const form = await harness.open();
    await form.deliver({ type: 'state', state: hostState({ recentUsers: [{ userId: 'ou_1', userIdType: 'open_id' }] }) });
    await form.page.fill('#userId', 'ou_1');
    await form.page.fill('#pcWebApp', '1000');
    await form.page.uncheck('#sameOnBoth');
    await form.page.check('#version-manual');
    await form.page.fill('#manualVersion', 'x');
    await form.page.fill('#extra', '{');
    await form.page.fill('#manualVersion', '1');
    await form.page.click('#send');
    await form.deliver(apiFailure('r-1'));
    await form.page.click('#result-toggle');
    await form.page.click('#result details summary');
    await form.deliver(success('r-2'));
    await form.deliver({ type: 'state', state: hostState({ locale: 'zh-cn' }) });
    await form.page.waitForTimeout(400);
    assert.deepEqual(await form.problems(), []);
    await form.close();
  });

  test('the CSP forbids <base> and form submissions: base-uri and form-action are both none', async () => {
    const form = await harness.open();
    const content = await form.page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null } }).document;
      return doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    });
    const directives = new Map(content.split(';').map((part) => part.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values.join(' ')]));
    assert.equal(directives.get('base-uri'), "'none'", content);
    assert.equal(directives.get('form-action'), "'none'", content);
    assert.equal(directives.get('default-src'), "'none'", content);
    // And the browser enforces them: a <base> is ignored, a submission goes nowhere, and both are reported.
    await form.page.evaluate((origin) => {
      const doc = (globalThis as unknown as { document: { createElement(tag: string): Record<string, unknown> & { setAttribute(name: string, value: string): void; submit(): void }; head: { appendChild(node: unknown): void }; body: { appendChild(node: unknown): void } } }).document;
      const base = doc.createElement('base');
      base.setAttribute('href', `${origin}/elsewhere/`);
      doc.head.appendChild(base);
      const other = doc.createElement('form');
      other.setAttribute('action', `${origin}/submitted`);
      other.setAttribute('method', 'post');
      doc.body.appendChild(other);
      other.submit();
    }, harness.origin);
    await form.page.waitForTimeout(300);
    assert.equal(new URL(form.page.url()).pathname, '/index.html', 'the page did not navigate');
    const problems = (await form.problems()).join('\n');
    assert.match(problems, /csp: base-uri/);
    assert.match(problems, /csp: form-action/);
    await form.close();
  });

  test('the harness does catch a CSP violation (the check can fail)', async () => {
    const form = await harness.open();
    await form.page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { createElement(tag: string): { textContent: string }; head: { appendChild(node: unknown): void } } }).document;
      const style = doc.createElement('style');
      style.textContent = 'body { color: red }';
      doc.head.appendChild(style);
    });
    await form.page.waitForTimeout(100);
    assert.match((await form.problems()).join('\n'), /csp: style-src/);
    await form.close();
  });
});

describe('bundle', () => {
  test(`dist/webview.js (production) is at most ${MAX_BUNDLE_BYTES / 1000} KB`, async () => {
    const bytes = (await buildWebview()).byteLength;
    console.log(`webview bundle: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB)`);
    assert.ok(bytes <= MAX_BUNDLE_BYTES, `${bytes} bytes`);
  });
});
