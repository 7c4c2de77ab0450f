// Shared by the test runner (codeServerRunner.ts) and the sandbox: start code-server on a free
// loopback port with every writable folder inside one short temporary folder, and open its web
// workbench in headless Debian Chromium through playwright-core. See
// /work/shared/notes/vscode-host-offline.md (the recipe this follows).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import type { Provisioned } from './provision.ts';
import { cleanChildEnv } from '../support/cleanEnv.ts';

/** Flags from the notes: without the networking ones Chromium keeps trying to reach the outside. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider',
];

/** User settings that keep an offline workbench quiet; they do not affect the extension under test. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = Object.freeze({
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
});

/** Writes <userDataDir>/User/settings.json (code-server reads user settings from its user-data dir). */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
}

/** `preferred` when it is free on 127.0.0.1, otherwise any free port. */
export async function preferredPort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(freePort()));
    server.listen(preferred, '127.0.0.1', () => server.close(() => resolve(preferred)));
  });
}

/**
 * A short temporary folder: VS Code's IPC sockets live in TMPDIR and Unix socket paths are
 * limited to ~107 bytes, so this deliberately ignores a long $TMPDIR in favour of /tmp.
 */
export function shortTempDir(prefix: string): string {
  const base = existsSync('/tmp') ? '/tmp' : tmpdir();
  return mkdtempSync(join(base, prefix));
}

export interface Session {
  dir: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The environment for code-server and Chromium: the clean one (test/support/cleanEnv.ts: none of
 * an outer npm's npm_* variables), without a parent VS Code's variables, with HOME, XDG_* and
 * TMPDIR inside `dir` (so nothing is written to the real home or /tmp) and `node` first on PATH.
 */
export function sessionEnv(dir: string, node: string): Session {
  const paths = { HOME: 'h', XDG_CONFIG_HOME: 'c', XDG_DATA_HOME: 'd', XDG_CACHE_HOME: 'k', XDG_STATE_HOME: 's', TMPDIR: 't' };
  const overrides: NodeJS.ProcessEnv = { PATH: [dirname(node), process.env['PATH'] ?? ''].join(delimiter) };
  for (const name of Object.keys(process.env)) {
    // A parent VS Code (integrated terminal, debug session) leaks variables that would make
    // code-server talk to it instead of starting its own server.
    if (name.startsWith('VSCODE_') || name === 'ELECTRON_RUN_AS_NODE') overrides[name] = undefined;
  }
  for (const [name, sub] of Object.entries(paths)) {
    const path = join(dir, sub);
    mkdirSync(path, { recursive: true });
    overrides[name] = path;
  }
  return { dir, env: cleanChildEnv(process.env, overrides) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Kills a detached child's whole process group (code-server, its extension host, watchers). */
export async function killGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pid, 'SIGTERM');
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  // Children of the group may outlive the leader: always finish with SIGKILL.
  signalGroup(pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

export interface CodeServerOptions {
  provisioned: Provisioned;
  session: Session;
  userDataDir: string;
  extensionsDir: string;
  /** Gets code-server's stdout and stderr. */
  logFile: string;
  port?: number;
  /** Extra code-server arguments (e.g. a folder to open). */
  args?: string[];
  /** `--vscode-option enable-smoke-test-driver`, needed for the test payload (default true). */
  testDriver?: boolean;
  readyTimeoutMs?: number;
}

export interface CodeServer {
  port: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const port = options.port ?? (await freePort());
  mkdirSync(options.userDataDir, { recursive: true });
  mkdirSync(options.extensionsDir, { recursive: true });
  mkdirSync(dirname(options.logFile), { recursive: true });
  const config = join(options.session.dir, 'config.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    options.provisioned.codeServerEntry,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--config',
    config,
    '--user-data-dir',
    options.userDataDir,
    '--extensions-dir',
    options.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    // Without it a built workbench silently ignores the test payload.
    ...(options.testDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
    ...(options.args ?? []),
  ];
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.provisioned.node, args, {
      cwd: options.session.dir,
      env: cleanChildEnv(options.session.env), // sessionEnv() is clean already; so is any other
      stdio: ['ignore', log, log],
      detached: true, // its own process group, killed as a whole
    });
  } finally {
    closeSync(log);
  }
  const url = `http://127.0.0.1:${port}`;
  // If this process ends without stop() (a test file killed by its watchdog), take the group along.
  const onExit = (): void => {
    if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  };
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    await killGroup(child);
  };
  try {
    await waitForHealthz(url, child, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url, child, stop };
}

async function waitForHealthz(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited before it was ready (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms (${lastError})`);
}

export interface BrowserOptions {
  chromium: string;
  profileDir: string;
  env: NodeJS.ProcessEnv;
  viewport?: { width: number; height: number };
  /** How long the launch may take (default 60 s). */
  timeoutMs?: number;
}

export async function launchBrowser(options: BrowserOptions): Promise<BrowserContext> {
  mkdirSync(options.profileDir, { recursive: true });
  try {
    return await chromium.launchPersistentContext(options.profileDir, {
      executablePath: options.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      // Normally sessionEnv()'s, already clean; cleaned again for callers that pass their own.
      env: cleanChildEnv(options.env) as Record<string, string>,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      timeout: options.timeoutMs ?? 60_000,
    });
  } catch (error) {
    throw new Error(`Chromium (${options.chromium}) did not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Closes a browser context but never waits more than `ms`. */
export async function closeBrowser(context: BrowserContext | undefined, ms = 10_000): Promise<void> {
  if (context === undefined) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([context.close().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Moves a folder (rename, or copy without sockets and FIFOs across file systems), so logs and
 * state written under a temporary folder end up where the caller can scan them.
 */
export function moveDir(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
    return;
  } catch {
    // different file system
  }
  cpSync(from, to, {
    recursive: true,
    filter: (source) => {
      try {
        const stat = lstatSync(source);
        return !stat.isSocket() && !stat.isFIFO();
      } catch {
        return false;
      }
    },
  });
  rmSync(from, { recursive: true, force: true });
}
