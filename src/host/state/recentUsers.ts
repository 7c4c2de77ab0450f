import * as v from 'valibot';
import { RECENT_USERS_MAX, addRecentUser } from '../../core/badgeState.ts';
import type { KeyValueStore, Target } from '../../core/badgeState.ts';
import { readRepaired, readRepairedList, targetSchema } from './read.ts';
import type { StateLog } from './read.ts';

const LAST_TARGET_KEY = 'feishuBadge.lastTarget';
const RECENT_KEY = 'feishuBadge.recentUsers';

/** The user last sent to, and the recent ones (IDs only: not secret). */
export class RecentUsersStore {
  readonly #store: KeyValueStore;
  readonly #log: StateLog;

  constructor(store: KeyValueStore, log: StateLog) {
    this.#store = store;
    this.#log = log;
  }

  get last(): Target | undefined {
    return readRepaired(this.#store, this.#log, LAST_TARGET_KEY, v.optional(targetSchema), undefined);
  }

  /** Most recent first. */
  get recent(): Target[] {
    return readRepairedList(this.#store, this.#log, RECENT_KEY, targetSchema, RECENT_USERS_MAX);
  }

  async remember(target: Target): Promise<void> {
    const recent = addRecentUser(this.recent, target);
    await this.#store.update(LAST_TARGET_KEY, target);
    await this.#store.update(RECENT_KEY, recent);
  }
}
