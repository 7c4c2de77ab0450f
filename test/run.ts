// The one test entry point (`npm test`): runs every suite and ends with the line CI reads,
// `N passed, N failed[, N skipped]`. Suites: `static` (type check and lint, one test each),
// `unit` (core and the local Feishu-like server, plain Node), `webview` (the sidebar form in
// headless Chromium, test/webview) and `integration` (the real VS Code extension host, see
// test/integration/runTest.ts). Pass suite names to run a subset,
// e.g. `node test/run.ts unit`.
import { spawnSync } from 'node:child_process';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

async function runNodeSuite(files: string[], totals: Totals): Promise<void> {
  const stream = run({ files, concurrency: 2, timeout: 60_000 });
  stream.on('test:pass', (event) => {
    // Only leaf tests count; suites (describe) report as tests with children too.
    if (event.details.type !== 'suite') {
      if (event.skip !== undefined || event.todo !== undefined) totals.skipped++;
      else totals.passed++;
    }
  });
  stream.on('test:fail', (event) => {
    if (event.details.type !== 'suite') totals.failed++;
  });
  await new Promise<void>((resolve, reject) => {
    const out = stream.compose(spec);
    out.on('data', (chunk: string | Buffer) => process.stdout.write(chunk));
    out.on('end', resolve);
    out.on('error', reject);
  });
}

function runCommand(name: string, command: string, args: string[], totals: Totals): void {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: join(root, '..'), encoding: 'utf8', shell: false });
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
  webview: (totals) => runNodeSuite(testFiles('webview'), totals),
  e2e: (totals) => runNodeSuite(testFiles('e2e'), totals),
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
