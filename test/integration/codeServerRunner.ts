#!/usr/bin/env node
// A stand-in for the `code` executable that @vscode/test-electron launches: handed to
// `runTests({ vscodeExecutablePath })`, it runs the extension tests in code-server's real
// (remote) extension host, with the web workbench opened by headless Chromium.
//
// Accepts what test-electron passes to `code`: --extensionDevelopmentPath=…,
// --extensionTestsPath=…, --user-data-dir=…, --extensions-dir=…, a folder (or a
// .code-workspace file); desktop-only flags (--no-sandbox, --disable-extensions, …) are ignored.
// Exits with the code the extension host reports (the suite's), 1 on any failure to start,
// 124 on the hard timeout (FEISHU_BADGE_TEST_TIMEOUT_MS, default 15 minutes).
//
// Everything the run writes stays under the user-data dir so the caller can scan it for leaked
// secrets afterwards: code-server's logs and the forwarded extension host console in
// <user-data-dir>/runner/logs, Chromium's profile in <user-data-dir>/runner/chromium, and the
// short-lived HOME/XDG_*/TMPDIR folder is moved to <user-data-dir>/runner/session at the end.
// Needs Node 24 as `node` on PATH (npm scripts put node_modules/.bin first).
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { inspect } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { closeBrowser, launchBrowser, moveDir, sessionEnv, shortTempDir, startCodeServer } from './codeServer.ts';
import type { CodeServer } from './codeServer.ts';
import { locateProvisioned, provision } from './provision.ts';

const HARD_TIMEOUT_MS = Number(process.env['FEISHU_BADGE_TEST_TIMEOUT_MS'] ?? 15 * 60_000);

/**
 * Extension host console lines that are expected offline or irrelevant to the tests. They still
 * go to <user-data-dir>/runner/logs/extension-host.log; only stdout is spared.
 */
const NOISE: RegExp[] = [
  // Workbench start-up chatter (the smoke-test driver forwards the workbench's log too).
  /^(Resolving|Resolved) connection token|^Creating a socket|\[reconnection-grace-time\]|^Updating additional builtin extensions cache/,
  /^\[Service Worker\]|^\[AgentHost|^\[AccountPolicyGate\]/,
  /ENOTFOUND|EAI_AGAIN|getaddrinfo|net::ERR_/i,
  /marketplace|gallery|open-vsx|update\.code\.visualstudio|vscode-unpkg|vscode-cdn|main\.vscode-cdn/i,
  /\b(chat|copilot|languageModel|mcp)\b/i,
  /authentication provider '(github|microsoft)'/i,
  /Extension Host.*(started|Debugger)|Debugger listening|For help, see: https:\/\/nodejs\.org/i,
  /\[(Extension Host|EH)\]\s*$/,
  /ExperimentalWarning|DeprecationWarning|--trace-deprecation|--trace-warnings/,
  /punycode/,
];

export interface RunnerArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath?: string;
  userDataDir?: string;
  extensionsDir?: string;
  folder?: string;
  /** `--locale`: the display language, as for desktop VS Code. */
  locale?: string;
  ignored: string[];
}

export function parseRunnerArgs(argv: string[]): RunnerArgs {
  const parsed: RunnerArgs = { extensionDevelopmentPaths: [], ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      if (parsed.folder === undefined) parsed.folder = resolve(arg);
      else parsed.ignored.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const takesValue = ['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'locale'].includes(name);
    let value: string | undefined;
    if (takesValue) {
      value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value.length === 0) throw new Error(`${arg} needs a value`);
      if (name !== 'locale') value = resolve(value);
    }
    switch (name) {
      case 'extensionDevelopmentPath':
        parsed.extensionDevelopmentPaths.push(value as string);
        break;
      case 'extensionTestsPath':
        parsed.extensionTestsPath = value;
        break;
      case 'user-data-dir':
        parsed.userDataDir = value;
        break;
      case 'extensions-dir':
        parsed.extensionsDir = value;
        break;
      case 'locale':
        parsed.locale = value;
        break;
      default:
        parsed.ignored.push(arg);
    }
  }
  return parsed;
}

function formatArgs(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return list.map((item) => (typeof item === 'string' ? item : inspect(item, { depth: 4, breakLength: Infinity }))).join(' ');
}

async function main(): Promise<number> {
  const args = parseRunnerArgs(process.argv.slice(2));
  if (args.extensionTestsPath === undefined || args.extensionDevelopmentPaths.length === 0) {
    console.error('usage: codeServerRunner.ts --extensionDevelopmentPath=<dir> --extensionTestsPath=<file> [--user-data-dir=<dir>] [--extensions-dir=<dir>] [folder]');
    return 2;
  }
  for (const path of [args.extensionTestsPath, ...args.extensionDevelopmentPaths, args.folder]) {
    if (path !== undefined && !isAbsolute(path)) throw new Error(`not absolute: ${path}`);
  }

  const provisioned = locateProvisioned() ?? (await provision((line) => console.error(line)));
  const session = sessionEnv(shortTempDir('fbcs-'), provisioned.node);
  const userDataDir = args.userDataDir ?? join(session.dir, 'user-data');
  const extensionsDir = args.extensionsDir ?? join(session.dir, 'extensions');
  const runnerDir = join(userDataDir, 'runner');
  const logsDir = join(runnerDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const hostLog = join(logsDir, 'extension-host.log');
  const browserLog = join(logsDir, 'browser.log');
  const serverLog = join(logsDir, 'code-server.log');
  const note = (line: string): void => appendFileSync(browserLog, `${new Date().toISOString()} ${line}\n`);
  note(`[runner] Node ${process.version} (${process.execPath}); code-server runs on ${provisioned.node}`);
  if (args.ignored.length > 0) note(`[runner] ignored arguments: ${args.ignored.join(' ')}`);

  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let hardTimer: ReturnType<typeof setTimeout> | undefined;
  const started = performance.now();
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => (cleaning ??= finish());
  const finish = async (): Promise<void> => {
    clearTimeout(hardTimer);
    await closeBrowser(context);
    context = undefined;
    await server?.stop();
    server = undefined;
    if (args.userDataDir !== undefined) {
      // The caller owns the user-data dir (and scans it): hand the session over too.
      moveDir(session.dir, join(runnerDir, 'session'));
    } else if (process.env['KEEP_TEST_RUN'] === '1') {
      console.error(`[runner] kept ${session.dir}`);
    } else {
      rmSync(session.dir, { recursive: true, force: true });
    }
  };

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    console.error(`[runner] ${signal}: stopping code-server and Chromium`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    server = await startCodeServer({ provisioned, session, userDataDir, extensionsDir, logFile: serverLog, ...(args.locale === undefined ? {} : { args: ['--locale', args.locale] }) });
    const { port, url } = server;
    console.log(`[runner] code-server on ${url} (user data: ${userDataDir})`);

    const exitCode = new Promise<number>((resolveExit, rejectExit) => {
      hardTimer = setTimeout(() => rejectExit(Object.assign(new Error(`hard timeout: no result after ${HARD_TIMEOUT_MS} ms`), { exitCode: 124 })), HARD_TIMEOUT_MS);
      const run = async (): Promise<void> => {
        context = await launchBrowser({ chromium: provisioned.chromium, profileDir: join(runnerDir, 'chromium'), env: session.env });
        const page = context.pages()[0] ?? (await context.newPage());
        await page.exposeFunction('codeAutomationLog', (type: string, logArgs: unknown) => {
          const line = formatArgs(logArgs);
          appendFileSync(hostLog, `${type}: ${line}\n`);
          if (NOISE.some((pattern) => pattern.test(line))) return;
          for (const part of line.split('\n')) {
            if (part.trim().length > 0) console.log(`  [host] ${part}`);
          }
        });
        await page.exposeFunction('codeAutomationExit', (code: number) => {
          note(`[runner] codeAutomationExit(${code})`);
          resolveExit(typeof code === 'number' ? code : 1);
        });
        page.on('console', (message) => note(`[page ${message.type()}] ${message.text()}`));
        page.on('pageerror', (error) => note(`[page error] ${error.stack ?? error.message}`));
        page.on('crash', () => rejectExit(new Error('the workbench page crashed')));
        page.on('close', () => rejectExit(new Error('the workbench page closed before the tests finished')));
        const remote = (path: string): string => `vscode-remote://127.0.0.1:${port}${path}`;
        const payload: Array<[string, string]> = [
          ...args.extensionDevelopmentPaths.map((path): [string, string] => ['extensionDevelopmentPath', remote(path)]),
          ['extensionTestsPath', remote(args.extensionTestsPath as string)],
          ['skipWelcome', 'true'],
        ];
        const query = new URLSearchParams();
        if (args.folder !== undefined) query.set(args.folder.endsWith('.code-workspace') ? 'workspace' : 'folder', args.folder);
        query.set('payload', JSON.stringify(payload));
        await page.goto(`${url}/?${query.toString()}`, { timeout: 60_000 });
        note('[runner] workbench loaded, waiting for the extension host to finish the tests');
      };
      run().catch(rejectExit);
    });
    const code = await exitCode;
    console.log(`[runner] extension host finished with code ${code} after ${((performance.now() - started) / 1000).toFixed(1)}s`);
    return code;
  } catch (error) {
    console.error(`[runner] ${error instanceof Error ? error.message : String(error)}`);
    for (const [name, file] of [['code-server', serverLog], ['browser', browserLog]] as const) {
      try {
        const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-15);
        console.error(`[runner] last lines of ${name} log (${file}):\n${lines.join('\n')}`);
      } catch {
        // no log yet
      }
    }
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    return typeof exitCode === 'number' ? exitCode : 1;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[runner] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
