import * as v from 'valibot';
import type { KeyValueStore } from '../../core/badgeState.ts';
import type { VersionStore } from '../../core/versions.ts';
import { BucketedLru, bucketOf } from './buckets.ts';
import type { BucketOptions, BucketOwner } from './buckets.ts';
import type { StateLog } from './read.ts';

const PREFIX = 'feishuBadge.versions:';
/** Where releases before bounded state kept one key per user (read, never written). */
const LEGACY_PREFIX = 'feishuBadge.version:';
export const VERSIONS_PER_BUCKET = 1_000;

const DIGITS = /^\d{1,19}$/;
const versionSchema = v.pipe(v.string(), v.regex(DIGITS));
const newer = (a: string, b: string): boolean => BigInt(a) > BigInt(b);
const floorOf = (extra: unknown): string | undefined => {
  const floor = (extra as { floor?: unknown } | undefined)?.floor;
  return typeof floor === 'string' && DIGITS.test(floor) ? floor : undefined;
};

/**
 * The last version per user, in one bounded map per API base and app (globalState stays small
 * after a 100,000-user run). Evicting a user's version must never let a later version go back:
 * versions are epoch milliseconds, so a forgotten one is below the clock's next, except a manual
 * version set in the future, or one handed out ahead of the clock in a burst. Those are folded
 * into the bucket's floor (stored with the map); a user without an entry reads the floor while
 * it is ahead of the clock.
 */
export class VersionStates {
  readonly #store: KeyValueStore;
  readonly #now: () => number;
  readonly #maps: BucketedLru<string>;

  constructor(store: KeyValueStore, log: StateLog, options: BucketOptions & { now?: () => number } = {}) {
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#maps = new BucketedLru<string>({
      store,
      log,
      prefix: PREFIX,
      value: versionSchema,
      cap: options.cap ?? VERSIONS_PER_BUCKET,
      ...(options.policy === undefined ? {} : { policy: options.policy }),
      onEvict: (bucket, _key, version) => this.#raiseFloor(bucket, version),
      // Two windows: the newer version of a user wins, and the higher floor.
      merge: (ours, theirs) => (newer(theirs, ours) ? theirs : ours),
      mergeExtra: (ours, theirs) => {
        const a = floorOf(ours);
        const b = floorOf(theirs);
        if (a === undefined) return b === undefined ? ours : { floor: b };
        return b !== undefined && newer(b, a) ? { floor: b } : { floor: a };
      },
    });
  }

  /** The bucket's floor: the newest evicted version, kept only while it may be ahead of the clock. */
  #floor(bucket: string): string | undefined {
    return floorOf(this.#maps.of(bucket).extra);
  }

  #raiseFloor(bucket: string, version: string): void {
    // Every version handed out is at least the clock's time then, so only one still ahead of
    // the clock now can be overtaken later; the floor is written with the map's next batch.
    if (!newer(version, String(this.#now()))) return;
    const floor = this.#floor(bucket);
    if (floor !== undefined && !newer(version, floor)) return;
    const map = this.#maps.of(bucket);
    map.extra = { floor: version };
    map.touch();
  }

  /** The version store of one API base and app, for its VersionClock (keys are the client's version keys). */
  storeFor(owner: BucketOwner): VersionStore {
    const bucket = bucketOf(owner);
    const prefix = `${bucket}|`;
    const map = this.#maps.of(bucket);
    const inner = (key: string): string => (key.startsWith(prefix) ? key.slice(prefix.length) : key);
    return {
      get: (key) => {
        const known = map.get(inner(key));
        if (known !== undefined) return known;
        // Not in the map: the newer of an older release's key and the floor while it is ahead of the clock.
        const legacy = this.#store.get(LEGACY_PREFIX + key);
        const old = typeof legacy === 'string' && DIGITS.test(legacy) ? legacy : undefined;
        const floor = this.#floor(bucket);
        const ahead = floor !== undefined && newer(floor, String(this.#now())) ? floor : undefined;
        if (old === undefined) return ahead;
        return ahead !== undefined && newer(ahead, old) ? ahead : old;
      },
      set: (key, version) => map.set(inner(key), version),
    };
  }

  flush(): Promise<void> {
    return this.#maps.flush();
  }
}
