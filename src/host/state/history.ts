import * as v from 'valibot';
import { HISTORY_MAX, addToHistory } from '../../core/badgeState.ts';
import type { HistoryEntry, KeyValueStore } from '../../core/badgeState.ts';
import { USER_ID_TYPES } from '../../core/types.ts';
import { countsSchema, readRepairedList } from './read.ts';
import type { StateLog } from './read.ts';

const HISTORY_KEY = 'feishuBadge.history';

const entrySchema = v.object({
  at: v.number(),
  baseUrl: v.string(),
  profileId: v.optional(v.string()),
  userIdType: v.picklist(USER_ID_TYPES),
  body: v.object({
    user_id: v.string(),
    version: v.string(),
    extra: v.optional(v.string()),
    pc: v.optional(countsSchema),
    mobile: v.optional(countsSchema),
  }),
  ok: v.boolean(),
  code: v.optional(v.number()),
  logId: v.optional(v.string()),
});

/** The last requests sent (most recent first, at most HISTORY_MAX): bodies only, never a token. */
export class HistoryStore {
  readonly #store: KeyValueStore;
  readonly #log: StateLog;

  constructor(store: KeyValueStore, log: StateLog) {
    this.#store = store;
    this.#log = log;
  }

  get entries(): HistoryEntry[] {
    return readRepairedList(this.#store, this.#log, HISTORY_KEY, entrySchema, HISTORY_MAX);
  }

  async add(entry: HistoryEntry): Promise<void> {
    await this.#store.update(HISTORY_KEY, addToHistory(this.entries, entry));
  }
}
