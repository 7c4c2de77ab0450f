import * as v from 'valibot';
import type { KeyValueStore } from '../../core/badgeState.ts';
import { repair } from './read.ts';
import type { StateLog } from './read.ts';

/** When a map's changes are written: after this many changes or this long after the first, whichever comes first. */
export interface FlushPolicy {
  maxPending: number;
  maxDelayMs: number;
}

export const DEFAULT_FLUSH: FlushPolicy = { maxPending: 1_000, maxDelayMs: 2_000 };

const storedSchema = v.object({ v: v.literal(1), e: v.array(v.unknown()), x: v.optional(v.unknown()) });

/**
 * A map of at most `cap` entries kept in memory and stored under one key as `{ v: 1, e: [[key,
 * value], ...] }`, least recently set first. Setting an entry makes it the most recent; beyond the
 * cap the least recent ones are evicted (reported through `onEvict`).
 *
 * Writes are batched: VS Code serialises the extension's whole state on every update, so one
 * update per change makes a long bulk run quadratic. The value written is bounded by the cap, and
 * there is one write per `maxPending` changes or `maxDelayMs`, so bytes written grow linearly
 * with the number of changes. `flush()` writes what is pending at once (end of a run, shutdown).
 */
export class PersistedLru<T> {
  readonly #store: KeyValueStore;
  readonly #log: StateLog;
  readonly #key: string;
  readonly #cap: number;
  readonly #policy: FlushPolicy;
  readonly #onEvict: ((key: string, value: T) => void) | undefined;
  readonly #schema: v.GenericSchema<unknown, T>;
  readonly #merge: ((ours: T, theirs: T) => T) | undefined;
  readonly #mergeExtra: ((ours: unknown, theirs: unknown) => unknown) | undefined;
  /** Stored beside the entries (`x`), written with them: the owner's own small value. */
  extra: unknown;
  readonly #entries = new Map<string, T>();
  #pending = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(options: {
    store: KeyValueStore;
    log: StateLog;
    key: string;
    cap: number;
    value: v.GenericSchema<unknown, T>;
    policy?: FlushPolicy;
    onEvict?: (key: string, value: T) => void;
    /**
     * Another window writes the same key (globalState is shared): before writing, what is stored
     * is merged in, entries only the other window has are kept (as older than ours), and an entry
     * both have is `merge(ours, theirs)`. Without it, ours wins.
     */
    merge?: (ours: T, theirs: T) => T;
    mergeExtra?: (ours: unknown, theirs: unknown) => unknown;
  }) {
    this.#store = options.store;
    this.#log = options.log;
    this.#key = options.key;
    this.#cap = Math.max(1, Math.floor(options.cap));
    this.#policy = options.policy ?? DEFAULT_FLUSH;
    this.#onEvict = options.onEvict;
    this.#schema = options.value;
    this.#merge = options.merge;
    this.#mergeExtra = options.mergeExtra;
    this.#load(options.value);
  }

  /** Reads the stored value through the schema: entries that do not read are dropped, and the value is repaired once. */
  #load(schema: v.GenericSchema<unknown, T>): void {
    const raw = this.#store.get(this.#key);
    if (raw === undefined) return;
    const parsed = v.safeParse(storedSchema, raw);
    if (!parsed.success) {
      repair(this.#store, this.#log, this.#key, undefined, 'was malformed', 'removed');
      return;
    }
    this.extra = parsed.output.x;
    let dropped = 0;
    for (const item of parsed.output.e) {
      if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || item[0].length === 0 || item[0].length > 1024) {
        dropped++;
        continue;
      }
      const value = v.safeParse(schema, item[1]);
      if (!value.success) {
        dropped++;
        continue;
      }
      this.#entries.delete(item[0]);
      this.#entries.set(item[0], value.output);
    }
    const over = this.#evict();
    if (dropped > 0 || over > 0) {
      repair(this.#store, this.#log, this.#key, this.#snapshot(), `had ${dropped} malformed and ${over} surplus of ${parsed.output.e.length} entries`, `replaced by the ${this.#entries.size} that read`);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): T | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    this.#evict();
    this.#pending++;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#pending >= this.#policy.maxPending) {
      void this.flush();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), this.#policy.maxDelayMs);
      // A pending write never keeps a process alive on its own (tests, benchmarks).
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  #evict(): number {
    let evicted = 0;
    while (this.#entries.size > this.#cap) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      const value = this.#entries.get(oldest.value) as T;
      this.#entries.delete(oldest.value);
      this.#onEvict?.(oldest.value, value);
      evicted++;
    }
    return evicted;
  }

  /** Folds in what another window stored since this one read it (see the `merge` option). */
  #mergeStored(): void {
    const merge = this.#merge;
    if (merge === undefined) return;
    const parsed = v.safeParse(storedSchema, this.#store.get(this.#key));
    if (!parsed.success) return;
    const theirsOnly: Array<[string, T]> = [];
    for (const item of parsed.output.e) {
      if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string') continue;
      const value = v.safeParse(this.#schema, item[1]);
      if (!value.success) continue;
      const ours = this.#entries.get(item[0]);
      if (ours === undefined) theirsOnly.push([item[0], value.output]);
      else this.#entries.set(item[0], merge(ours, value.output));
    }
    if (this.#mergeExtra !== undefined && parsed.output.x !== undefined) this.extra = this.#mergeExtra(this.extra, parsed.output.x);
    if (theirsOnly.length === 0) return;
    const ours = [...this.#entries];
    this.#entries.clear();
    for (const [key, value] of [...theirsOnly, ...ours]) this.#entries.set(key, value);
    this.#evict();
  }

  #snapshot(): { v: 1; e: Array<[string, T]>; x?: unknown } {
    return this.extra === undefined ? { v: 1, e: [...this.#entries] } : { v: 1, e: [...this.#entries], x: this.extra };
  }

  /** Marks the map changed without an entry (its `extra` moved): written with the next batch. */
  touch(): void {
    this.#pending = Math.max(this.#pending, 1);
    this.#schedule();
  }

  /** Writes pending changes now; resolves when they are stored. A failed write is logged by kind and retried at the next change. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending === 0) return this.#writing;
    this.#pending = 0;
    // Chained, so the last snapshot is the one that stays; the snapshot is taken when the write runs.
    this.#writing = this.#writing.then(async () => {
      try {
        if (this.#merge !== undefined) this.#mergeStored();
        await this.#store.update(this.#key, this.#snapshot());
      } catch (error) {
        this.#pending++;
        this.#log.warn(`state: could not write ${this.#key} (${error instanceof Error ? error.name : typeof error})`);
      }
    });
    return this.#writing;
  }
}
