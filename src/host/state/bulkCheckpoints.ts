import { appendFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BulkCheckpoint } from '../../core/bulk.ts';
import type { KeyValueStore } from '../../core/badgeState.ts';
import { repair } from './read.ts';
import type { StateLog } from './read.ts';
import type { FlushPolicy } from './lru.ts';

/** Where releases before file checkpoints kept the whole `done` list (removed when seen). */
const LEGACY_KEY = 'feishuBadge.bulk.checkpoint';
/** One file per run id (`bulk-<runId>.jsonl`): two runs at once never share one. */
const FILE_PREFIX = 'bulk-';
const FILE_SUFFIX = '.jsonl';
/** Checkpoints of runs never finished are kept this long, and at most this many. */
const KEEP_MS = 30 * 24 * 3600 * 1000;
const KEEP_FILES = 20;
/** A checkpoint file larger than this is not a checkpoint of ours (100,000 keys take about 6 MB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
// Appending is cheap: small batches keep what a window reload can lose to a fraction of a second.
export const CHECKPOINT_FLUSH: FlushPolicy = { maxPending: 100, maxDelayMs: 250 };

/** An open checkpoint: the core's interface, plus what the host needs around a run. */
export interface OpenCheckpoint extends BulkCheckpoint {
  /** Users an earlier, interrupted run of the same list (same profile, app and API base) already set. */
  readonly resumable: number;
  /** Writes what is pending; resolves when it is on disk. */
  flush(): Promise<void>;
  /** The run finished: its checkpoint is removed (other runs' are not touched). */
  clear(): Promise<void>;
  /** The run ended (finished, cancelled or stopped): what is pending is written and the run is no longer open. */
  close(): Promise<void>;
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
  /** Runs open in this window, by run id: a second run of the same list waits its turn; the extension flushes them when it stops. */
  readonly #open = new Map<string, OpenCheckpoint>();
  /** Runs being opened (reading their file): counted as open, so two quick starts of one list cannot both begin. */
  readonly #opening = new Set<string>();

  constructor(dir: string, log: StateLog, options: { legacy?: KeyValueStore; policy?: FlushPolicy } = {}) {
    this.#dir = dir;
    this.#log = log;
    this.#policy = options.policy ?? CHECKPOINT_FLUSH;
    const legacy = options.legacy;
    if (legacy !== undefined && legacy.get(LEGACY_KEY) !== undefined) {
      repair(legacy, log, LEGACY_KEY, undefined, 'is from an older release', 'removed (an interrupted run of that release starts over)');
    }
  }

  #file(runId: string): string {
    // Run ids are `bulkRunId`s (hex-count); anything else is reduced to what is safe in a file name.
    return join(this.#dir, `${FILE_PREFIX}${runId.replace(/[^0-9a-z-]/gi, '_').slice(0, 64)}${FILE_SUFFIX}`);
  }

  /** Whether a run of this list is open in this window now. */
  isOpen(runId: string): boolean {
    return this.#open.has(runId) || this.#opening.has(runId);
  }

  /** Writes what every open run has pending (the extension stops, the window reloads). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.#open.values()].map((open) => open.flush()));
  }

  async #read(file: string, runId: string): Promise<{ done: Set<string>; endsWithNewline: boolean; exists: boolean }> {
    const none = { done: new Set<string>(), endsWithNewline: true, exists: false };
    try {
      // The size first: a huge file is not read at all.
      if ((await stat(file)).size > MAX_FILE_BYTES) {
        this.#log.warn('state: the bulk checkpoint is too large to be ours; nothing is resumed');
        return none;
      }
    } catch {
      return none;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return none;
    }
    const lines = text.split('\n');
    const header = parseLine(lines[0] ?? '');
    if (header === undefined || Array.isArray(header) || typeof header !== 'object' || (header as { v?: unknown }).v !== 1 || typeof (header as { runId?: unknown }).runId !== 'string') {
      if (text.trim() !== '') this.#log.warn('state: the bulk checkpoint was malformed; nothing is resumed');
      return none;
    }
    if ((header as { runId: string }).runId !== runId) return none;
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
    return { done, endsWithNewline: text.endsWith('\n'), exists: true };
  }

  /** Checkpoints of runs that were never finished: older than KEEP_MS, or beyond the KEEP_FILES newest, are removed. */
  async #prune(keep: string): Promise<void> {
    try {
      const names = (await readdir(this.#dir)).filter((name) => name.startsWith(FILE_PREFIX) && name.endsWith(FILE_SUFFIX));
      const files = await Promise.all(names.map(async (name) => ({ path: join(this.#dir, name), mtime: (await stat(join(this.#dir, name))).mtimeMs })));
      files.sort((a, b) => b.mtime - a.mtime);
      const now = Date.now();
      const stale = files.filter((file, rank) => file.path !== keep && (rank >= KEEP_FILES || now - file.mtime > KEEP_MS));
      await Promise.all(stale.map((file) => rm(file.path, { force: true })));
    } catch {
      // A directory that does not exist yet has nothing to prune.
    }
  }

  /**
   * Opens the checkpoint of `runId` (see `bulkRunId`: the list, the profile, the app and the API
   * base). Another run's checkpoint is replaced.
   */
  async open(runId: string): Promise<OpenCheckpoint> {
    const file = this.#file(runId);
    this.#opening.add(runId);
    let read: { done: Set<string>; endsWithNewline: boolean; exists: boolean };
    try {
      await this.#prune(file);
      read = await this.#read(file, runId);
    } finally {
      this.#opening.delete(runId);
    }
    const { done } = read;
    let pending: string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let failed = false;
    // The header is (re)written with the first keys, not on open: a run that is opened and then
    // declined leaves another list's checkpoint as it was. Writes are chained in order.
    let fresh = !read.exists || done.size === 0;
    // A crash mid-append leaves a torn last line: the next batch starts on a line of its own.
    let separator = !fresh && !read.endsWithNewline ? '\n' : '';
    let writing: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (pending.length === 0) return writing;
      const line = `${separator}${JSON.stringify(pending)}\n`;
      separator = '';
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
    const checkpoint: OpenCheckpoint = {
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
      clear: async () => {
        await flush();
        failed = true; // nothing more is appended to a removed checkpoint
        await rm(file, { force: true }).catch((error: unknown) => this.#log.warn(`state: could not remove the bulk checkpoint (${errorKind(error)})`));
      },
      close: async () => {
        await flush();
        if (this.#open.get(runId) === checkpoint) this.#open.delete(runId);
      },
    };
    this.#open.set(runId, checkpoint);
    return checkpoint;
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
