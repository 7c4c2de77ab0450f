/**
 * Where the last version per user lives. The host backs it with globalState so versions keep
 * increasing across restarts; tests use a Map.
 */
export interface VersionStore {
  get(key: string): string | undefined;
  set(key: string, version: string): void | PromiseLike<void>;
}

export function memoryVersionStore(): VersionStore & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    get: (key) => entries.get(key),
    set: (key, version) => {
      entries.set(key, version);
    },
  };
}

/** The store key for one user of one app on one API base. */
export function versionKey(baseUrl: string, appId: string, userIdType: string, userId: string): string {
  return `${baseUrl}|${appId}|${userIdType}:${userId}`;
}

const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/**
 * Hands out epoch-millisecond version strings that are strictly increasing per key, even when
 * two are asked for within the same millisecond or the clock steps back. A process-wide high
 * water mark also keeps them increasing across keys, which covers one person addressed through
 * two id types.
 */
export class VersionClock {
  readonly #store: VersionStore;
  readonly #now: () => number;
  #highWater = 0n;

  constructor(store: VersionStore, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** The last version used for `key`, if any. */
  last(key: string): string | undefined {
    return this.#store.get(key);
  }

  /** What `next(key)` would return now, without reserving it (for previews). */
  peek(key: string): string {
    return this.#candidate(key, undefined).toString();
  }

  /** Reserves and returns a version newer than anything used for `key` (and than `after`). */
  next(key: string, after?: string): string {
    const version = this.#candidate(key, after);
    this.#record(key, version);
    return version.toString();
  }

  /** Records a version chosen elsewhere (a manual one), so later automatic ones stay newer. */
  observe(key: string, version: string): void {
    if (!/^\d+$/.test(version)) {
      return;
    }
    const value = BigInt(version);
    const last = this.#store.get(key);
    if (last === undefined || value > BigInt(last)) {
      this.#record(key, value);
    } else {
      this.#highWater = maxBig(this.#highWater, value);
    }
  }

  #candidate(key: string, after: string | undefined): bigint {
    let candidate = maxBig(BigInt(Math.floor(this.#now())), this.#highWater + 1n);
    const last = this.#store.get(key);
    if (last !== undefined && /^\d+$/.test(last)) {
      candidate = maxBig(candidate, BigInt(last) + 1n);
    }
    if (after !== undefined && /^\d+$/.test(after)) {
      candidate = maxBig(candidate, BigInt(after) + 1n);
    }
    return candidate;
  }

  #record(key: string, version: bigint): void {
    this.#highWater = maxBig(this.#highWater, version);
    // The store may persist asynchronously; the in-memory high-water mark already guards this process.
    void this.#store.set(key, version.toString());
  }
}
