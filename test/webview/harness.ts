// Runs the real webview bundle in headless Chromium, in the page the host serves (renderFormHtml:
// the same CSP with a nonce, `media/form.css`, `<div id="app">` and `dist/webview.js`). A stand-in
// `acquireVsCodeApi()` records what the form posts and keeps its state in `window.__state`.
// Every wait is bounded: the browser launch, page loads and selectors (Playwright timeouts), page
// evaluations (`within`), and close(). The harness does not install anything: test/run.ts
// provisions Chromium before the webview suite; here it is only located.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../integration/codeServer.ts';
import { chromiumPath } from '../integration/provision.ts';
import { HOOK_TIMEOUT_MS, within } from '../support/bounded.ts';
import { cleanChildEnv } from '../support/cleanEnv.ts';
import { renderFormHtml } from '../../src/host/form/html.ts';
import type { Browser, Page } from 'playwright-core';
import type { FromHost, FromWebview } from '../../src/shared/protocol.ts';

const root = new URL('../../', import.meta.url);

/** What the harness page adds to `window`. */
export interface HarnessWindow {
  __posted: FromWebview[];
  __state: unknown;
  __csp: string[];
  __xss?: unknown;
  postMessage(message: unknown, targetOrigin: string): void;
}


/** Builds the webview bundle in memory with the production options from esbuild.mjs. */
export async function buildWebview(): Promise<Uint8Array> {
  const { webviewBundle } = (await import(new URL('esbuild.mjs', root).href)) as { webviewBundle: esbuild.BuildOptions };
  const result = await esbuild.build({
    ...webviewBundle,
    absWorkingDir: fileURLToPath(root),
    minify: true,
    sourcemap: false,
    metafile: false,
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles ?? [];
  assert.ok(output !== undefined, 'esbuild produced no output');
  return output.contents;
}

// A minimal set of theme variables, copied from VS Code's Dark+ / Light Modern (the default light
// theme, whose status colours are VS Code's defaults: testing.iconPassed #73c991) / Dark High Contrast
// themes. In VS Code the workbench injects the full set; these exist only in the harness.
const COMMON = `--vscode-font-family: system-ui, "Ubuntu", "Droid Sans", sans-serif; --vscode-font-size: 13px; --vscode-font-weight: normal;
  --vscode-editor-font-family: "Droid Sans Mono", "DejaVu Sans Mono", monospace; --vscode-editor-font-size: 12px;`;
export const THEMES = {
  dark: `${COMMON}
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: rgba(204, 204, 204, 0.7); --vscode-errorForeground: #f48771;
  --vscode-focusBorder: #007fd4; --vscode-sideBar-background: #252526; --vscode-sideBarSectionHeader-border: rgba(204, 204, 204, 0.2);
  --vscode-input-background: #3c3c3c; --vscode-input-foreground: #cccccc; --vscode-input-placeholderForeground: #a6a6a6;
  --vscode-inputValidation-errorBorder: #be1100; --vscode-dropdown-background: #3c3c3c; --vscode-dropdown-foreground: #f0f0f0;
  --vscode-dropdown-border: #3c3c3c; --vscode-button-background: #0e639c; --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #1177bb; --vscode-button-secondaryBackground: #3a3d41; --vscode-button-secondaryForeground: #ffffff;
  --vscode-button-secondaryHoverBackground: #45494e; --vscode-checkbox-background: #3c3c3c; --vscode-checkbox-foreground: #f0f0f0;
  --vscode-checkbox-border: #6b6b6b; --vscode-editorWarning-foreground: #cca700; --vscode-testing-iconPassed: #73c991;
  --vscode-testing-iconFailed: #f14c4c; --vscode-textLink-foreground: #3794ff; --vscode-textLink-activeForeground: #3794ff;
  --vscode-textPreformat-foreground: #d7ba7d; --vscode-textPreformat-background: rgba(255, 255, 255, 0.1);
  --vscode-textCodeBlock-background: rgba(10, 10, 10, 0.4); --vscode-textBlockQuote-background: rgba(127, 127, 127, 0.1);
  --vscode-textBlockQuote-border: rgba(0, 122, 204, 0.5); --vscode-progressBar-background: #0e70c0; --vscode-editor-foreground: #d4d4d4;`,
  light: `${COMMON}
  --vscode-foreground: #3b3b3b; --vscode-descriptionForeground: #3b3b3b; --vscode-errorForeground: #f85149;
  --vscode-focusBorder: #0090f1; --vscode-sideBar-background: #f8f8f8; --vscode-sideBarSectionHeader-border: rgba(97, 97, 97, 0.19);
  --vscode-input-background: #ffffff; --vscode-input-foreground: #616161; --vscode-input-placeholderForeground: #767676;
  --vscode-inputValidation-errorBorder: #be1100; --vscode-dropdown-background: #ffffff; --vscode-dropdown-foreground: #616161;
  --vscode-dropdown-border: #cecece; --vscode-button-background: #007acc; --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #0062a3; --vscode-button-secondaryBackground: #5f6a79; --vscode-button-secondaryForeground: #ffffff;
  --vscode-button-secondaryHoverBackground: #4c5561; --vscode-checkbox-background: #ffffff; --vscode-checkbox-foreground: #616161;
  --vscode-checkbox-border: #919191; --vscode-editorWarning-foreground: #bf8803; --vscode-testing-iconPassed: #73c991;
  --vscode-testing-iconFailed: #f14c4c; --vscode-textLink-foreground: #006ab1; --vscode-textLink-activeForeground: #006ab1;
  --vscode-textPreformat-foreground: #a31515; --vscode-textPreformat-background: rgba(0, 0, 0, 0.1);
  --vscode-textCodeBlock-background: rgba(220, 220, 220, 0.4); --vscode-textBlockQuote-background: rgba(127, 127, 127, 0.1);
  --vscode-textBlockQuote-border: rgba(0, 122, 204, 0.5); --vscode-progressBar-background: #0e70c0; --vscode-editor-foreground: #000000;`,
  'high-contrast': `${COMMON}
  --vscode-foreground: #ffffff; --vscode-descriptionForeground: rgba(255, 255, 255, 0.7); --vscode-errorForeground: #f48771;
  --vscode-focusBorder: #f38518; --vscode-contrastBorder: #6fc3df; --vscode-sideBar-background: #000000;
  --vscode-sideBarSectionHeader-border: #6fc3df; --vscode-input-background: #000000; --vscode-input-foreground: #ffffff;
  --vscode-input-border: #6fc3df; --vscode-input-placeholderForeground: rgba(255, 255, 255, 0.7);
  --vscode-inputValidation-errorBorder: #be1100; --vscode-dropdown-background: #000000; --vscode-dropdown-foreground: #ffffff;
  --vscode-dropdown-border: #6fc3df; --vscode-button-background: #000000; --vscode-button-foreground: #ffffff;
  --vscode-button-border: #6fc3df; --vscode-button-secondaryBackground: #000000; --vscode-button-secondaryForeground: #ffffff;
  --vscode-checkbox-background: #000000; --vscode-checkbox-foreground: #ffffff; --vscode-checkbox-border: #6fc3df;
  --vscode-editorWarning-foreground: #ffd370; --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c;
  --vscode-textLink-foreground: #21a6ff; --vscode-textLink-activeForeground: #21a6ff; --vscode-textPreformat-foreground: #ffffff;
  --vscode-textPreformat-background: #000000; --vscode-textCodeBlock-background: #000000; --vscode-textBlockQuote-background: #000000;
  --vscode-textBlockQuote-border: #ffffff; --vscode-progressBar-background: #6fc3df; --vscode-editor-foreground: #ffffff;`,
} as const;

export type Theme = keyof typeof THEMES;

/** `html` with `from` replaced by `to`; the page must contain `from`, or the addition would be lost silently. */
function replaceIn(html: string, from: string, to: string): string {
  if (!html.includes(from)) throw new Error(`the form page has no ${from}: update what the harness adds to it`);
  return html.replace(from, () => to);
}

/**
 * The page the extension serves (renderFormHtml, the production CSP included), plus what VS Code
 * adds to every webview: a script defining `acquireVsCodeApi` before the page's own, the theme's
 * variables and the theme's class on <body>. The additions come after the CSP's <meta>, so the
 * policy governs them too: the stand-in script needs the page's nonce like any other.
 */
function page(origin: string, nonce: string, theme: Theme, lang: string): string {
  const html = renderFormHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview.js`, styleUri: `${origin}/media/form.css`, lang: lang === 'zh-CN' ? 'zh-CN' : 'en' });
  const added = `<script nonce="${nonce}">
  window.__posted = [];
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  window.acquireVsCodeApi = (() => {
    let acquired = false;
    return () => {
      if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
      acquired = true;
      const clone = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
      return {
        postMessage: (message) => { window.__posted.push(clone(message)); },
        getState: () => clone(window.__state),
        setState: (state) => { window.__state = clone(state); return state; },
      };
    };
  })();
</script>
<link rel="stylesheet" href="${origin}/theme/${theme}.css">
`;
  return replaceIn(replaceIn(html, '</head>', `${added}</head>`), '<body>', `<body class="vscode-${theme}">`);
}

/** Chromium's launch; page loads and selector waits; a page evaluation. */
const LAUNCH_TIMEOUT_MS = 30_000;
const PAGE_TIMEOUT_MS = 15_000;
const EVALUATE_TIMEOUT_MS = 10_000;
/** How long startHarness may take in a hook (node's hook timeout, HOOK_TIMEOUT_MS, is the backstop). */
export const HARNESS_START_MS = 60_000;
/** node:test options for the hooks that start and close a harness. */
export const HARNESS_HOOK = { timeout: HOOK_TIMEOUT_MS } as const;

export interface Harness {
  readonly origin: string;
  readonly bundleBytes: number;
  readonly browser: Browser;
  open(options?: OpenOptions): Promise<FormPage>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Pre-seeded `vscode.getState()` value, as after a reload. */
  state?: unknown;
  theme?: Theme;
  lang?: string;
  width?: number;
}

export interface FormPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  problems(): Promise<string[]>;
  posted(): Promise<FromWebview[]>;
  state(): Promise<unknown>;
  deliver(message: FromHost | Record<string, unknown>): Promise<void>;
  text(selector: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the harness: the bundle, Chromium, a loopback server. Bounded: fails within
 * HARNESS_START_MS with an error naming the step it was waiting for, and leaves nothing running
 * when it fails (a listening server would keep the test file's process alive).
 */
export function startHarness(): Promise<Harness> {
  return within('starting the webview harness', HARNESS_START_MS, (step, signal) => openHarness(step, signal));
}

async function openHarness(step: (current: string) => void, signal: AbortSignal): Promise<Harness> {
  step('building the webview bundle (esbuild)');
  const bundle = await buildWebview();
  const css = await readFile(new URL('media/form.css', root));
  const nonce = randomBytes(16).toString('base64url');
  const executablePath = chromiumPath();
  if (executablePath === undefined) {
    throw new Error(
      'Chromium not found (/usr/bin/chromium, /usr/bin/chromium-browser or FEISHU_BADGE_CHROMIUM). `node test/run.ts webview` (and `npm test`) ' +
        'install it before the suite starts; or run `npm run provision` once.',
    );
  }
  let browser: Browser | undefined;
  let server: Server | undefined;
  const cleanup = async (): Promise<void> => {
    await closeBounded(browser, server);
    browser = undefined;
    server = undefined;
  };
  signal.addEventListener('abort', () => void cleanup(), { once: true });
  try {
    step(`launching Chromium (${executablePath})`);
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: LAUNCH_TIMEOUT_MS, env: cleanChildEnv() as Record<string, string> });
    if (signal.aborted) throw signal.reason;
    step('starting the harness page server');
    let origin = '';
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', origin);
      const send = (type: string, body: string | Uint8Array): void => {
        response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        response.end(body);
      };
      const theme = url.pathname.match(/^\/theme\/([a-z-]+)\.css$/)?.[1];
      if (url.pathname === '/index.html') {
        const wanted = url.searchParams.get('theme') ?? 'dark';
        send('text/html; charset=utf-8', page(origin, nonce, wanted in THEMES ? (wanted as Theme) : 'dark', url.searchParams.get('lang') ?? 'en'));
      } else if (url.pathname === '/dist/webview.js') {
        send('text/javascript; charset=utf-8', bundle);
      } else if (url.pathname === '/media/form.css') {
        send('text/css; charset=utf-8', css);
      } else if (theme !== undefined && theme in THEMES) {
        send('text/css; charset=utf-8', `html { background: var(--vscode-sideBar-background); ${THEMES[theme as Theme]} }`);
      } else {
        response.writeHead(404).end();
      }
    });
    // Never what keeps the test file's process alive: close() closes it, and if a hook failed
    // before close() could run, the process still exits.
    server.unref();
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(0, '127.0.0.1', resolve);
    });
    origin = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    return await harnessOn(browser, listening, origin, bundle.byteLength);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Closes the browser (at most 10 s) and the server, dropping its open keep-alive connections. */
async function closeBounded(browser: Browser | undefined, server: Server | undefined): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (browser !== undefined) {
    await Promise.race([browser.close().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, 10_000)))]);
    clearTimeout(timer);
  }
  if (server !== undefined && server.listening) {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

async function harnessOn(browser: Browser, server: Server, origin: string, bundleBytes: number): Promise<Harness> {
  // One context for all pages (they share nothing: the form's state lives in each page's window).
  const context = await browser.newContext({ viewport: { width: 340, height: 900 } });
  context.setDefaultTimeout(PAGE_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
  const outside: string[] = [];
  // Only 127.0.0.1 traffic: anything else a page asks for is a bug.
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => {
    outside.push(`network: ${route.request().url()}`);
    return route.abort();
  });
  /** page.evaluate has no timeout of its own. */
  const bounded = <T>(what: string, action: () => Promise<T>): Promise<T> => within(`harness page: ${what}`, EVALUATE_TIMEOUT_MS, action);

  return {
    origin,
    bundleBytes,
    browser,
    async open(options = {}) {
      const tab = await context.newPage();
      if (options.width !== undefined) await tab.setViewportSize({ width: options.width, height: 900 });
      const problems: string[] = [];
      tab.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      tab.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      if (options.state !== undefined) {
        await tab.addInitScript((state) => {
          (globalThis as unknown as HarnessWindow).__state = state;
        }, options.state);
      }
      await tab.goto(`${origin}/index.html?theme=${options.theme ?? 'dark'}&lang=${options.lang ?? 'en'}`);
      await tab.waitForSelector('#send');
      return {
        page: tab,
        async problems() {
          const csp = await bounded('reading CSP violations', () => tab.evaluate(() => (globalThis as unknown as HarnessWindow).__csp));
          return [...problems, ...outside, ...csp.map((violation) => `csp: ${violation}`)];
        },
        posted: () => bounded('reading posted messages', () => tab.evaluate(() => (globalThis as unknown as HarnessWindow).__posted)),
        state: () => bounded('reading the saved state', () => tab.evaluate(() => (globalThis as unknown as HarnessWindow).__state)),
        deliver: (message) =>
          bounded(`delivering a ${String((message as { type?: unknown }).type)} message`, () => tab.evaluate(
            (data) =>
              new Promise<void>((resolve) => {
                const win = globalThis as unknown as HarnessWindow & { addEventListener(type: 'message', listener: () => void, options: { once: true }): void };
                // Listeners run in the order they were added: this one runs after the form's.
                win.addEventListener('message', () => resolve(), { once: true });
                win.postMessage(data, '*');
              }),
            message,
          )),
        text: async (selector) => (await tab.locator(selector).textContent()) ?? '',
        close: () => bounded('closing the page', () => tab.close()),
      };
    },
    close: () => closeBounded(browser, server),
  };
}
