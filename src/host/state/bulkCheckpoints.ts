import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BulkCheckpoint } from '../../core/bulk.ts';
import type { KeyValueStore } from '../../core/badgeState.ts';
import { repair } from './read.ts';
import type { StateLog } from './read.ts';
import type { FlushPolicy } from './lru.ts';

/** Where releases before file checkpoints kept the whole `done` list (removed when seen). */
const LEGACY_KEY = 'feishuBadge.bulk.checkpoint';
const FILE = 'bulk-checkpoint.jsonl';
/** A checkpoint file larger than this is not a checkpoint of ours (100,000 keys take about 6 MB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const CHECKPOINT_FLUSH: FlushPolicy = { maxPending: 500, maxDelayMs: 1_000 };

/** An open checkpoint: the core's interface, plus what the host needs around a run. */
export interface OpenCheckpoint extends BulkCheckpoint {
  /** Users an earlier, interrupted run of the same list (same profile, app and API base) already set. */
  readonly resumable: number;
  /** Writes what is pending; resolves when it is on disk. */
  flush(): Promise<void>;
}

/**
 * The checkpoint of the current bulk run, in a file under the extension's global storage, so a
 * cancelled run or a window reload mid-run resumes without sending anyone twice.
 *
 * The file is a header line (`{"v":1,"runId":…}`) followed by lines that each hold a JSON array
 * of finished keys. Keys are appended in batches (every CHECKPOINT_FLUSH.maxPending keys or
 * maxDelayMs, and at the end of the run), so a run of n users writes O(n) bytes; rewriting the
 * whole list on every success (as globalState would) wrote O(n²). A torn or foreign line is
 * skipped: its keys are sent again, which the version clock makes harmless.
 */
export class BulkCheckpointStore {
  readonly #dir: string;
  readonly #log: StateLog;
  readonly #policy: FlushPolicy;
  /** Bytes appended since this store was made (for the benchmark). */
  bytesWritten = 0;

  constructor(dir: string, log: StateLog, options: { legacy?: KeyValueStore; policy?: FlushPolicy } = {}) {
    this.#dir = dir;
    this.#log = log;
    this.#policy = options.policy ?? CHECKPOINT_FLUSH;
    const legacy = options.legacy;
    if (legacy !== undefined && legacy.get(LEGACY_KEY) !== undefined) {
      repair(legacy, log, LEGACY_KEY, undefined, 'is from an older release', 'removed (an interrupted run of that release starts over)');
    }
  }

  get #file(): string {
    return join(this.#dir, FILE);
  }

  async #read(runId: string): Promise<Set<string>> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch {
      return new Set();
    }
    if (text.length > MAX_FILE_BYTES) {
      this.#log.warn('state: the bulk checkpoint is too large to be ours; nothing is resumed');
      return new Set();
    }
    const lines = text.split('\n');
    const header = parseLine(lines[0] ?? '');
    if (header === undefined || Array.isArray(header) || typeof header !== 'object' || (header as { v?: unknown }).v !== 1 || typeof (header as { runId?: unknown }).runId !== 'string') {
      if (text.trim() !== '') this.#log.warn('state: the bulk checkpoint was malformed; nothing is resumed');
      return new Set();
    }
    if ((header as { runId: string }).runId !== runId) return new Set();
    const done = new Set<string>();
    let skipped = 0;
    for (const line of lines.slice(1)) {
      if (line === '') continue;
      const keys = parseLine(line);
      if (!Array.isArray(keys)) {
        skipped++;
        continue;
      }
      for (const key of keys) if (typeof key === 'string' && key.length <= 1024) done.add(key);
    }
    if (skipped > 0) this.#log.warn(`state: ${skipped} line(s) of the bulk checkpoint did not read; those users are sent again`);
    return done;
  }

  /**
   * Opens the checkpoint of `runId` (see `bulkRunId`: the list, the profile, the app and the API
   * base). Another run's checkpoint is replaced.
   */
  async open(runId: string): Promise<OpenCheckpoint> {
    const done = await this.#read(runId);
    const file = this.#file;
    let pending: string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failed = false;
    // The header is (re)written with the first keys, not on open: a run that is opened and then
    // declined leaves another list's checkpoint as it was. Writes are chained in order.
    let fresh = done.size === 0;
    let writing: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (pending.length === 0) return writing;
      const line = `${JSON.stringify(pending)}\n`;
      pending = [];
      writing = writing.then(async () => {
        if (failed) return;
        try {
          if (fresh) {
            fresh = false;
            await mkdir(this.#dir, { recursive: true });
            const header = `${JSON.stringify({ v: 1, runId })}\n`;
            await writeFile(file, header);
            this.bytesWritten += Buffer.byteLength(header);
          }
          await appendFile(file, line);
          this.bytesWritten += Buffer.byteLength(line);
        } catch (error) {
          failed = true;
          this.#log.warn(`state: could not write the bulk checkpoint (${errorKind(error)}); this run cannot be resumed`);
        }
      });
      return writing;
    };
    return {
      resumable: done.size,
      isDone: (key) => done.has(key),
      markDone: (key) => {
        done.add(key);
        pending.push(key);
        if (pending.length >= this.#policy.maxPending) {
          void flush();
        } else if (timer === undefined) {
          timer = setTimeout(() => void flush(), this.#policy.maxDelayMs);
          (timer as { unref?: () => void }).unref?.();
        }
      },
      flush,
    };
  }

  /** The run finished: nothing to resume. */
  async clear(): Promise<void> {
    await rm(this.#file, { force: true }).catch((error: unknown) => this.#log.warn(`state: could not remove the bulk checkpoint (${errorKind(error)})`));
  }
}

function errorKind(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code)) return code;
  return error instanceof Error ? error.name : typeof error;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
