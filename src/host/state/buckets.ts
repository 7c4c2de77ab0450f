import type * as v from 'valibot';
import type { KeyValueStore } from '../../core/badgeState.ts';
import { PersistedLru } from './lru.ts';
import type { FlushPolicy } from './lru.ts';
import type { StateLog } from './read.ts';

/** Per-user state is kept per API base and app (open_ids are per app): one bucket each. */
export interface BucketOwner {
  baseUrl: string;
  appId: string;
}

export const bucketOf = (owner: BucketOwner): string => `${owner.baseUrl}|${owner.appId}`;

/** The key of one user inside a bucket. */
export const userKey = (userIdType: string, userId: string): string => `${userIdType}:${userId}`;

export interface BucketOptions {
  /** Most users remembered per bucket; the least recently set are forgotten first. */
  cap?: number;
  policy?: FlushPolicy;
}

/**
 * One bounded map per bucket, stored under `prefix + bucket`, created on first use. `flush()`
 * writes every bucket's pending changes (end of a bulk run, shutdown).
 */
export class BucketedLru<T> {
  readonly #store: KeyValueStore;
  readonly #log: StateLog;
  readonly #prefix: string;
  readonly #schema: v.GenericSchema<unknown, T>;
  readonly #options: BucketOptions & { cap: number };
  readonly #onEvict: ((bucket: string, key: string, value: T) => void) | undefined;
  readonly #merge: ((ours: T, theirs: T) => T) | undefined;
  readonly #mergeExtra: ((ours: unknown, theirs: unknown) => unknown) | undefined;
  readonly #maps = new Map<string, PersistedLru<T>>();

  constructor(options: { store: KeyValueStore; log: StateLog; prefix: string; value: v.GenericSchema<unknown, T>; cap: number; policy?: FlushPolicy; onEvict?: (bucket: string, key: string, value: T) => void; merge?: (ours: T, theirs: T) => T; mergeExtra?: (ours: unknown, theirs: unknown) => unknown }) {
    this.#store = options.store;
    this.#log = options.log;
    this.#prefix = options.prefix;
    this.#schema = options.value;
    this.#options = { cap: options.cap, ...(options.policy === undefined ? {} : { policy: options.policy }) };
    this.#onEvict = options.onEvict;
    this.#merge = options.merge;
    this.#mergeExtra = options.mergeExtra;
  }

  of(bucket: string): PersistedLru<T> {
    let map = this.#maps.get(bucket);
    if (map === undefined) {
      const onEvict = this.#onEvict;
      map = new PersistedLru<T>({
        store: this.#store,
        log: this.#log,
        key: this.#prefix + bucket,
        cap: this.#options.cap,
        value: this.#schema,
        ...(this.#options.policy === undefined ? {} : { policy: this.#options.policy }),
        ...(onEvict === undefined ? {} : { onEvict: (key: string, value: T) => onEvict(bucket, key, value) }),
        ...(this.#merge === undefined ? {} : { merge: this.#merge }),
        ...(this.#mergeExtra === undefined ? {} : { mergeExtra: this.#mergeExtra }),
      });
      this.#maps.set(bucket, map);
    }
    return map;
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#maps.values()].map((map) => map.flush()));
  }
}
