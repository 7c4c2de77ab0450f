import * as v from 'valibot';
import { RECENT_USERS_MAX, addRecentUser } from '../../core/badgeState.ts';
import type { KeyValueStore, Target } from '../../core/badgeState.ts';
import { readStored, readStoredList, targetSchema } from './read.ts';

const LAST_TARGET_KEY = 'feishuBadge.lastTarget';
const RECENT_KEY = 'feishuBadge.recentUsers';

/** The user last sent to, and the recent ones (IDs only: not secret). */
export class RecentUsersStore {
  readonly #store: KeyValueStore;

  constructor(store: KeyValueStore) {
    this.#store = store;
  }

  get last(): Target | undefined {
    return readStored(v.optional(targetSchema), this.#store.get(LAST_TARGET_KEY), undefined);
  }

  /** Most recent first. */
  get recent(): Target[] {
    return readStoredList(targetSchema, this.#store.get(RECENT_KEY), RECENT_USERS_MAX);
  }

  async remember(target: Target): Promise<void> {
    const recent = addRecentUser(this.recent, target);
    await this.#store.update(LAST_TARGET_KEY, target);
    await this.#store.update(RECENT_KEY, recent);
  }
}
