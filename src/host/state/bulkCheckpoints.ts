import * as v from 'valibot';
import type { BulkCheckpoint } from '../../core/bulk.ts';
import type { KeyValueStore } from '../../core/badgeState.ts';
import { readRepaired } from './read.ts';
import type { StateLog } from './read.ts';

const CHECKPOINT_KEY = 'feishuBadge.bulk.checkpoint';

const checkpointSchema = v.object({ runId: v.string(), done: v.array(v.string()) });

/**
 * The checkpoint of the current bulk run, in globalState, so a cancelled run or a window reload
 * mid-run resumes without sending anyone twice.
 */
export class BulkCheckpointStore {
  readonly #store: KeyValueStore;
  readonly #log: StateLog;

  constructor(store: KeyValueStore, log: StateLog) {
    this.#store = store;
    this.#log = log;
  }

  open(runId: string): BulkCheckpoint & { readonly resumable: number } {
    const stored = readRepaired(this.#store, this.#log, CHECKPOINT_KEY, v.optional(checkpointSchema), undefined);
    const done = new Set(stored?.runId === runId ? stored.done : []);
    let writing: Promise<void> = Promise.resolve();
    return {
      resumable: done.size,
      isDone: (key) => done.has(key),
      markDone: (key) => {
        done.add(key);
        // Writes are chained so the last state always wins.
        writing = writing.then(() => this.#store.update(CHECKPOINT_KEY, { runId, done: [...done] }));
        return writing;
      },
    };
  }

  async clear(): Promise<void> {
    await this.#store.update(CHECKPOINT_KEY, undefined);
  }
}
