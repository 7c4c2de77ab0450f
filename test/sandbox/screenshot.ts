// `npm run sandbox:screenshot`: starts the sandbox (test/sandbox/sandbox.ts), opens it in
// headless Chromium, waits for the workbench, opens the Feishu Badge view and writes
// docs/sandbox.png (1280x800). Everything is stopped afterwards; bounded to 5 minutes.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { closeBrowser, launchBrowser } from '../integration/codeServer.ts';
import { repoRoot } from '../integration/provision.ts';
import { startSandbox } from './sandbox.ts';
import type { Sandbox } from './sandbox.ts';

const OUTPUT = join(repoRoot, 'docs', 'sandbox.png');
const HARD_TIMEOUT_MS = 5 * 60_000;

/**
 * Webview contents live two frames down (workbench → iframe.webview → active frame): wait until
 * each webview has rendered some text, or give up after `ms`.
 */
async function waitForWebviews(page: Page, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const outer = await page.locator('iframe.webview').count();
    const inner = page.frames().filter((frame) => frame.parentFrame()?.parentFrame() === page.mainFrame());
    const texts = await Promise.all(inner.map((frame) => frame.evaluate<number>('document.body ? document.body.innerText.trim().length : 0').catch(() => 0)));
    if (outer > 0 && texts.filter((length) => length > 0).length >= outer) return;
    await page.waitForTimeout(250);
  }
  console.warn('[screenshot] webviews did not all render in time');
}

async function main(): Promise<void> {
  let sandbox: Sandbox | undefined;
  let context: BrowserContext | undefined;
  const hard = setTimeout(() => {
    console.error(`[screenshot] no screenshot after ${HARD_TIMEOUT_MS} ms`);
    void closeBrowser(context, 5000)
      .then(() => sandbox?.stop())
      .finally(() => process.exit(1));
  }, HARD_TIMEOUT_MS);
  try {
    sandbox = await startSandbox();
    context = await launchBrowser({
      chromium: sandbox.provisioned.chromium,
      profileDir: join(sandbox.dir, 'chromium'),
      env: sandbox.session.env,
      viewport: { width: 1280, height: 800 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const started = performance.now();
    await page.goto(sandbox.url, { timeout: 60_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 30_000 });
    console.log(`[screenshot] workbench ready in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    // Open the extension's view container (activity bar entry "Feishu Badge") when it is there.
    const entry = page.locator('.part.activitybar .action-item a[aria-label^="Feishu Badge"]').first();
    try {
      await entry.click({ timeout: 15_000 });
      await page.locator('iframe.webview').first().waitFor({ timeout: 15_000 });
      await page.mouse.move(900, 780); // no hover tooltip in the picture
    } catch (error) {
      console.warn(`[screenshot] could not open the Feishu Badge view: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    await waitForWebviews(page, 20_000);
    await page.waitForTimeout(1000); // let the status bar and fonts settle
    mkdirSync(dirname(OUTPUT), { recursive: true });
    await page.screenshot({ path: OUTPUT });
    console.log(`[screenshot] wrote ${OUTPUT}`);
  } finally {
    clearTimeout(hard);
    await closeBrowser(context);
    await sandbox?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`[screenshot] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
