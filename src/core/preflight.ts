// Bulk pre-flight (issue 10 §3): before a bulk send, learn each recipient's account status and
// whether the app is available to them, so the caller sends only to those a badge can reach and
// can say why the others were left out. Also the lookups "Why no red dot?" (diagnose.ts) shares.
import { callOpenApi, missingScopes, permissionPageUrl } from './openApi.ts';
import type { OpenApiRequest, Pace } from './openApi.ts';
import { outcomeFields } from './result.ts';
import type { BadgeCommandResult } from './result.ts';
import type { Transport } from './http.ts';
import type { RetryPolicyOptions } from './retry.ts';
import type { TokenManager } from './token.ts';
import type { Outcome, UserIdType } from './types.ts';
import type { PersonStatus } from './recipients.ts';

/**
 * Account status by ID: `GET /open-apis/contact/v3/users/batch?user_ids=…&user_ids=…&user_id_type=…`
 * → `data.items[]` with `status`. That this endpoint is the right one (and its limit of 50 IDs per
 * call) is our assumption from the contact API family, not something the badge documentation
 * names: people it does not return (another app's open_id, outside the contact range) are
 * reported as not found, never as inactive.
 */
export const USERS_BATCH_PATH = '/open-apis/contact/v3/users/batch';
export const USERS_BATCH_MAX = 50;
export const USER_BASE_SCOPE = 'contact:user.base:readonly';

/** Availability by ID; at most 100 IDs per call. */
export const VISIBILITY_CHECK_MAX = 100;
export const APP_VISIBILITY_SCOPE = 'admin:app.visibility:readonly';

export function visibilityCheckPath(appId: string): string {
  return `/open-apis/application/v6/applications/${encodeURIComponent(appId)}/visibility/check_white_black_list`;
}

/** Message ids (texts in diagnoseMessages.ts, English and 简体中文). */
export type PreflightReason =
  | 'preflight.black-list'
  | 'preflight.not-in-white-list'
  | 'preflight.resigned'
  | 'preflight.frozen'
  | 'preflight.not-activated'
  | 'preflight.exited'
  | 'preflight.not-found'
  | 'preflight.not-returned'
  | 'preflight.scope-missing'
  | 'preflight.check-failed'
  | 'preflight.cancelled';

export type InactiveReason = Extract<PreflightReason, 'preflight.resigned' | 'preflight.frozen' | 'preflight.not-activated' | 'preflight.exited'>;

export interface PreflightInput {
  appId: string;
  userIds: readonly string[];
  userIdType?: UserIdType;
}

export interface PreflightOptions {
  signal?: AbortSignal;
  pace?: Pace;
  /** Told after each block of up to 100 recipients: how many distinct recipients are checked so far, of how many. */
  onProgress?: (done: number, total: number) => void;
  retry?: Partial<RetryPolicyOptions>;
}

export interface PreflightEntry {
  id: string;
  reason: PreflightReason;
}

export interface PreflightResult {
  /** False when the checks stopped early (a failed call, cancelled); a missing scope leaves it true. */
  ok: boolean;
  /** Checked and clear, in order of first appearance, each once. */
  sendable: string[];
  notVisible: PreflightEntry[];
  inactive: PreflightEntry[];
  /** Status or availability could not be learned, or the answer was not conclusive. */
  unknown: PreflightEntry[];
  error?: BadgeCommandResult['error'];
  code?: number;
  msg?: string;
  logId?: string;
  /** The scopes the platform named as missing (for either lookup). */
  missingScopes?: string[];
  /** Where the missing scopes are granted. */
  permissionPage?: string;
}

/** The reasons an account cannot get a badge (213006), in the order they are named. */
export function inactiveReasons(status: PersonStatus | undefined): InactiveReason[] {
  if (status === undefined) return [];
  const reasons: InactiveReason[] = [];
  if (status.is_resigned === true) reasons.push('preflight.resigned');
  if (status.is_frozen === true) reasons.push('preflight.frozen');
  // Absent means unknown, not "not activated": only an explicit false counts.
  if (status.is_activated === false) reasons.push('preflight.not-activated');
  if (status.is_exited === true) reasons.push('preflight.exited');
  // is_unjoin is not used: the badge errors name resigned, frozen and not activated, and someone
  // who has not joined is also not activated.
  return reasons;
}

export interface StatusItem {
  name?: string;
  status?: PersonStatus;
}

/** The users/batch answer by the ID asked for (entries without that ID field are ignored). */
export function readStatusItems(response: unknown, idType: UserIdType): Map<string, StatusItem> {
  const items = (response as { data?: { items?: unknown } } | undefined)?.data?.items;
  const out = new Map<string, StatusItem>();
  if (!Array.isArray(items)) return out;
  for (const raw of items as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const entry = raw as Record<string, unknown>;
    const id = entry[idType];
    if (typeof id !== 'string') continue;
    const item: StatusItem = {};
    if (typeof entry.name === 'string') item.name = entry.name;
    if (typeof entry.status === 'object' && entry.status !== null) item.status = entry.status as PersonStatus;
    out.set(id, item);
  }
  return out;
}

export interface VisibilityEntry {
  inWhiteList?: boolean;
  inBlackList?: boolean;
  inPaidList?: boolean;
}

/** The check_white_black_list answer by the ID asked for. */
export function readVisibilityList(response: unknown): Map<string, VisibilityEntry> {
  const list = (response as { data?: { user_visibility_list?: unknown } } | undefined)?.data?.user_visibility_list;
  const out = new Map<string, VisibilityEntry>();
  if (!Array.isArray(list)) return out;
  for (const raw of list as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const entry = raw as Record<string, unknown>;
    if (typeof entry.user_id !== 'string') continue;
    const flag = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);
    const seen: VisibilityEntry = {};
    const white = flag(entry.in_white_list);
    const black = flag(entry.in_black_list);
    const paid = flag(entry.in_paid_list);
    if (white !== undefined) seen.inWhiteList = white;
    if (black !== undefined) seen.inBlackList = black;
    if (paid !== undefined) seen.inPaidList = paid;
    // The same ID answered twice: the more cautious answer stands (on the black list once is on it).
    const before = out.get(entry.user_id);
    if (before !== undefined) {
      if (before.inBlackList === true) seen.inBlackList = true;
      if (before.inWhiteList === false) seen.inWhiteList = false;
      else if (seen.inWhiteList === undefined && before.inWhiteList !== undefined) seen.inWhiteList = before.inWhiteList;
    }
    out.set(entry.user_id, seen);
  }
  return out;
}

type StatusKnowledge = { kind: 'active' } | { kind: 'inactive'; reason: InactiveReason } | { kind: 'unknown'; reason: PreflightReason };

/**
 * Availability, by one rule: only `in_black_list === true` makes a recipient `notVisible`. The
 * black list wins over everything and the answer is definite. "Not in the white list" is not
 * treated as definite: whether membership through a department or group counts in this answer is
 * not documented, so such a person may well see the app. Leaving out someone who would have got
 * the badge fails silently, while sending to someone who cannot costs one 213007 answer; so they
 * go to `unknown` with 'preflight.not-in-white-list', and the caller decides (as for a missing
 * scope). `in_paid_list` is not used: it concerns seats of paid store apps, and nothing documents
 * it as deciding 213007.
 */
type VisibilityKnowledge = { kind: 'visible' } | { kind: 'black' } | { kind: 'unknown'; reason: PreflightReason };

function visibilityKnowledge(entry: VisibilityEntry): VisibilityKnowledge {
  if (entry.inBlackList === true) return { kind: 'black' };
  if (entry.inWhiteList === true) return { kind: 'visible' };
  return { kind: 'unknown', reason: 'preflight.not-in-white-list' };
}

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Checks every recipient, one block of 100 at a time: one availability call (100 IDs) and two
 * status calls (50 IDs each), one call at a time, so progress moves in recipients and a failure
 * leaves the earlier blocks' answers intact. A lookup the app has no scope for is not repeated:
 * its half of every recipient is unknown. Any other failed call (after callOpenApi's retries)
 * stops the pre-flight: what was not learned by then is unknown, and `ok` is false.
 */
export async function preflight(transport: Transport, tokens: TokenManager, input: PreflightInput, options: PreflightOptions = {}): Promise<PreflightResult> {
  const idType = input.userIdType ?? 'open_id';
  const ids = [...new Set(input.userIds)];
  const { signal } = options;
  const callOptions = {
    ...(signal === undefined ? {} : { signal }),
    ...(options.pace === undefined ? {} : { pace: options.pace }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  };
  const status = new Map<string, StatusKnowledge>();
  const visibility = new Map<string, VisibilityKnowledge>();
  let statusDenied = false;
  let visibilityDenied = false;
  const scopes: string[] = [];
  // A holder, not a `let`: it is set inside `call`, where the compiler's narrowing cannot see it.
  const halt: { stopped?: { reason: 'preflight.check-failed' | 'preflight.cancelled'; outcome: Exclude<Outcome, { kind: 'success' }> } } = {};

  /** The outcome, or why to stop ('denied' for a missing scope, already recorded). */
  const call = async (request: OpenApiRequest, fallbackScope: string): Promise<Extract<Outcome, { kind: 'success' }> | 'denied' | 'stop'> => {
    const outcome: Outcome = signal?.aborted === true ? { kind: 'cancelled' } : await callOpenApi(transport, tokens, request, callOptions);
    if (outcome.kind === 'success') return outcome;
    const named = missingScopes(outcome, fallbackScope);
    if (named !== undefined) {
      for (const scope of named) if (!scopes.includes(scope)) scopes.push(scope);
      return 'denied';
    }
    halt.stopped = { reason: outcome.kind === 'cancelled' ? 'preflight.cancelled' : 'preflight.check-failed', outcome };
    return 'stop';
  };

  blocks: for (const [index, block] of chunks(ids, VISIBILITY_CHECK_MAX).entries()) {
    if (!visibilityDenied) {
      const answer = await call({ method: 'POST', path: visibilityCheckPath(input.appId), query: { user_id_type: idType }, body: { user_ids: block } }, APP_VISIBILITY_SCOPE);
      if (answer === 'stop') break blocks;
      if (answer === 'denied') visibilityDenied = true;
      else {
        const seen = readVisibilityList(answer.response);
        for (const id of block) {
          const entry = seen.get(id);
          visibility.set(id, entry === undefined ? { kind: 'unknown', reason: 'preflight.not-returned' } : visibilityKnowledge(entry));
        }
      }
    }
    for (const part of chunks(block, USERS_BATCH_MAX)) {
      if (statusDenied) break;
      const answer = await call({ method: 'GET', path: USERS_BATCH_PATH, query: { user_ids: part, user_id_type: idType } }, USER_BASE_SCOPE);
      if (answer === 'stop') break blocks;
      if (answer === 'denied') {
        statusDenied = true;
        break;
      }
      const found = readStatusItems(answer.response, idType);
      for (const id of part) {
        const item = found.get(id);
        const reason = inactiveReasons(item?.status)[0];
        status.set(id, item === undefined ? { kind: 'unknown', reason: 'preflight.not-found' } : reason === undefined ? { kind: 'active' } : { kind: 'inactive', reason });
      }
    }
    options.onProgress?.(Math.min(ids.length, (index + 1) * VISIBILITY_CHECK_MAX), ids.length);
  }

  // What was never learned: denied for good, or cut short by the stop.
  const unlearned = (denied: boolean): PreflightReason => (denied ? 'preflight.scope-missing' : (halt.stopped?.reason ?? 'preflight.check-failed'));
  const { stopped } = halt;
  const result: PreflightResult = { ok: stopped === undefined, sendable: [], notVisible: [], inactive: [], unknown: [] };
  for (const id of ids) {
    const st = status.get(id) ?? { kind: 'unknown', reason: unlearned(statusDenied) };
    const vis = visibility.get(id) ?? { kind: 'unknown', reason: unlearned(visibilityDenied) };
    // One place per recipient. Definite answers first: an inactive account fails whatever the
    // availability (213006 is what the person would get), and a black-listed one whatever its
    // status is known to be; then the first thing not learned.
    if (st.kind === 'inactive') result.inactive.push({ id, reason: st.reason });
    else if (vis.kind === 'black') result.notVisible.push({ id, reason: 'preflight.black-list' });
    else if (st.kind === 'unknown') result.unknown.push({ id, reason: st.reason });
    else if (vis.kind === 'unknown') result.unknown.push({ id, reason: vis.reason });
    else result.sendable.push(id);
  }
  if (scopes.length > 0) {
    result.missingScopes = scopes.slice(0, 10);
    result.permissionPage = permissionPageUrl(consoleOriginFor(transport.baseUrl), input.appId);
  }
  if (stopped !== undefined) {
    const fields = outcomeFields(stopped.outcome);
    if (fields.error !== undefined) result.error = fields.error;
    if (fields.code !== undefined) result.code = fields.code;
    if (fields.msg !== undefined) result.msg = fields.msg;
    if (fields.logId !== undefined) result.logId = fields.logId;
  }
  return result;
}

/**
 * The developer console for an API base: Lark's for larksuite.com, Feishu's otherwise. A private
 * deployment's console is not at a documented address, so it gets Feishu's too: the link is a
 * hint, and the scope names beside it are what matters.
 */
export function consoleOriginFor(baseUrl: string): string {
  let host = '';
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    // Not a URL: the default below.
  }
  return host === 'larksuite.com' || host.endsWith('.larksuite.com') ? 'https://open.larksuite.com' : 'https://open.feishu.cn';
}
