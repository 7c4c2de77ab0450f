// Not a test: the README's screenshots of "Why no red dot?" in English and 简体中文. The checks
// are the core's real answer (src/core/diagnose.ts against the local Feishu-like server: a frozen
// person the app is hidden from, with a mini-program count on a web-app-only app), shown by the
// real form bundle in Chromium with the Dark Modern variables. Writes docs/diagnosis-en.png and
// docs/diagnosis-zh-cn.png. Run with `node test/webview/diagnosisShots.ts` (after a build).
import { join } from 'node:path';
import { diagnose } from '../../src/core/diagnose.ts';
import { repoRoot } from '../integration/provision.ts';
import { SANDBOX_APP, makeCore } from '../support/core.ts';
import { startFeishuServer } from '../support/feishuServer.ts';
import { hostState } from './fixtures.ts';
import { startHarness } from './harness.ts';

const server = await startFeishuServer({ apps: [{ ...SANDBOX_APP }] });
const harness = await startHarness();
try {
  server.addPerson({ userId: 'u_dana', openId: 'ou_sandbox_dana', email: 'dana@example.com', name: 'Dana', status: { is_frozen: true } });
  server.configureApp(SANDBOX_APP.appId, { hiddenFrom: ['u_dana'] });
  const counts = { pc: { web_app: 3, gadget: 1 }, mobile: { web_app: 3, gadget: 1 } };
  for (const locale of ['en', 'zh-cn'] as const) {
    const { transport, tokens } = makeCore(server);
    const result = await diagnose(transport, tokens, { userId: 'ou_sandbox_dana', userIdType: 'open_id', appId: SANDBOX_APP.appId, counts, locale, hasCredentials: true });
    const form = await harness.open({ theme: 'dark', width: 380, ...(locale === 'zh-cn' ? { lang: 'zh-CN' } : {}) });
    // Tall enough that the sticky footer sits below the checks, out of the picture.
    await form.page.setViewportSize({ width: 380, height: 2_400 });
    await form.deliver({ type: 'state', state: hostState({ locale }) });
    await form.page.fill('#userId', 'ou_sandbox_dana');
    await form.page.fill('#pcWebApp', '3');
    await form.page.fill('#pcGadget', '1');
    await form.page.click('#diagnose');
    const sent = (await form.posted()).filter((message) => message.type === 'diagnose').at(-1) as { requestId: string } | undefined;
    if (sent === undefined) throw new Error('Diagnose posted nothing');
    await form.deliver({ type: 'diagnosis', requestId: sent.requestId, target: { userId: 'ou_sandbox_dana', userIdType: 'open_id' }, result } as never);
    await form.page.locator('#diagnosis-checks li').nth(5).waitFor({ timeout: 10_000 });
    const path = join(repoRoot, 'docs', `diagnosis-${locale}.png`);
    const box = await form.page.locator('.diagnosis-area').boundingBox();
    await form.page.screenshot({ path, ...(box === null ? {} : { clip: { x: 0, y: Math.max(0, box.y - 110), width: 380, height: box.height + 120 } }) });
    console.log(`wrote ${path}: ${result.checks.map((check) => `${check.id}=${check.status}`).join(' ')}`, await form.problems());
    await form.close();
  }
} finally {
  await harness.close();
  await server.close();
}
