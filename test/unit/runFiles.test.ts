// The bounds test/run.ts puts on every suite file (test/support/runFiles.ts): a hanging hook, a
// hook bounded with `within`, and a file stuck before any test each become a failure that names
// what hung, within the configured times, even though each fixture keeps its process alive. The
// fixtures are in test/fixtures (not suite files: run only from here).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runChild } from '../support/bounded.ts';
import { cleanChildEnv } from '../support/cleanEnv.ts';
import type { FileRunOptions, FileRunResult } from '../support/runFiles.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
// Generous idle and file bounds: each test shows which bound ended the file, even on a loaded machine.
const quick: FileRunOptions = { testTimeoutMs: 1_000, idleTimeoutMs: 20_000, fileTimeoutMs: 25_000, root };

/** runTestFiles() in its own process (node:test's run() does not start inside a test file). */
async function runTestFiles(files: string[], options: FileRunOptions): Promise<FileRunResult> {
  const child = await runChild(process.execPath, [fixture('runFixture.ts'), JSON.stringify(options), ...files], {
    cwd: root,
    env: cleanChildEnv(process.env, { NODE_TEST_CONTEXT: undefined }),
    timeoutMs: 30_000,
  });
  assert.equal(child.status, 0, `runFixture.ts: exit ${child.status}${child.timedOut ? ' (timed out)' : ''}\n${child.stderr}`);
  return JSON.parse(child.stdout) as FileRunResult;
}

describe('suite file bounds', () => {
  test('a before hook without a timeout of its own fails, named, after the per-test timeout', async () => {
    const started = performance.now();
    const result = await runTestFiles([fixture('hangingHook.fixture.ts')], quick);
    const elapsed = performance.now() - started;
    assert.equal(result.passed, 0);
    assert.ok(result.failed >= 1, JSON.stringify(result));
    const hook = result.failures.find((failure) => failure.name === 'a suite whose before hook hangs');
    assert.ok(hook, JSON.stringify(result.failures));
    assert.equal(hook.file, 'test/fixtures/hangingHook.fixture.ts');
    assert.match(hook.message, /before hook/);
    assert.match(hook.message, /timed out after 1000ms/);
    // The listening server did not keep the file's process alive (forceExit): no watchdog was needed.
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
  });

  test('a hook bounded with within() fails naming its step before node’s hook timeout', async () => {
    const result = await runTestFiles([fixture('namedHook.fixture.ts')], quick);
    const hook = result.failures.find((failure) => failure.name === 'a suite whose setup waits for something that never comes');
    assert.ok(hook, JSON.stringify(result.failures));
    assert.match(hook.message, /before hook/);
    assert.match(hook.message, /fixture setup: not done within 0\.3 s \(still waiting for: the fixture server saying ready\)/);
  });

  test('a file stuck before declaring any test is stopped by the idle watchdog, named', async () => {
    const started = performance.now();
    const result = await runTestFiles([fixture('stuckFile.fixture.ts')], { ...quick, idleTimeoutMs: 1_000 });
    const elapsed = performance.now() - started;
    assert.equal(result.failed, 1, JSON.stringify(result));
    const [failure] = result.failures;
    assert.ok(failure);
    assert.match(failure.name, /stuckFile\.fixture\.ts/);
    assert.match(failure.message, /test file test\/fixtures\/stuckFile\.fixture\.ts reported nothing for 1 s; stopped it/);
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
  });

  test('an after hook that fails is counted as a failure although every test passed', async () => {
    const result = await runTestFiles([fixture('failingAfter.fixture.ts')], quick);
    assert.equal(result.passed, 1);
    assert.equal(result.failed, 1);
    assert.match(result.failures[0]?.message ?? '', /failed running after hook: cleanup found a problem/);
  });

  test('the whole-file bound applies too', async () => {
    const result = await runTestFiles([fixture('stuckFile.fixture.ts')], { ...quick, fileTimeoutMs: 1_000 });
    assert.equal(result.failed, 1, JSON.stringify(result));
    assert.match(result.failures[0]?.message ?? '', /stuckFile\.fixture\.ts did not finish within 1 s; stopped it/);
  });
});
