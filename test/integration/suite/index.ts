// The integration suite index: VS Code's extension host loads the bundle of this file
// (out/integration/suite.js) through --extensionTestsPath and awaits `run()`.
// Every `*.test.ts` file of this folder is loaded (runTest.ts lists them at build time into
// FEISHU_BADGE_TEST_FILES, and esbuild bundles them through the template-literal import below).
// Tests may use Mocha's BDD globals (`describe`, `it`, `before`, …) or its TDD ones (`suite`,
// `test`, `suiteSetup`, …); both are installed. Timeout: 20 s per test unless a test says otherwise.
// Results go to the JSON file named by FEISHU_BADGE_RESULTS:
// { passed, failed, skipped, tests: [{ title, state, durationMs, error? }], secrets: [...] }.
import Mocha from 'mocha';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { recordedSecrets } from './secrets.ts';
import { closeSuiteServers } from './server.ts';

export interface TestRecord {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs?: number;
  error?: string;
}

export interface SuiteResults {
  passed: number;
  failed: number;
  skipped: number;
  tests: TestRecord[];
  secrets: string[];
}

/** Base names (without `.test.ts`) of the test files, replaced at build time by runTest.ts. */
declare const FEISHU_BADGE_TEST_FILES: string[] | undefined;

function testFiles(): string[] {
  const files = typeof FEISHU_BADGE_TEST_FILES === 'undefined' ? undefined : FEISHU_BADGE_TEST_FILES;
  if (files === undefined) throw new Error('FEISHU_BADGE_TEST_FILES is not defined: build the suite with test/integration/runTest.ts');
  return files;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Every result a `feishuBadge.*` command returns, in any suite, is appended to a file in the
 * workspace folder, which the run's leak scan covers: so the scan also proves that no command
 * result ever carried a secret, not only that nothing was written to disk.
 */
function captureCommandResults(): void {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) throw new Error('the integration window has no workspace folder to capture command results in');
  const file = join(folder.uri.fsPath, 'captured-command-results.jsonl');
  const commands = vscode.commands as { executeCommand: (command: string, ...rest: unknown[]) => Thenable<unknown> };
  const original = commands.executeCommand.bind(vscode.commands);
  commands.executeCommand = async (command: string, ...rest: unknown[]) => {
    const result = await original(command, ...rest);
    if (command.startsWith('feishuBadge.')) {
      let text: string;
      try {
        text = JSON.stringify({ command, result }) ?? 'undefined';
      } catch (error) {
        text = JSON.stringify({ command, unserialisable: String(error) });
      }
      appendFileSync(file, `${text}\n`);
    }
    return result;
  };
}

export async function run(): Promise<void> {
  const results: SuiteResults = { passed: 0, failed: 0, skipped: 0, tests: [], secrets: [] };
  captureCommandResults();
  const resultsFile = process.env['FEISHU_BADGE_RESULTS'];
  process.setSourceMapsEnabled(true); // stack traces point into the .ts sources
  try {
    const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, color: false, reporter: Mocha.reporters.Base });
    Mocha.interfaces.tdd(mocha.suite); // TDD globals too, bound to the same root suite
    // Installs the globals bound to this instance before the test files run.
    mocha.suite.emit('pre-require', globalThis, 'feishu-badge-integration', mocha);
    for (const name of testFiles()) {
      // A template literal: esbuild bundles every ./*.test.ts and picks one at run time.
      await import(`./${name}.test.ts`);
    }

    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', (test) => {
        results.passed++;
        results.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
      });
      runner.on('fail', (test, error) => {
        // Also reached for failing hooks ("before all" hook for …), which count as one failure.
        results.failed++;
        results.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: describeError(error) });
      });
      runner.on('pending', (test) => {
        results.skipped++;
        results.tests.push({ title: test.fullTitle(), state: 'skipped' });
      });
    });
  } catch (error) {
    results.failed++;
    results.tests.push({ title: 'integration suite loads and runs', state: 'failed', error: describeError(error) });
  } finally {
    try {
      await closeSuiteServers();
    } catch (error) {
      results.failed++;
      results.tests.push({ title: 'local Feishu-like servers close', state: 'failed', error: describeError(error) });
    }
    results.secrets = recordedSecrets();
    if (resultsFile !== undefined && resultsFile.length > 0) {
      writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`, { mode: 0o600 });
    }
    console.log(`[suite] ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  }
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed`);
}
