import * as v from 'valibot';
import { mergeRemembered } from '../../core/badgeState.ts';
import type { KeyValueStore, RememberedBadge } from '../../core/badgeState.ts';
import type { BadgeBody } from '../../core/types.ts';
import { countsSchema, readRepaired } from './read.ts';
import type { StateLog } from './read.ts';

const PREFIX = 'feishuBadge.badge:';

const rememberedSchema = v.object({
  version: v.string(),
  at: v.number(),
  pc: v.optional(countsSchema),
  mobile: v.optional(countsSchema),
});

/** What the extension last set per (API base, app, user), keyed by the client's version key. */
export class RememberedBadgeStore {
  readonly #store: KeyValueStore;
  readonly #log: StateLog;

  constructor(store: KeyValueStore, log: StateLog) {
    this.#store = store;
    this.#log = log;
  }

  get(key: string): RememberedBadge | undefined {
    return readRepaired(this.#store, this.#log, PREFIX + key, v.optional(rememberedSchema), undefined);
  }

  /** Keeps what was set, merged: a request without pc leaves pc as it was on the server. */
  async recordSet(key: string, body: Pick<BadgeBody, 'pc' | 'mobile'>, version: string, at = Date.now()): Promise<void> {
    await this.#store.update(PREFIX + key, mergeRemembered(this.get(key), body, version, at));
  }
}
