import { MAX_VERSION } from './schema.ts';
import type { ValidationIssue } from './schema.ts';

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
 * A version as the clock may use it: digits within the int64 bound. A stored value above the
 * bound (an older build remembered a manual one) was never accepted by Feishu, so it is ignored.
 */
function usable(version: string | undefined): bigint | undefined {
  if (version === undefined || !/^\d+$/.test(version)) return undefined;
  const value = BigInt(version);
  return value <= MAX_VERSION ? value : undefined;
}

export type NextVersion = { ok: true; version: string } | { ok: false; issue: ValidationIssue };

/** No version newer than the last one fits in int64: the send must not happen. */
export class VersionExhaustedError extends RangeError {
  readonly issue: ValidationIssue;

  constructor(issue: ValidationIssue) {
    super(`no version above ${String(issue.params?.last)} fits in int64 (${MAX_VERSION})`);
    this.name = 'VersionExhaustedError';
    this.issue = issue;
  }
}

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

  /**
   * What `next(key)` would return now, without reserving it (for previews). Never above the
   * bound: for a key that has reached it, the bound itself (which `next` then refuses).
   */
  peek(key: string): string {
    const candidate = this.#candidate(key, undefined);
    return (candidate > MAX_VERSION ? MAX_VERSION : candidate).toString();
  }

  /**
   * Reserves and returns a version newer than anything used for `key` (and than `after`), or,
   * when none fits in int64, a `version.exhausted` issue and nothing reserved.
   */
  tryNext(key: string, after?: string): NextVersion {
    const next = this.propose(key, after);
    if (next.ok) this.#record(key, BigInt(next.version));
    return next;
  }

  /**
   * What `tryNext` would return, without reserving it: for a version derived from a manual one,
   * which is remembered only once the server accepted it (see `observe`).
   */
  propose(key: string, after?: string): NextVersion {
    const version = this.#candidate(key, after);
    if (version > MAX_VERSION) {
      // Only the key's own last version (or `after`) can push the candidate past the bound.
      const last = (version - 1n).toString();
      return { ok: false, issue: { path: 'version', id: 'version.exhausted', severity: 'error', params: { last, max: MAX_VERSION.toString() } } };
    }
    return { ok: true, version: version.toString() };
  }

  /**
   * Like `tryNext`, for callers that take a string: throws `VersionExhaustedError` rather than
   * ever returning a version above int64 (reachable only from a version at the bound).
   */
  next(key: string, after?: string): string {
    const next = this.tryNext(key, after);
    if (!next.ok) throw new VersionExhaustedError(next.issue);
    return next.version;
  }

  /**
   * Whether a send for `key` that used `version` was overtaken by a newer local send: the last
   * version recorded for the key is above both `version` and what was recorded when that send
   * started (`lastAtStart`), so another send reserved (automatic) or had accepted (manual) a newer
   * one meanwhile. A send whose own manual version is below an old remembered one is not overtaken:
   * it is only stale. A store that evicted the key says "not overtaken", the safe side: the send
   * then answers a conflict as any other, with one newer version.
   */
  isOvertaken(key: string, version: string, lastAtStart: string | undefined): boolean {
    const last = usable(this.#store.get(key));
    if (last === undefined) return false;
    const own = usable(version) ?? 0n;
    const before = usable(lastAtStart) ?? 0n;
    return last > own && last > before;
  }

  /**
   * Records a version the server accepted (or may hold: no answer came), so later automatic ones
   * stay newer. The client calls it for manual versions only then, never before sending: a
   * manual version the server refused would otherwise push every later send for the user above
   * it, across restarts (and, at the int64 bound, make them impossible).
   */
  observe(key: string, version: string): void {
    // Above int64 it cannot have been accepted: remembering it would only block later sends.
    const value = usable(version);
    if (value === undefined) {
      return;
    }
    const last = usable(this.#store.get(key));
    if (last === undefined || value > last) {
      this.#record(key, value);
    } else {
      this.#highWater = maxBig(this.#highWater, value);
    }
  }

  #candidate(key: string, after: string | undefined): bigint {
    // The key's own history is a hard floor; the cross-key high-water mark is a courtesy that
    // yields at the bound, so one user at int64 max never blocks the others.
    let candidate = BigInt(Math.floor(this.#now()));
    const last = usable(this.#store.get(key));
    if (last !== undefined) {
      candidate = maxBig(candidate, last + 1n);
    }
    if (after !== undefined && /^\d+$/.test(after)) {
      candidate = maxBig(candidate, BigInt(after) + 1n);
    }
    if (this.#highWater < MAX_VERSION) {
      candidate = maxBig(candidate, this.#highWater + 1n);
    }
    return candidate;
  }

  #record(key: string, version: bigint): void {
    this.#highWater = maxBig(this.#highWater, version);
    // The store may persist asynchronously; the in-memory high-water mark already guards this process.
    void this.#store.set(key, version.toString());
  }
}
