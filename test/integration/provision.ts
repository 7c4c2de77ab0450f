// Provisions what the code-server route of the integration tests needs, idempotently:
//   - Debian `chromium` (the headless browser that opens the web workbench) and `libkrb5-dev`
//     (headers for the `kerberos` native module that code-server's postinstall builds),
//     installed with apt when running as root and missing;
//   - code-server (pinned) installed with npm into a cache folder keyed by the pinned versions,
//     `${XDG_CACHE_HOME:-~/.cache}/feishu-badge/code-server-<version>-node<version>`, built with
//     the project's Node 24 (node_modules/.bin/node) first on PATH and its headers as nodedir.
// A marker file is written only after a verified install, so a half install is redone.
// Usable as a module (`provision()`, `locateProvisioned()`) and as a CLI:
//   node test/integration/provision.ts
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
const LOCK_WAIT_MS = 25 * 60_000;

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
    const result = spawnSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 30_000 });
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
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function debianPackageInstalled(name: string): boolean {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === 'install ok installed';
}

/** Runs a command with a hard timeout; output goes to `logFile` (appended) or is inherited. */
function runBounded(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; logFile?: string },
): Promise<{ code: number | null; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const out = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', out === undefined ? 'inherit' : 'pipe', out === undefined ? 'inherit' : 'pipe'],
      detached: true,
    });
    if (out !== undefined) {
      child.stdout?.pipe(out, { end: false });
      child.stderr?.pipe(out, { end: false });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      out?.end();
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (out === undefined) resolve({ code, timedOut });
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

/**
 * Debian `chromium` and `libkrb5-dev` (and a C++ toolchain), installed with apt when root.
 * Exported for suites that only need Chromium (e.g. the webview tests): `await ensureSystemPackages()`.
 */
export async function ensureSystemPackages(log: Log = (line) => console.log(line)): Promise<void> {
  return ensureDebianPackages(log);
}

async function ensureDebianPackages(log: Log): Promise<void> {
  const started = performance.now();
  if (!hasCommand('dpkg-query') || !hasCommand('apt-get')) {
    // Not Debian: nothing to install with apt; Chromium must be there (or FEISHU_BADGE_CHROMIUM),
    // and the code-server install needs the Kerberos (gssapi) headers and a C++ toolchain.
    if (chromiumPath() === undefined) throw new Error('no Chromium found: install it, or set FEISHU_BADGE_CHROMIUM to its binary');
    log('[provision] not a Debian system: skipping apt (code-server\'s install needs gssapi headers, make, g++ and python3)');
    return;
  }
  const missing: string[] = [];
  for (const name of DEBIAN_PACKAGES) {
    if (name === 'chromium' && chromiumPath() !== undefined) continue;
    if (!debianPackageInstalled(name)) missing.push(name);
  }
  for (const tool of BUILD_TOOLS) {
    if (!hasCommand(tool.command)) missing.push(tool.debianPackage);
  }
  if (missing.length === 0) {
    log(`[provision] system packages present: ${DEBIAN_PACKAGES.join(', ')} (${seconds(performance.now() - started)})`);
    return;
  }
  if (!isRoot()) {
    throw new Error(`missing Debian packages: ${missing.join(', ')}. Install them once with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`[provision] apt-get install ${missing.join(' ')} ...`);
  const logFile = join(cacheRoot(), 'apt.log');
  mkdirSync(cacheRoot(), { recursive: true });
  const update = await runBounded('apt-get', ['update'], { env, timeoutMs: APT_TIMEOUT_MS, logFile });
  if (update.code !== 0) throw new Error(`apt-get update failed (${update.timedOut ? 'timed out' : `exit ${update.code}`}):\n${tail(logFile, 30)}`);
  const install = await runBounded('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, timeoutMs: APT_TIMEOUT_MS, logFile });
  if (install.code !== 0) throw new Error(`apt-get install failed (${install.timedOut ? 'timed out' : `exit ${install.code}`}):\n${tail(logFile, 30)}`);
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
async function ensureNodeHeaders(node: { bin: string; version: string }, log: Log): Promise<string> {
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
    timeoutMs: INSTALL_TIMEOUT_MS,
    logFile,
  });
  if (result.code !== 0 || !headersMatch(nodedir, node.version)) {
    throw new Error(`could not fetch Node headers (${pkg}@${node.version}):\n${tail(logFile, 30)}`);
  }
  log(`[provision] Node headers fetched in ${seconds(performance.now() - started)}`);
  return nodedir;
}

function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  return true;
}

function lockOwnerAlive(lock: string): { owner: number; alive: boolean } {
  let owner = Number.NaN;
  try {
    owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // The owner may be between mkdir and writing its pid; a pid-less lock older than a minute is stale.
    try {
      return { owner, alive: Date.now() - statSync(lock).mtimeMs < 60_000 };
    } catch {
      return { owner, alive: false };
    }
  }
  if (!Number.isInteger(owner) || owner <= 0) return { owner, alive: false };
  try {
    process.kill(owner, 0);
    return { owner, alive: true };
  } catch (error) {
    return { owner, alive: (error as NodeJS.ErrnoException).code === 'EPERM' };
  }
}

/** A cross-process lock (a directory holding the owner's pid); stale locks of dead owners are taken over. */
async function withLock<T>(name: string, log: Log, action: () => Promise<T>): Promise<T> {
  const lock = join(cacheRoot(), `${name}.lock`);
  mkdirSync(cacheRoot(), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  while (!tryLock(lock)) {
    const { owner, alive } = lockOwnerAlive(lock);
    if (!alive) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (held by pid ${owner})`);
    if (!announced) {
      log(`[provision] waiting for another provisioning run (pid ${owner}) ...`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  try {
    return await action();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function installCodeServer(node: { bin: string; version: string }, dir: string, log: Log): Promise<void> {
  const nodedir = await ensureNodeHeaders(node, log);
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
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: [dirname(node.bin), process.env['PATH'] ?? ''].join(delimiter),
    // ~/.npmrc may point nodedir at another Node's headers (e.g. /usr for Node 20); the
    // environment wins over the user config.
    npm_config_nodedir: nodedir,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  const logFile = join(dir, 'install.log');
  const result = await runBounded('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=warn', '--foreground-scripts'], {
    cwd: dir,
    env,
    timeoutMs: INSTALL_TIMEOUT_MS,
    logFile,
  });
  if (result.code !== 0) {
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (${result.timedOut ? `timed out after ${seconds(INSTALL_TIMEOUT_MS)}` : `exit ${result.code}`}); log: ${logFile}\n${tail(logFile, 40)}`);
  }
  const entry = codeServerEntryIn(dir);
  const check = spawnSync(node.bin, [entry, '--version'], { encoding: 'utf8', timeout: 60_000, env: { ...env, HOME: dir } });
  if (check.status !== 0 || !check.stdout.includes(CODE_SERVER_VERSION)) {
    throw new Error(`code-server installed but \`code-server --version\` failed: ${check.stdout}${check.stderr}${check.error?.message ?? ''}`);
  }
  const marker = { codeServer: CODE_SERVER_VERSION, node: node.version, nodedir, installedAt: new Date().toISOString(), seconds: Math.round((performance.now() - started) / 1000) };
  writeFileSync(join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  log(`[provision] code-server ${CODE_SERVER_VERSION} installed in ${seconds(performance.now() - started)}`);
}

/** Makes sure Chromium and code-server are installed; returns where they are. */
export async function provision(log: Log = (line) => console.log(line)): Promise<Provisioned> {
  const started = performance.now();
  const node = projectNode();
  await ensureDebianPackages(log);
  const chromium = chromiumPath();
  if (chromium === undefined) throw new Error('chromium is still missing after provisioning (expected /usr/bin/chromium)');
  const dir = codeServerDir(node.version);
  if (markerOk(dir, node.version)) {
    log(`[provision] code-server ${CODE_SERVER_VERSION} cached in ${dir}`);
  } else {
    await withLock(`code-server-${CODE_SERVER_VERSION}-node${node.version}`, log, async () => {
      // Another run may have finished the install while this one waited for the lock.
      if (!markerOk(dir, node.version)) await installCodeServer(node, dir, log);
    });
  }
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
