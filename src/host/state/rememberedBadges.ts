import * as v from 'valibot';
import { mergeRemembered } from '../../core/badgeState.ts';
import type { KeyValueStore, RememberedBadge } from '../../core/badgeState.ts';
import type { BadgeBody } from '../../core/types.ts';
import { BucketedLru, bucketOf, userKey } from './buckets.ts';
import type { BucketOptions, BucketOwner } from './buckets.ts';
import { countsSchema } from './read.ts';
import type { StateLog } from './read.ts';

const PREFIX = 'feishuBadge.badges:';
/** Where releases before bounded state kept one key per user (read, never written). */
const LEGACY_PREFIX = 'feishuBadge.badge:';
export const BADGES_PER_BUCKET = 1_000;

const rememberedSchema = v.object({
  version: v.pipe(v.string(), v.maxLength(32)),
  at: v.number(),
  pc: v.optional(countsSchema),
  mobile: v.optional(countsSchema),
});

/**
 * What the extension last set per user, in one bounded map per API base and app: the most
 * recently set BADGES_PER_BUCKET users are remembered (the form and the status bar ask about one
 * user at a time; a bulk run of 100,000 leaves the last ones). Writes are batched (see PersistedLru).
 */
export class RememberedBadgeStore {
  readonly #store: KeyValueStore;
  readonly #maps: BucketedLru<RememberedBadge>;

  constructor(store: KeyValueStore, log: StateLog, options: BucketOptions = {}) {
    this.#store = store;
    this.#maps = new BucketedLru<RememberedBadge>({
      store,
      log,
      prefix: PREFIX,
      value: rememberedSchema as v.GenericSchema<unknown, RememberedBadge>,
      cap: options.cap ?? BADGES_PER_BUCKET,
      // Two windows: what was set last wins.
      merge: (ours, theirs) => (theirs.at > ours.at ? theirs : ours),
      ...(options.policy === undefined ? {} : { policy: options.policy }),
    });
  }

  get(owner: BucketOwner, userIdType: string, userId: string): RememberedBadge | undefined {
    const known = this.#maps.of(bucketOf(owner)).get(userKey(userIdType, userId));
    if (known !== undefined) return known;
    // A release before bounded state: one key per user, under the client's version key.
    const legacy = v.safeParse(rememberedSchema, this.#store.get(`${LEGACY_PREFIX}${bucketOf(owner)}|${userKey(userIdType, userId)}`));
    return legacy.success ? (legacy.output as RememberedBadge) : undefined;
  }

  /** Keeps what was set, merged: a request without pc leaves pc as it was on the server. */
  recordSet(owner: BucketOwner, userIdType: string, body: Pick<BadgeBody, 'user_id' | 'pc' | 'mobile'>, version: string, at = Date.now()): void {
    this.#maps.of(bucketOf(owner)).set(userKey(userIdType, body.user_id), mergeRemembered(this.get(owner, userIdType, body.user_id), body, version, at));
  }

  /** Writes what is pending now. */
  flush(): Promise<void> {
    return this.#maps.flush();
  }
}
