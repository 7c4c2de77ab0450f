// The one test entry point (`npm test`): runs every suite and ends with the line CI reads,
// `N passed, N failed[, N skipped]`. Suites: `static` (type check and lint, one test each),
// `unit` (core and the local Feishu-like server, plain Node), `webview` (the sidebar form in
// headless Chromium, test/webview) and `integration` (the real VS Code extension host, see
// test/integration/runTest.ts). Pass suite names to run a subset,
// e.g. `node test/run.ts unit`.
// Nothing waits silently: before the webview and e2e suites start, what they need is provisioned
// here, once, with its own bound (FEISHU_BADGE_PROVISION_TIMEOUT_MS, default 30 minutes) and its
// progress printed, so their hooks only locate it; each test file runs in its own process with a
// per-test/per-hook timeout, an idle bound (nothing reported for 2 minutes) and a whole-file bound
// (test/support/runFiles.ts), each a failure naming the file. Children get the environment without
// the outer npm's npm_* variables (test/support/cleanEnv.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from './support/bounded.ts';
import { cleanChildEnv } from './support/cleanEnv.ts';
import { runTestFiles } from './support/runFiles.ts';

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

const root = fileURLToPath(new URL('.', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .sort()
    .map((file) => join(root, dir, file));
}

const repo = join(root, '..');
const MINUTE = 60_000;
const PROVISION_TIMEOUT_MS = Number(process.env['FEISHU_BADGE_PROVISION_TIMEOUT_MS'] ?? 30 * MINUTE);
/** A test file that reports nothing for this long is stopped: a hang becomes a failure within two minutes. */
const IDLE_TIMEOUT_MS = 2 * MINUTE;

async function runNodeSuite(files: string[], totals: Totals, fileTimeoutMs = 5 * MINUTE): Promise<void> {
  const counts = await runTestFiles(files, {
    concurrency: 2,
    testTimeoutMs: MINUTE,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
    fileTimeoutMs,
    env: cleanChildEnv(),
    root: repo,
  });
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
}

/**
 * Provisions what a suite needs before its files start (their hooks only locate it). Bounded; a
 * failure is counted and named, and the suite still runs (its files then fail saying what is missing).
 */
async function provisionFor(suite: string, what: string, totals: Totals, action: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  const started = performance.now();
  try {
    await within(`provisioning ${what} for the ${suite} suite`, PROVISION_TIMEOUT_MS, (_step, signal) => action(signal));
  } catch (error) {
    totals.failed++;
    const ms = (performance.now() - started).toFixed(0);
    console.log(`✖ provisioning ${what} for the ${suite} suite (${ms}ms)\n  ${error instanceof Error ? error.message : String(error)}`);
  }
}

function runCommand(name: string, command: string, args: string[], totals: Totals): void {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: repo, encoding: 'utf8', shell: false, env: cleanChildEnv(), timeout: 5 * MINUTE });
  const ms = (performance.now() - started).toFixed(0);
  if (result.status === 0) {
    totals.passed++;
    console.log(`✔ ${name} (${ms}ms)`);
  } else {
    totals.failed++;
    console.log(`✖ ${name} (${ms}ms)\n${result.stdout}${result.stderr}${result.error?.message ?? ''}`);
  }
}

const bin = (tool: string): string => join(root, '..', 'node_modules', '.bin', tool);

const suites: Record<string, (totals: Totals) => Promise<void>> = {
  static: async (totals) => {
    runCommand('type check (tsc --noEmit)', bin('tsc'), ['--noEmit', '-p', '.'], totals);
    runCommand('type check the webview, DOM lib (tsc --noEmit -p tsconfig.webview.json)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.webview.json'], totals);
    runCommand('lint, including the layering rule (eslint .)', bin('eslint'), ['.'], totals);
  },
  unit: (totals) => runNodeSuite(testFiles('unit'), totals),
  webview: async (totals) => {
    const { ensureSystemPackages } = await import('./integration/provision.ts');
    await provisionFor('webview', 'Chromium (apt, when root)', totals, (signal) => ensureSystemPackages((line) => console.log(line), { signal }));
    await runNodeSuite(testFiles('webview'), totals);
  },
  e2e: async (totals) => {
    const { provision } = await import('./integration/provision.ts');
    await provisionFor('e2e', 'Chromium and code-server', totals, (signal) => provision((line) => console.log(line), { signal }));
    // One file: setup (bounded at two minutes) and four workbench tests (a minute each at most).
    await runNodeSuite(testFiles('e2e'), totals, 10 * MINUTE);
  },
  integration: async (totals) => {
    // Loaded on demand: it pulls in esbuild, test-electron and playwright-core.
    const { runIntegration } = await import('./integration/runTest.ts');
    const counts = await runIntegration();
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  },
};

const wanted = process.argv.slice(2);
const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
for (const [name, runSuite] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  try {
    await runSuite(totals);
  } catch (error) {
    totals.failed++;
    console.error(`suite ${name} could not run:`, error);
  }
}
const executed = totals.passed + totals.failed;
if (executed === 0) {
  console.log('no test was executed');
}
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : '';
console.log(`\n${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exitCode = totals.failed > 0 || executed === 0 ? 1 : 0;
