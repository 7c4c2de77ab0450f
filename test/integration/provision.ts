// Provisions what the code-server route of the integration tests needs, idempotently:
//   - Debian `chromium` (the headless browser that opens the web workbench) and `libkrb5-dev`
//     (headers for the `kerberos` native module that code-server's postinstall builds),
//     installed with apt when running as root and missing;
//   - code-server (pinned) installed with npm into a cache folder keyed by the pinned versions,
//     `${XDG_CACHE_HOME:-~/.cache}/feishu-badge/code-server-<version>-node<version>`, built with
//     the project's Node 24 (node_modules/.bin/node) first on PATH and its headers as nodedir.
// A marker file is written only after a verified install, so a half install is redone.
// Installing takes one cross-process lock (`<cache>/provision.lock`, the owner's pid inside) for
// apt and for code-server alike, so suite files or runs starting at once install once: whoever
// gets the lock re-checks what is still missing. Waiting for it is bounded
// (FEISHU_BADGE_LOCK_WAIT_MS, default 25 minutes) and fails with a ProvisionLockTimeoutError that
// names the holder and what it was doing. Every child (apt-get, npm, code-server) gets the
// environment without the outer npm's npm_* variables (test/support/cleanEnv.ts).
// Usable as a module (`provision()`, `ensureSystemPackages()`, `locateProvisioned()`) and as a CLI:
//   node test/integration/provision.ts
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardChild } from '../support/bounded.ts';
import { cleanChildEnv } from '../support/cleanEnv.ts';
import { isMainModule } from '../support/isMain.ts';

export const CODE_SERVER_VERSION = '4.139.1';
export const CODE_SERVER_NODE_MAJOR = 24;
const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev'];
const BUILD_TOOLS: Array<{ command: string; debianPackage: string }> = [
  { command: 'make', debianPackage: 'make' },
  { command: 'g++', debianPackage: 'g++' },
  { command: 'python3', debianPackage: 'python3' },
];
const MARKER = '.feishu-badge-provisioned.json';
const INSTALL_TIMEOUT_MS = Number(process.env['FEISHU_BADGE_INSTALL_TIMEOUT_MS'] ?? 20 * 60_000);
const APT_TIMEOUT_MS = 15 * 60_000;
/** apt-get waits this long for another apt/dpkg (outside this project's lock) to finish. */
const DPKG_LOCK_WAIT_S = 300;
const LOCK_WAIT_MS = Number(process.env['FEISHU_BADGE_LOCK_WAIT_MS'] ?? 25 * 60_000);
const LOCK_NAME = 'provision';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Provisioned {
  /** Node binary to run code-server with (the project's Node 24). */
  node: string;
  nodeVersion: string;
  codeServerDir: string;
  /** code-server's CLI entry, run as `node <entry>`. */
  codeServerEntry: string;
  chromium: string;
}

type Log = (line: string) => void;

export interface ProvisionOptions {
  /** Aborting stops a running install (its process group is killed) or the wait for the lock. */
  signal?: AbortSignal;
}

/** The provisioning lock was held by another live process for longer than the wait allows. */
export class ProvisionLockTimeoutError extends Error {
  override name = 'ProvisionLockTimeoutError';
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export function cacheRoot(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'feishu-badge');
}

/** The project's Node (the `node` devDependency), which code-server 4.139 requires (Node 24). */
export function projectNode(): { bin: string; version: string } {
  const candidates = [join(repoRoot, 'node_modules', 'node', 'bin', 'node'), join(repoRoot, 'node_modules', '.bin', 'node')];
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) {
    throw new Error(`the project's Node is missing (${candidates[1]}); run \`npm ci\` first`);
  }
  const bin = realpathSync(found);
  let version: string;
  if (realpathSync(process.execPath) === bin) {
    version = process.versions.node;
  } else {
    const result = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 30_000, env: cleanChildEnv() });
    version = result.stdout.trim();
    if (result.status !== 0 || !/^\d+\.\d+\.\d+$/.test(version)) {
      throw new Error(`cannot run ${bin}: ${result.stderr || result.error?.message || `exit ${result.status}`}`);
    }
  }
  if (Number(version.split('.')[0]) !== CODE_SERVER_NODE_MAJOR) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node ${CODE_SERVER_NODE_MAJOR}; the project's Node is ${version}`);
  }
  return { bin, version };
}

export function codeServerDir(nodeVersion: string): string {
  return join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}-node${nodeVersion}`);
}

function codeServerEntryIn(dir: string): string {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

export function chromiumPath(): string | undefined {
  const candidates = [process.env['FEISHU_BADGE_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((file): file is string => typeof file === 'string' && file.length > 0 && existsSync(file));
}

function markerOk(dir: string, nodeVersion: string): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as Record<string, unknown>;
    return marker['codeServer'] === CODE_SERVER_VERSION && marker['node'] === nodeVersion && existsSync(codeServerEntryIn(dir));
  } catch {
    return false;
  }
}

/** What is already provisioned, without installing anything; undefined when something is missing. */
export function locateProvisioned(): Provisioned | undefined {
  const node = projectNode();
  const dir = codeServerDir(node.version);
  const chromium = chromiumPath();
  if (!markerOk(dir, node.version) || chromium === undefined) return undefined;
  return { node: node.bin, nodeVersion: node.version, codeServerDir: dir, codeServerEntry: codeServerEntryIn(dir), chromium };
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore', env: cleanChildEnv(), timeout: 30_000 }).status === 0;
}

function debianPackageInstalled(name: string): boolean {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', env: cleanChildEnv(), timeout: 30_000 });
  return result.status === 0 && result.stdout.trim() === 'install ok installed';
}

/**
 * Runs a command in its own process group with a hard timeout (and `signal`), killing the whole
 * group when either fires; output goes to `logFile` (appended) or is inherited. The environment
 * is `options.env` or the clean one (no inherited npm_* variables).
 */
function runBounded(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; logFile?: string; signal?: AbortSignal },
): Promise<{ code: number | null; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted === true) {
      reject(options.signal.reason);
      return;
    }
    const out = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? cleanChildEnv(),
      stdio: ['ignore', out === undefined ? 'inherit' : 'pipe', out === undefined ? 'inherit' : 'pipe'],
      detached: true,
    });
    if (out !== undefined) {
      child.stdout?.pipe(out, { end: false });
      child.stderr?.pipe(out, { end: false });
    }
    const guard = guardChild(child, options.timeoutMs, options.signal);
    child.once('error', (error) => {
      guard.done();
      out?.end();
      reject(error);
    });
    child.once('close', (code) => {
      guard.done();
      const timedOut = guard.timedOut();
      if (options.signal?.aborted === true) {
        out?.end();
        reject(options.signal.reason);
      } else if (out === undefined) resolve({ code, timedOut });
      else out.end(() => resolve({ code, timedOut }));
    });
  });
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** What apt still has to install (Debian only); `undefined` when this is not a Debian system. */
function missingDebianPackages(): string[] | undefined {
  if (!hasCommand('dpkg-query') || !hasCommand('apt-get')) return undefined;
  const missing: string[] = [];
  for (const name of DEBIAN_PACKAGES) {
    if (name === 'chromium' && chromiumPath() !== undefined) continue;
    if (!debianPackageInstalled(name)) missing.push(name);
  }
  for (const tool of BUILD_TOOLS) {
    if (!hasCommand(tool.command)) missing.push(tool.debianPackage);
  }
  return missing;
}

/**
 * Debian `chromium` and `libkrb5-dev` (and a C++ toolchain), installed with apt when root, under
 * the provisioning lock (re-checked once the lock is held: another process may have installed
 * them meanwhile). Exported for suites that only need Chromium (test/run.ts calls it before the
 * webview suite): `await ensureSystemPackages()`.
 */
export async function ensureSystemPackages(log: Log = (line) => console.log(line), options: ProvisionOptions = {}): Promise<void> {
  const started = performance.now();
  const missing = missingDebianPackages();
  if (missing === undefined) {
    // Not Debian: nothing to install with apt; Chromium must be there (or FEISHU_BADGE_CHROMIUM),
    // and the code-server install needs the Kerberos (gssapi) headers and a C++ toolchain.
    if (chromiumPath() === undefined) throw new Error('no Chromium found: install it, or set FEISHU_BADGE_CHROMIUM to its binary');
    log("[provision] not a Debian system: skipping apt (code-server's install needs gssapi headers, make, g++ and python3)");
    return;
  }
  if (missing.length === 0) {
    log(`[provision] system packages present: ${DEBIAN_PACKAGES.join(', ')} (${seconds(performance.now() - started)})`);
    return;
  }
  if (!isRoot()) throw notRootError(missing);
  await withLock(`apt-get install ${missing.join(' ')}`, log, options.signal, () => installDebianPackages(log, options.signal));
}

function notRootError(missing: string[]): Error {
  return new Error(`missing Debian packages: ${missing.join(', ')}. Install them once with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
}

/** Installs what is missing now; call with the provisioning lock held. */
async function installDebianPackages(log: Log, signal: AbortSignal | undefined): Promise<void> {
  const started = performance.now();
  const missing = missingDebianPackages() ?? [];
  if (missing.length === 0) {
    log(`[provision] system packages present (installed by another run meanwhile): ${DEBIAN_PACKAGES.join(', ')}`);
    return;
  }
  if (!isRoot()) throw notRootError(missing);
  const env = cleanChildEnv(process.env, { DEBIAN_FRONTEND: 'noninteractive' });
  log(`[provision] apt-get install ${missing.join(' ')} ...`);
  const logFile = join(cacheRoot(), 'apt.log');
  mkdirSync(cacheRoot(), { recursive: true });
  // Another apt/dpkg on the machine (outside this project's lock): wait for it, bounded.
  const dpkgLock = ['-o', `DPkg::Lock::Timeout=${DPKG_LOCK_WAIT_S}`];
  const update = await runBounded('apt-get', [...dpkgLock, 'update'], { env, timeoutMs: APT_TIMEOUT_MS, logFile, signal });
  if (update.code !== 0) throw new Error(`apt-get update failed (${update.timedOut ? `timed out after ${seconds(APT_TIMEOUT_MS)}` : `exit ${update.code}`}):\n${tail(logFile, 30)}`);
  const install = await runBounded('apt-get', [...dpkgLock, 'install', '-y', '--no-install-recommends', ...missing], { env, timeoutMs: APT_TIMEOUT_MS, logFile, signal });
  if (install.code !== 0) throw new Error(`apt-get install failed (${install.timedOut ? `timed out after ${seconds(APT_TIMEOUT_MS)}` : `exit ${install.code}`}):\n${tail(logFile, 30)}`);
  log(`[provision] apt-get installed ${missing.join(', ')} in ${seconds(performance.now() - started)}`);
}

function headersMatch(dir: string, version: string): boolean {
  try {
    const header = readFileSync(join(dir, 'include', 'node', 'node_version.h'), 'utf8');
    const part = (name: string): string | undefined => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(header)?.[1];
    return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}` === version;
  } catch {
    return false;
  }
}

/**
 * A nodedir (a folder with include/node) for the project's Node. `npm ci` normally leaves it in
 * node_modules/node/node_modules/node-<platform>-<arch>; some install histories drop it, so
 * fall back to fetching that same npm package into the cache.
 */
async function ensureNodeHeaders(node: { bin: string; version: string }, log: Log, signal: AbortSignal | undefined): Promise<string> {
  const pkg = `node-${process.platform}-${process.arch}`;
  const candidates = [
    join(repoRoot, 'node_modules', 'node', 'node_modules', pkg),
    join(repoRoot, 'node_modules', pkg),
    dirname(dirname(node.bin)),
  ];
  const found = candidates.find((dir) => headersMatch(dir, node.version));
  if (found !== undefined) return found;
  const dir = join(cacheRoot(), `node-headers-${node.version}`);
  const nodedir = join(dir, 'node_modules', pkg);
  if (headersMatch(nodedir, node.version)) return nodedir;
  const started = performance.now();
  log(`[provision] Node ${node.version} headers not in node_modules; fetching ${pkg}@${node.version} from npm ...`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'feishu-badge-node-headers', private: true }, null, 2)}\n`);
  const logFile = join(dir, 'install.log');
  const result = await runBounded('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${pkg}@${node.version}`], {
    cwd: dir,
    env: cleanChildEnv(process.env, { PATH: [dirname(node.bin), process.env['PATH'] ?? ''].join(delimiter) }),
    timeoutMs: INSTALL_TIMEOUT_MS,
    logFile,
    signal,
  });
  if (result.code !== 0 || !headersMatch(nodedir, node.version)) {
    throw new Error(`could not fetch Node headers (${pkg}@${node.version}):\n${tail(logFile, 30)}`);
  }
  log(`[provision] Node headers fetched in ${seconds(performance.now() - started)}`);
  return nodedir;
}

function tryLock(lock: string, what: string): boolean {
  try {
    mkdirSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  writeFileSync(join(lock, 'what'), what);
  writeFileSync(join(lock, 'pid'), String(process.pid));
  return true;
}

function lockOwner(lock: string): { owner: number; alive: boolean; what: string } {
  let what = 'unknown';
  try {
    what = readFileSync(join(lock, 'what'), 'utf8');
  } catch {
    // not written yet, or an older lock
  }
  let owner = Number.NaN;
  try {
    owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // The owner may be between mkdir and writing its pid; a pid-less lock older than a minute is stale.
    try {
      return { owner, what, alive: Date.now() - statSync(lock).mtimeMs < 60_000 };
    } catch {
      return { owner, what, alive: false };
    }
  }
  if (!Number.isInteger(owner) || owner <= 0) return { owner, what, alive: false };
  try {
    process.kill(owner, 0);
    return { owner, what, alive: true };
  } catch (error) {
    return { owner, what, alive: (error as NodeJS.ErrnoException).code === 'EPERM' };
  }
}

/**
 * The one cross-process provisioning lock (a directory holding the owner's pid and what it is
 * doing); a stale lock of a dead owner is taken over. Waiting is bounded by `waitMs`, then a
 * ProvisionLockTimeoutError names the holder. Not re-entrant: callers take it once.
 */
export async function withLock<T>(what: string, log: Log, signal: AbortSignal | undefined, action: () => Promise<T>, waitMs = LOCK_WAIT_MS): Promise<T> {
  const lock = join(cacheRoot(), `${LOCK_NAME}.lock`);
  mkdirSync(cacheRoot(), { recursive: true });
  const started = Date.now();
  let announced = false;
  while (!tryLock(lock, what)) {
    if (signal?.aborted === true) throw signal.reason;
    const { owner, alive, what: doing } = lockOwner(lock);
    if (!alive) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() - started > waitMs) {
      throw new ProvisionLockTimeoutError(
        `waited ${seconds(Date.now() - started)} for the provisioning lock ${lock} to do "${what}"; it is still held by pid ${owner} (${doing}). ` +
          'If that process is not provisioning, remove the folder; FEISHU_BADGE_LOCK_WAIT_MS sets the wait.',
      );
    }
    if (!announced) {
      log(`[provision] waiting for another provisioning run (pid ${owner}: ${doing}) ...`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(50, waitMs / 10))));
  }
  try {
    return await action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The environment for `npm install code-server`: the clean one (none of the outer npm's npm_*
 * variables: code-server's postinstall reads the Node version from npm_config_user_agent) with
 * the project's Node first on PATH and its headers as nodedir.
 */
export function codeServerInstallEnv(nodeBin: string, nodedir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return cleanChildEnv(base, {
    PATH: [dirname(nodeBin), base['PATH'] ?? ''].join(delimiter),
    // ~/.npmrc may point nodedir at another Node's headers (e.g. /usr for Node 20); the
    // environment wins over the user config.
    npm_config_nodedir: nodedir,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  });
}

async function installCodeServer(node: { bin: string; version: string }, dir: string, log: Log, signal: AbortSignal | undefined): Promise<void> {
  const nodedir = await ensureNodeHeaders(node, log, signal);
  const started = performance.now();
  log(`[provision] installing code-server ${CODE_SERVER_VERSION} with Node ${node.version} into ${dir} (about 2-3 minutes on 2 cores) ...`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'feishu-badge-code-server',
    private: true,
    description: 'Cache of code-server for the Feishu Badge integration tests (see test/integration/provision.ts).',
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    // code-server's postinstall installs and builds VS Code's server dependencies.
    allowScripts: { 'code-server': true },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const env = codeServerInstallEnv(node.bin, nodedir);
  const logFile = join(dir, 'install.log');
  const result = await runBounded('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=warn', '--foreground-scripts'], {
    cwd: dir,
    env,
    timeoutMs: INSTALL_TIMEOUT_MS,
    logFile,
    signal,
  });
  if (result.code !== 0) {
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (${result.timedOut ? `timed out after ${seconds(INSTALL_TIMEOUT_MS)}` : `exit ${result.code}`}); log: ${logFile}\n${tail(logFile, 40)}`);
  }
  const entry = codeServerEntryIn(dir);
  const check = spawnSync(node.bin, [entry, '--version'], { encoding: 'utf8', timeout: 60_000, env: cleanChildEnv(env, { HOME: dir }) });
  if (check.status !== 0 || !check.stdout.includes(CODE_SERVER_VERSION)) {
    throw new Error(`code-server installed but \`code-server --version\` failed: ${check.stdout}${check.stderr}${check.error?.message ?? ''}`);
  }
  const marker = { codeServer: CODE_SERVER_VERSION, node: node.version, nodedir, installedAt: new Date().toISOString(), seconds: Math.round((performance.now() - started) / 1000) };
  writeFileSync(join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  log(`[provision] code-server ${CODE_SERVER_VERSION} installed in ${seconds(performance.now() - started)}`);
}

/**
 * Makes sure Chromium and code-server are installed; returns where they are. What is missing is
 * installed under the one provisioning lock, re-checked once the lock is held.
 */
export async function provision(log: Log = (line) => console.log(line), options: ProvisionOptions = {}): Promise<Provisioned> {
  const started = performance.now();
  const node = projectNode();
  const dir = codeServerDir(node.version);
  const missingApt = missingDebianPackages();
  const needsApt = missingApt !== undefined && missingApt.length > 0;
  if (missingApt === undefined) await ensureSystemPackages(log, options); // not Debian: checks Chromium
  if (needsApt && !isRoot()) throw notRootError(missingApt);
  if (needsApt || !markerOk(dir, node.version)) {
    const what = [needsApt ? `apt-get install ${missingApt.join(' ')}` : '', markerOk(dir, node.version) ? '' : `npm install code-server@${CODE_SERVER_VERSION}`].filter(Boolean).join(', ');
    await withLock(what, log, options.signal, async () => {
      // Another run may have installed either while this one waited for the lock.
      if (needsApt) await installDebianPackages(log, options.signal);
      if (markerOk(dir, node.version)) log(`[provision] code-server ${CODE_SERVER_VERSION} cached in ${dir}`);
      else await installCodeServer(node, dir, log, options.signal);
    });
  } else {
    log(`[provision] system packages present: ${DEBIAN_PACKAGES.join(', ')}; code-server ${CODE_SERVER_VERSION} cached in ${dir}`);
  }
  const chromium = chromiumPath();
  if (chromium === undefined) throw new Error('chromium is still missing after provisioning (expected /usr/bin/chromium, or set FEISHU_BADGE_CHROMIUM)');
  log(`[provision] ready in ${seconds(performance.now() - started)}`);
  return { node: node.bin, nodeVersion: node.version, codeServerDir: dir, codeServerEntry: codeServerEntryIn(dir), chromium };
}

if (isMainModule(import.meta.url)) {
  provision().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(`[provision] failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
