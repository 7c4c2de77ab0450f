// The bulk checkpoint file (issue 11 §1, §3): one file per run, so two runs at once never mix their
// users; a torn last line loses only itself; a huge file is not read; open runs are flushed on demand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BulkCheckpointStore } from '../../src/host/state/bulkCheckpoints.ts';

const log = { lines: [] as string[], warn(line: string) { this.lines.push(line); } };

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-cpf-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('bulk checkpoint files', () => {
  test('two runs at once keep their own users; finishing one leaves the other resumable', () =>
    withDir(async (dir) => {
      const store = new BulkCheckpointStore(dir, log);
      const a = await store.open('aaaa-10');
      const b = await store.open('bbbb-10');
      for (let i = 0; i < 10; i++) a.markDone(`${i}|open_id:u${i}`);
      b.markDone('0|open_id:u0');
      await Promise.all([a.flush(), b.flush()]);
      await a.clear();
      await b.close();
      const again = await new BulkCheckpointStore(dir, log).open('bbbb-10');
      assert.equal(again.resumable, 1, 'only what run B finished');
      assert.equal(again.isDone('1|open_id:u1'), false);
      assert.equal((await new BulkCheckpointStore(dir, log).open('aaaa-10')).resumable, 0, 'the finished run left nothing');
    }));

  test('a torn last line loses only itself: the next batch is appended on a line of its own', () =>
    withDir(async (dir) => {
      const store = new BulkCheckpointStore(dir, log);
      const first = await store.open('cccc-5');
      first.markDone('a');
      await first.close();
      const [file] = await readdir(dir);
      assert.ok(file);
      await appendFile(join(dir, file), '["b","c');
      const second = await new BulkCheckpointStore(dir, log).open('cccc-5');
      assert.equal(second.resumable, 1);
      second.markDone('d');
      await second.close();
      const third = await new BulkCheckpointStore(dir, log).open('cccc-5');
      assert.deepEqual(['a', 'b', 'd'].map((key) => third.isDone(key)), [true, false, true], await readFile(join(dir, file), 'utf8'));
    }));

  test('a checkpoint file over 64 MB is not read', () =>
    withDir(async (dir) => {
      const store = new BulkCheckpointStore(dir, log);
      const open = await store.open('dddd-1');
      open.markDone('a');
      await open.close();
      const [file] = await readdir(dir);
      assert.ok(file);
      await truncate(join(dir, file), 65 * 1024 * 1024);
      const started = performance.now();
      assert.equal((await new BulkCheckpointStore(dir, log).open('dddd-1')).resumable, 0);
      assert.ok(performance.now() - started < 1_000, 'not read');
    }));

  test('flushAll writes what open runs have pending (the window reloads mid-run)', () =>
    withDir(async (dir) => {
      const store = new BulkCheckpointStore(dir, log, { policy: { maxPending: 10_000, maxDelayMs: 60_000 } });
      const open = await store.open('eeee-3');
      open.markDone('x');
      open.markDone('y');
      await store.flushAll();
      assert.equal((await new BulkCheckpointStore(dir, log).open('eeee-3')).resumable, 2);
      assert.equal(store.isOpen('eeee-3'), true);
      await open.close();
      assert.equal(store.isOpen('eeee-3'), false);
    }));

  test('a run id with path characters stays inside the directory', () =>
    withDir(async (dir) => {
      const open = await new BulkCheckpointStore(dir, log).open('../../etc/passwd');
      open.markDone('k');
      await open.close();
      const files = await readdir(dir);
      assert.equal(files.length, 1);
      assert.match(files[0] ?? '', /^bulk-[\w-]+\.jsonl$/);
      await writeFile(join(dir, 'unrelated.txt'), 'x');
      await new BulkCheckpointStore(dir, log).open('ffff-1');
      assert.ok((await readdir(dir)).includes('unrelated.txt'), 'pruning touches only checkpoints');
    }));
});
