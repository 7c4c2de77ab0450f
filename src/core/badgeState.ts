// What the extension remembers between sends, as pure rules over plain data: the request
// history, recent users, what was last set per user, and bulk-run ids. The host keeps the data
// in VS Code's globalState through the `KeyValueStore` below (the way `VersionStore` works), so
// these rules are tested in plain Node.
import type { BadgeBody, ClientBadgeNum, UserIdType } from './types.ts';

/** A key-value store (VS Code's Memento has this shape). */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void> | void;
}

/** A user a badge is sent to. */
export interface Target {
  userId: string;
  userIdType: UserIdType;
}

/** What the extension last set for a user (the API cannot read a badge back). */
export interface RememberedBadge {
  pc?: ClientBadgeNum;
  mobile?: ClientBadgeNum;
  version: string;
  at: number;
}

/** One sent request, kept for re-sending: the body as sent, never a token. */
export interface HistoryEntry {
  at: number;
  baseUrl: string;
  /** The profile it was sent with (absent in entries from before profiles were remembered). */
  profileId?: string;
  userIdType: UserIdType;
  body: BadgeBody;
  ok: boolean;
  code?: number;
  logId?: string;
}

export const HISTORY_MAX = 50;
export const RECENT_USERS_MAX = 10;

export const sameTarget = (a: Target, b: Target): boolean => a.userId === b.userId && a.userIdType === b.userIdType;

/** The history with `entry` first, at most HISTORY_MAX entries. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...history].slice(0, HISTORY_MAX);
}

/** Recent users with `target` first, each once, at most RECENT_USERS_MAX. */
export function addRecentUser(recent: readonly Target[], target: Target): Target[] {
  return [target, ...recent.filter((t) => !sameTarget(t, target))].slice(0, RECENT_USERS_MAX);
}

/**
 * What a user's badge is after a successful set: a request without `pc` (or `mobile`) leaves
 * that side as it was on the server, so it keeps what was remembered.
 */
export function mergeRemembered(previous: RememberedBadge | undefined, body: Pick<BadgeBody, 'pc' | 'mobile'>, version: string, at: number): RememberedBadge {
  const pc = body.pc ?? previous?.pc;
  const mobile = body.mobile ?? previous?.mobile;
  return { version, at, ...(pc === undefined ? {} : { pc }), ...(mobile === undefined ? {} : { mobile }) };
}

/** Whether remembered counts show a badge (any count above zero). */
export function hasCounts(badge: RememberedBadge | undefined): boolean {
  return badge !== undefined && [badge.pc, badge.mobile].some((c) => (c?.web_app ?? 0) > 0 || (c?.gadget ?? 0) > 0);
}

export type ResendLookup = { ok: true; index: number; entry: HistoryEntry } | { ok: false; reason: 'out-of-range' | 'gone' };

/**
 * The history entry to re-send: `index` as listed, pinned by its timestamp `at` when given
 * (sends since the list was drawn move indexes, not timestamps).
 */
export function findResend(history: readonly HistoryEntry[], index: number, at?: number): ResendLookup {
  if (!Number.isInteger(index) || index < 0 || index >= history.length) return { ok: false, reason: 'out-of-range' };
  let found = index;
  if (at !== undefined && history[index]?.at !== at) {
    found = history.findIndex((entry) => entry.at === at);
    if (found === -1) return { ok: false, reason: 'gone' };
  }
  const entry = history[found];
  return entry === undefined ? { ok: false, reason: 'gone' } : { ok: true, index: found, entry };
}

/** FNV-1a over the items and the target API: the same list to the same place resumes. */
export function bulkRunId(items: readonly unknown[], where: string): string {
  let hash = 0x811c9dc5;
  const text = `${where}\n${JSON.stringify(items)}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${hash.toString(16)}-${items.length}`;
}

/** Counts as `web_app/gadget`, `–` for what is absent: one formatter for every surface. */
export function formatCounts(counts: ClientBadgeNum | undefined): string {
  return counts === undefined ? '–' : `${counts.web_app ?? '–'}/${counts.gadget ?? '–'}`;
}
