// Not a test: renders the form in the harness with Dark+, Light+ and High Contrast variables and
// writes /tmp/form-dark.png, /tmp/form-light.png, /tmp/form-high-contrast.png (a failed send with
// field errors and warnings) and /tmp/form-zh-busy.png, /tmp/form-zh-success.png for a person to
// look at. Run with `node test/webview/screenshots.ts`.
import type { Theme } from './harness.ts';
import { startHarness } from './harness.ts';
import { apiFailure, hostState, success } from './fixtures.ts';

const harness = await startHarness();
try {
  for (const theme of ['dark', 'light', 'high-contrast'] as Theme[]) {
    const form = await harness.open({ theme, width: 340 });
    await form.deliver({ type: 'state', state: hostState() });
    await form.page.fill('#userId', 'ou_7d8a6e6df7621556ce0d21922b676706ccs');
    await form.page.fill('#pcWebApp', '1200');
    await form.page.fill('#pcGadget', '-1');
    await form.page.fill('#extra', '{"from": ');
    await form.deliver(apiFailure('r-1'));
    await form.page.click('#result-toggle');
    await form.page.locator('#result details').evaluate((details) => details.setAttribute('open', ''));
    await form.page.focus('#pcWebApp');
    const path = `/tmp/form-${theme}.png`;
    await form.page.screenshot({ path, fullPage: true });
    console.log(`wrote ${path}`, await form.problems());
    await form.close();
  }
  // And the happy path in 简体中文, for the wording and the success colours.
  const form = await harness.open({ theme: 'light', width: 340 });
  await form.deliver({ type: 'state', state: hostState({ locale: 'zh-cn', recentUsers: [{ userId: 'ou_1', userIdType: 'open_id' }] }) });
  await form.page.fill('#userId', 'ou_7d8a6e6df7621556ce0d21922b676706ccs');
  await form.page.fill('#pcWebApp', '3');
  await form.deliver({ type: 'version', target: { userId: 'ou_7d8a6e6df7621556ce0d21922b676706ccs', userIdType: 'open_id' }, version: '1732200000000' });
  await form.page.click('#send');
  await form.deliver({ type: 'busy', requestId: 'r-9', action: 'send' });
  await form.page.screenshot({ path: '/tmp/form-zh-busy.png', fullPage: true });
  await form.deliver(success('r-9'));
  await form.page.screenshot({ path: '/tmp/form-zh-success.png', fullPage: true });
  console.log('wrote /tmp/form-zh-busy.png, /tmp/form-zh-success.png', await form.problems());
} finally {
  await harness.close();
}
