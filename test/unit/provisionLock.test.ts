// The one provisioning lock (test/integration/provision.ts): parallel callers run one at a time,
// and a wait is bounded with an error that names the holder.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvisionLockTimeoutError, cacheRoot, withLock } from '../integration/provision.ts';

describe('provisioning lock', () => {
  let cache: string;
  let saved: string | undefined;
  before(() => {
    saved = process.env['XDG_CACHE_HOME'];
    cache = mkdtempSync(join(tmpdir(), 'fb-lock-'));
    process.env['XDG_CACHE_HOME'] = cache;
  }, { timeout: 10_000 });
  after(() => {
    if (saved === undefined) delete process.env['XDG_CACHE_HOME'];
    else process.env['XDG_CACHE_HOME'] = saved;
    rmSync(cache, { recursive: true, force: true });
  }, { timeout: 10_000 });

  const quiet = (): void => undefined;

  test('callers starting at once take turns, and a later one sees what the first installed', async () => {
    const order: string[] = [];
    let installed = false;
    const install = (name: string) => () =>
      withLock(`install (${name})`, quiet, undefined, async () => {
        order.push(`${name} in`);
        // Re-check under the lock, as provision() does.
        if (!installed) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          installed = true;
          order.push(`${name} installed`);
        }
        order.push(`${name} out`);
      }, 2_000);
    await Promise.all([install('a')(), install('b')()]);
    assert.deepEqual(order, ['a in', 'a installed', 'a out', 'b in', 'b out']);
    assert.equal(existsSync(join(cacheRoot(), 'provision.lock')), false);
  });

  test('a wait longer than allowed fails with a named error saying who holds the lock', async () => {
    let release: () => void = () => undefined;
    const holding = withLock('apt-get install chromium', quiet, undefined, () => new Promise<void>((resolve) => (release = resolve)), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    try {
      await assert.rejects(withLock('npm install code-server', quiet, undefined, async () => undefined, 300), (error: unknown) => {
        assert.ok(error instanceof ProvisionLockTimeoutError);
        assert.equal(error.name, 'ProvisionLockTimeoutError');
        assert.match(error.message, new RegExp(`held by pid ${process.pid} \\(apt-get install chromium\\)`));
        assert.match(error.message, /to do "npm install code-server"/);
        return true;
      });
    } finally {
      release();
      await holding;
    }
  });

  test('a lock left by a dead process is taken over', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const lock = join(cacheRoot(), 'provision.lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, 'pid'), '999999999');
    let ran = false;
    await withLock('after a crash', quiet, undefined, async () => {
      ran = true;
    }, 2_000);
    assert.equal(ran, true);
  });
});
