// Runs the integration suites (test/integration/suite) in a real VS Code extension host through
// @vscode/test-electron's `runTests`. Two routes, one entry:
//   - electron: test-electron downloads desktop VS Code (needs internet, and a display on Linux);
//   - code-server: `runTests` is handed codeServerRunner.ts as the `code` executable, which runs
//     the same suite in code-server's remote extension host opened by headless Chromium.
// FEISHU_BADGE_TEST_HOST=electron|code-server forces a route; otherwise the download is tried
// (bounded by FEISHU_BADGE_DOWNLOAD_TIMEOUT_MS, default 60 s) and code-server is the fallback,
// also on Linux without a DISPLAY (desktop VS Code cannot start there without xvfb-run).
// After the run one more test is counted: no App Secret or token the suite used (the results
// file lists them) appears in any file under the run's user-data, extensions and workspace
// folders. KEEP_TEST_RUN=1 keeps the run folder for inspection.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import { downloadAndUnzipVSCode, runTests, TestRunFailedError } from '@vscode/test-electron';
import type { ProgressReporter } from '@vscode/test-electron';
import { QUIET_SETTINGS, shortTempDir, writeUserSettings } from './codeServer.ts';
import { provision, repoRoot } from './provision.ts';
import { cleanChildEnv, isInheritedNpmVariable } from '../support/cleanEnv.ts';

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs?: number;
  error?: string;
}

interface SuiteResults extends Counts {
  tests: TestRecord[];
  secrets: string[];
}

type Host = { kind: 'electron'; executable: string; reason: string } | { kind: 'code-server'; reason: string };

const SUITE_DIR = join(repoRoot, 'test', 'integration', 'suite');
const SUITE_ENTRY = join(SUITE_DIR, 'index.ts');
const SUITE_BUNDLE = join(repoRoot, 'out', 'integration', 'suite.js');
const RUNNER = join(repoRoot, 'test', 'integration', 'codeServerRunner.ts');
const VSCODE_CACHE = join(repoRoot, '.cache', 'vscode-test');
const DOWNLOAD_TIMEOUT_MS = Number(process.env['FEISHU_BADGE_DOWNLOAD_TIMEOUT_MS'] ?? 60_000);

const log = (line: string): void => console.log(`[integration] ${line}`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Desktop VS Code through test-electron's download (cached in .cache/vscode-test), bounded in time. */
async function downloadDesktop(): Promise<string> {
  const silent: ProgressReporter = { report: () => undefined, error: () => undefined };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no VS Code download within ${DOWNLOAD_TIMEOUT_MS} ms`)), DOWNLOAD_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({ cachePath: VSCODE_CACHE, extensionDevelopmentPath: repoRoot, reporter: silent, timeout: Math.min(15_000, DOWNLOAD_TIMEOUT_MS) }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function chooseHost(): Promise<Host> {
  const forced = process.env['FEISHU_BADGE_TEST_HOST'];
  if (forced === 'code-server') return { kind: 'code-server', reason: 'FEISHU_BADGE_TEST_HOST=code-server' };
  if (forced === 'electron') return { kind: 'electron', executable: await downloadDesktop(), reason: 'FEISHU_BADGE_TEST_HOST=electron' };
  if (forced !== undefined && forced.length > 0) throw new Error(`FEISHU_BADGE_TEST_HOST must be electron or code-server, got "${forced}"`);
  try {
    const executable = await downloadDesktop();
    if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
      // Desktop VS Code cannot start without a display; xvfb-run provides one.
      return { kind: 'code-server', reason: 'desktop VS Code downloaded, but there is no DISPLAY (use xvfb-run with FEISHU_BADGE_TEST_HOST=electron to force it)' };
    }
    return { kind: 'electron', executable, reason: 'desktop VS Code is available' };
  } catch (error) {
    return { kind: 'code-server', reason: `desktop VS Code download failed: ${messageOf(error)}` };
  }
}

/**
 * Base names of the suite's test files (top level of test/integration/suite), optionally narrowed
 * with FEISHU_BADGE_INTEGRATION_FILES=name[,name] (e.g. `activation`) for a quick local run.
 */
function suiteTestFiles(): string[] {
  const all = readdirSync(SUITE_DIR)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => file.slice(0, -'.test.ts'.length))
    .sort();
  const only = process.env['FEISHU_BADGE_INTEGRATION_FILES'];
  if (only === undefined || only.trim().length === 0) return all;
  const wanted = only.split(',').map((name) => name.trim().replace(/\.test\.ts$/, ''));
  const unknown = wanted.filter((name) => !all.includes(name));
  if (unknown.length > 0) throw new Error(`FEISHU_BADGE_INTEGRATION_FILES names unknown test files: ${unknown.join(', ')} (have: ${all.join(', ')})`);
  return all.filter((name) => wanted.includes(name));
}

async function buildBundles(): Promise<string[]> {
  const extension = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: cleanChildEnv() });
  if (extension.status !== 0) {
    throw new Error(`extension build (node esbuild.mjs) failed:\n${extension.stdout}${extension.stderr}${extension.error?.message ?? ''}`);
  }
  const files = suiteTestFiles();
  if (files.length === 0) throw new Error(`no *.test.ts files in ${relative(repoRoot, SUITE_DIR)}`);
  const result = await esbuild.build({
    entryPoints: [SUITE_ENTRY],
    outfile: SUITE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
    // The support modules use import.meta.url (CLI detection); give them the bundle's own URL.
    banner: { js: 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    define: { 'import.meta.url': '__importMetaUrl', FEISHU_BADGE_TEST_FILES: JSON.stringify(files) },
  });
  const bundled = new Set(Object.keys(result.metafile.inputs).map((input) => join(repoRoot, input)));
  const missing = files.map((name) => join(SUITE_DIR, `${name}.test.ts`)).filter((file) => !bundled.has(file));
  if (missing.length > 0) throw new Error(`test files missing from the suite bundle: ${missing.map((file) => relative(repoRoot, file)).join(', ')}`);
  return files;
}

function listFiles(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, out);
    else if (entry.isFile()) out.push(path); // symlinks, sockets and FIFOs are not followed
  }
  return out;
}

/** Files (relative to `base`) containing any of the secrets, raw UTF-8 or UTF-16LE. Never returns a secret. */
export function findLeaks(dirs: string[], secrets: string[], base: string): { files: number; leaks: string[] } {
  const needles = secrets.flatMap((secret, index) => [
    { index, bytes: Buffer.from(secret, 'utf8') },
    { index, bytes: Buffer.from(secret, 'utf16le') },
  ]);
  const leaks: string[] = [];
  let files = 0;
  for (const dir of dirs) {
    for (const file of listFiles(dir)) {
      files++;
      let content: Buffer;
      try {
        content = readFileSync(file);
      } catch {
        continue;
      }
      const hits = new Set<number>();
      for (const needle of needles) if (content.includes(needle.bytes)) hits.add(needle.index + 1);
      if (hits.size > 0) leaks.push(`${relative(base, file)} (value #${[...hits].join(', #')})`);
    }
  }
  return { files, leaks };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

export async function runIntegration(): Promise<Counts> {
  const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
  const fail = (title: string, reason: string): void => {
    counts.failed++;
    console.log(`✖ ${title}\n${indent(reason)}`);
  };
  const started = performance.now();
  let host: Host;
  try {
    host = await chooseHost();
  } catch (error) {
    fail('extension host started', `no VS Code to run: ${messageOf(error)}`);
    return counts;
  }
  log(`host: ${host.kind} (${host.reason})`);

  const runDir = shortTempDir('fbit-');
  const userDataDir = join(runDir, 'ud');
  const extensionsDir = join(runDir, 'ext');
  const workspace = join(runDir, 'ws');
  const resultsFile = join(runDir, 'results.json');
  try {
    try {
      if (host.kind === 'code-server') await provision((line) => log(line));
      const buildStarted = performance.now();
      const files = await buildBundles();
      log(`built the extension and ${relative(repoRoot, SUITE_BUNDLE)} (${files.join(', ')}) in ${seconds(performance.now() - buildStarted)}`);
    } catch (error) {
      fail('extension host started', messageOf(error));
      return counts;
    }
    for (const dir of [extensionsDir, workspace]) mkdirSync(dir, { recursive: true });
    writeUserSettings(userDataDir, { ...QUIET_SETTINGS });

    const runStarted = performance.now();
    let exitCode = 0;
    let runError: string | undefined;
    try {
      exitCode = await runTests({
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: SUITE_BUNDLE,
        ...(host.kind === 'electron' ? { vscodeExecutablePath: host.executable } : { vscodeExecutablePath: RUNNER }),
        launchArgs: [
          workspace,
          `--user-data-dir=${userDataDir}`,
          `--extensions-dir=${extensionsDir}`,
          ...(host.kind === 'electron' ? ['--disable-extensions'] : []),
          ...(process.env['FEISHU_BADGE_TEST_LOCALE'] ? [`--locale=${process.env['FEISHU_BADGE_TEST_LOCALE']}`] : []),
        ],
        extensionTestsEnv: {
          // test-electron starts the host with process.env plus these: unset the outer npm's
          // npm_* variables (undefined drops a variable), as for every child (cleanEnv.ts).
          ...Object.fromEntries(Object.keys(process.env).filter(isInheritedNpmVariable).map((name) => [name, undefined])),
          FEISHU_BADGE_RESULTS: resultsFile,
          // The runner is a TypeScript file started through its `#!/usr/bin/env node` line: make
          // sure `node` is this Node 24 even when run.ts was started without npm.
          PATH: [dirname(process.execPath), process.env['PATH'] ?? ''].join(delimiter),
        },
      });
    } catch (error) {
      if (error instanceof TestRunFailedError) exitCode = error.code ?? 1;
      else runError = messageOf(error);
      if (exitCode === 0) exitCode = 1;
    }
    log(`extension host run took ${seconds(performance.now() - runStarted)} (exit code ${exitCode})`);

    let results: SuiteResults | undefined;
    try {
      results = JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResults;
    } catch {
      results = undefined;
    }
    rmSync(resultsFile, { force: true }); // it lists the secrets
    if (results === undefined) {
      const where = process.env['KEEP_TEST_RUN'] === '1' ? `logs kept in ${userDataDir}` : 'rerun with KEEP_TEST_RUN=1 to keep the logs';
      const why = exitCode === 124 ? ' (124: the runner hard timeout, FEISHU_BADGE_TEST_TIMEOUT_MS)' : '';
      fail('extension host started', `${runError ?? `the test run ended with code ${exitCode}${why} and wrote no results`}; ${where}`);
      return counts;
    }

    console.log('');
    for (const test of results.tests) {
      if (test.state === 'passed') console.log(`✔ ${test.title} (${test.durationMs ?? 0}ms)`);
      else if (test.state === 'skipped') console.log(`﹣ ${test.title} (skipped)`);
      else console.log(`✖ ${test.title}\n${indent(test.error ?? 'failed')}`);
    }
    counts.passed += results.passed;
    counts.failed += results.failed;
    counts.skipped += results.skipped;
    if (exitCode !== 0 && results.failed === 0) fail('extension host exited cleanly', `exit code ${exitCode}${runError ? `: ${runError}` : ''}`);

    const leakTitle = "no App Secret or token anywhere under the run's user-data, log and workspace folders, nor in any command result";
    const leakStarted = performance.now();
    const { files, leaks } = findLeaks([userDataDir, extensionsDir, workspace], results.secrets, runDir);
    const leakMs = (performance.now() - leakStarted).toFixed(0);
    // The suite index appends every feishuBadge.* command result there (see suite/index.ts).
    const captured = join(workspace, 'captured-command-results.jsonl');
    const capturedResults = existsSync(captured) ? readFileSync(captured, 'utf8').split('\n').filter((line) => line !== '').length : 0;
    if (files === 0) {
      fail(leakTitle, `no files found under ${userDataDir}: the scan would prove nothing`);
    } else if (capturedResults === 0 && results.passed > 0) {
      fail(leakTitle, `no command results were captured in ${captured}: the scan would not cover them`);
    } else if (leaks.length > 0) {
      fail(leakTitle, `${leaks.length} file(s) contain a recorded secret (values not shown; KEEP_TEST_RUN=1 keeps ${runDir}):\n${leaks.join('\n')}`);
    } else {
      counts.passed++;
      console.log(`✔ ${leakTitle} (${results.secrets.length} values, ${files} files, ${capturedResults} command results, ${leakMs}ms)`);
    }
    return counts;
  } finally {
    rmSync(resultsFile, { force: true });
    if (process.env['KEEP_TEST_RUN'] === '1') log(`kept the run folder ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
    log(`done in ${seconds(performance.now() - started)}`);
  }
}

function isMain(): boolean {
  return process.argv[1] !== undefined && existsSync(process.argv[1]) && import.meta.filename === process.argv[1];
}

if (isMain()) {
  const counts = await runIntegration();
  console.log(`\n${counts.passed} passed, ${counts.failed} failed${counts.skipped > 0 ? `, ${counts.skipped} skipped` : ''}`);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}
