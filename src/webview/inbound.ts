// Everything that reaches the form from outside (host messages, saved state) passes through here
// and comes out with the declared types, or not at all. Renderers can then trust the types.
import type { Guidance } from '../core/catalog.ts';
import type { MessageId } from '../core/messages.ts';
import type { BadgeCommandResult, CommandErrorKind } from '../core/result.ts';
import type { ClientBadgeNum, RetryReason, RetryRecord, UserIdType } from '../core/types.ts';
import type { Draft, FormResult, FromHost, HistoryItem, HostState, RememberedInfo, Target } from '../shared/protocol.ts';
import { EMPTY_DRAFT, FORM_HISTORY_MAX, HISTORY_MAX, USER_ID_TYPE_VALUES, parseDraft } from '../shared/protocol.ts';

type Bag = Record<string, unknown>;

const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const oneOf = <T extends string>(values: readonly T[], value: unknown): T | undefined => values.find((item) => item === value);
const list = <T>(value: unknown, read: (item: unknown) => T | undefined): T[] =>
  Array.isArray(value) ? value.map(read).filter((item): item is T => item !== undefined) : [];

/** Sets `key` only when `value` is defined (the types use optional, not `| undefined`, fields). */
function put<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

const ERROR_KINDS: readonly CommandErrorKind[] = [
  'validation',
  'no-credentials',
  'bad-settings',
  'untrusted-origin',
  'not-sent',
  'timeout',
  'network',
  'invalid-response',
  'api',
  'cancelled',
];
const RETRY_REASONS: readonly RetryReason[] = ['rate-limited', 'server-error', 'network', 'version-conflict', 'concurrent-update', 'token-invalid'];

export function readTarget(value: unknown): Target | undefined {
  if (!isBag(value)) return undefined;
  const userId = str(value.userId);
  const userIdType: UserIdType | undefined = oneOf(USER_ID_TYPE_VALUES, value.userIdType);
  return userId === undefined || userIdType === undefined ? undefined : { userId, userIdType };
}

const count = (value: unknown): number | undefined => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined);

/** Counts of one client: `undefined` when absent or not an object of whole non-negative numbers. */
function readCounts(value: unknown): ClientBadgeNum | undefined {
  if (!isBag(value)) return undefined;
  const out: ClientBadgeNum = {};
  for (const key of ['web_app', 'gadget'] as const) {
    if (value[key] === undefined) continue;
    const n = count(value[key]);
    if (n === undefined) return undefined;
    out[key] = n;
  }
  return out;
}

/** Reads an optional client's counts: ok with `undefined` when absent, not ok when malformed. */
function optionalCounts(value: unknown): { ok: true; counts?: ClientBadgeNum } | { ok: false } {
  if (value === undefined) return { ok: true };
  const counts = readCounts(value);
  return counts === undefined ? { ok: false } : { ok: true, counts };
}

export function readRemembered(value: unknown): RememberedInfo | undefined {
  if (!isBag(value)) return undefined;
  const version = str(value.version);
  const at = num(value.at);
  const pc = optionalCounts(value.pc);
  const mobile = optionalCounts(value.mobile);
  if (version === undefined || at === undefined || !pc.ok || !mobile.ok) return undefined;
  const info: RememberedInfo = { version, at };
  put(info, 'pc', pc.counts);
  put(info, 'mobile', mobile.counts);
  return info;
}

/** One history entry; anything malformed (wrong index, type or counts) drops the entry. */
export function readHistoryItem(value: unknown): HistoryItem | undefined {
  if (!isBag(value)) return undefined;
  const index = value.index;
  const at = num(value.at);
  const userId = str(value.userId);
  const userIdType = oneOf(USER_ID_TYPE_VALUES, value.userIdType);
  const pc = optionalCounts(value.pc);
  const mobile = optionalCounts(value.mobile);
  if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= HISTORY_MAX) return undefined;
  if (at === undefined || userId === undefined || userIdType === undefined || typeof value.ok !== 'boolean' || !pc.ok || !mobile.ok) return undefined;
  if (value.code !== undefined && num(value.code) === undefined) return undefined;
  const item: HistoryItem = { index: index as number, at, userId, userIdType, ok: value.ok };
  put(item, 'pc', pc.counts);
  put(item, 'mobile', mobile.counts);
  put(item, 'code', num(value.code));
  return item;
}

export function readHostState(value: unknown): HostState | undefined {
  if (!isBag(value)) return undefined;
  const state: HostState = {
    locale: value.locale === 'zh-cn' ? 'zh-cn' : 'en',
    domain: str(value.domain) ?? '',
    hasCredentials: value.hasCredentials === true,
    recentUsers: list(value.recentUsers, readTarget),
  };
  if (isBag(value.profile) && str(value.profile.name) !== undefined) {
    state.profile = { name: str(value.profile.name) ?? '', production: value.profile.production === true };
  }
  put(state, 'baseUrl', str(value.baseUrl));
  put(state, 'settingsProblem', str(value.settingsProblem));
  put(state, 'credentialKind', oneOf(['self-built', 'manual'] as const, value.credentialKind));
  put(state, 'appId', str(value.appId));
  put(state, 'defaultTarget', readTarget(value.defaultTarget));
  put(state, 'userIdType', oneOf(USER_ID_TYPE_VALUES, value.userIdType));
  if (Array.isArray(value.history)) state.history = list(value.history, readHistoryItem).slice(0, FORM_HISTORY_MAX);
  return state;
}

function readRetry(value: unknown): RetryRecord | undefined {
  if (!isBag(value)) return undefined;
  const attempt = num(value.attempt);
  const reason = oneOf(RETRY_REASONS, value.reason);
  if (attempt === undefined || reason === undefined) return undefined;
  const retry: RetryRecord = { attempt, reason, delayMs: num(value.delayMs) ?? 0 };
  put(retry, 'httpStatus', num(value.httpStatus));
  put(retry, 'code', num(value.code));
  put(retry, 'newVersion', str(value.newVersion));
  return retry;
}

function readGuidance(value: unknown): Guidance | undefined {
  if (!isBag(value)) return undefined;
  const title = str(value.title);
  if (title === undefined) return undefined;
  const guidance: Guidance = {
    id: str(value.id) ?? '',
    title,
    explanation: str(value.explanation) ?? '',
    steps: list(value.steps, str),
    docUrl: str(value.docUrl) ?? '',
    retryable: value.retryable === true,
  };
  put(guidance, 'code', num(value.code));
  return guidance;
}

type Issue = NonNullable<BadgeCommandResult['issues']>[number];

function readIssue(value: unknown): Issue | undefined {
  if (!isBag(value)) return undefined;
  const message = str(value.message);
  if (message === undefined) return undefined;
  // Only path and message are shown; the id is kept as given.
  return { path: str(value.path) ?? '', id: (str(value.id) ?? '') as MessageId, severity: value.severity === 'warning' ? 'warning' : 'error', message };
}

export function readResult(value: unknown): BadgeCommandResult | undefined {
  if (!isBag(value) || typeof value.ok !== 'boolean') return undefined;
  const result: BadgeCommandResult = { ok: value.ok, attempts: num(value.attempts) ?? 0 };
  put(result, 'version', str(value.version));
  put(result, 'durationMs', num(value.durationMs));
  put(result, 'httpStatus', num(value.httpStatus));
  put(result, 'code', num(value.code));
  put(result, 'msg', str(value.msg));
  put(result, 'logId', str(value.logId));
  put(result, 'error', oneOf(ERROR_KINDS, value.error));
  put(result, 'stage', oneOf(['token', 'badge'] as const, value.stage));
  if (Array.isArray(value.issues)) result.issues = list(value.issues, readIssue);
  if (Array.isArray(value.retries)) result.retries = list(value.retries, readRetry);
  put(result, 'guidance', readGuidance(value.guidance));
  return result;
}

export function readFormResult(value: unknown): FormResult | undefined {
  if (!isBag(value)) return undefined;
  const requestId = str(value.requestId);
  const result = readResult(value.result);
  if (requestId === undefined || result === undefined) return undefined;
  const formResult: FormResult = { requestId, result };
  put(formResult, 'raw', str(value.raw));
  put(formResult, 'action', oneOf(['send', 'clear'] as const, value.action));
  return formResult;
}

/** A host message with the declared shape, or `undefined` for anything else. */
export function readFromHost(data: unknown): FromHost | undefined {
  if (!isBag(data)) return undefined;
  switch (data.type) {
    case 'state': {
      const state = readHostState(data.state);
      return state === undefined ? undefined : { type: 'state', state };
    }
    case 'version': {
      const target = readTarget(data.target);
      if (target === undefined || (data.version !== undefined && typeof data.version !== 'string')) return undefined;
      const version: Extract<FromHost, { type: 'version' }> = { type: 'version', target, version: data.version };
      // A malformed remembered state is dropped, not the version estimate with it.
      put(version, 'remembered', readRemembered(data.remembered));
      return version;
    }
    case 'busy': {
      const requestId = str(data.requestId);
      const action = oneOf(['send', 'clear'] as const, data.action);
      return requestId === undefined || action === undefined ? undefined : { type: 'busy', requestId, action };
    }
    case 'result': {
      const payload = readFormResult(data.payload);
      return payload === undefined ? undefined : { type: 'result', payload };
    }
    case 'copied': {
      const what = oneOf(['curl', 'http', 'logId'] as const, data.what);
      return what === undefined ? undefined : { type: 'copied', what };
    }
    default:
      return undefined;
  }
}

/** What the form keeps with `vscode.setState`, so hiding or reloading the view loses nothing. */
export interface SavedState {
  draft: Draft;
  /** The last host state, so a reload renders in the right language at once. */
  host?: HostState;
  /** The host's estimate of the next automatic version, for the target it was asked about. */
  version?: { target: Target; version: string };
  /** What the host said the extension last set for a target (`badge` absent: never set). */
  remembered?: { target: Target; badge?: RememberedInfo };
  result?: FormResult;
  resultAction?: 'send' | 'clear';
}

/** Saved state from an older or broken build degrades field by field instead of failing whole. */
export function readSavedState(value: unknown): SavedState {
  if (!isBag(value)) return { draft: { ...EMPTY_DRAFT } };
  const stored = isBag(value.draft) ? value.draft : {};
  let draft: Draft = { ...EMPTY_DRAFT };
  for (const key of Object.keys(EMPTY_DRAFT)) {
    if (key in stored) draft = parseDraft({ ...draft, [key]: stored[key] }) ?? draft;
  }
  const saved: SavedState = { draft };
  put(saved, 'host', readHostState(value.host));
  if (isBag(value.version)) {
    const target = readTarget(value.version.target);
    const version = str(value.version.version);
    if (target !== undefined && version !== undefined) saved.version = { target, version };
  }
  if (isBag(value.remembered)) {
    const target = readTarget(value.remembered.target);
    const badge = readRemembered(value.remembered.badge);
    // A malformed badge is unknown, not "never set".
    if (target !== undefined && (value.remembered.badge === undefined || badge !== undefined)) saved.remembered = badge === undefined ? { target } : { target, badge };
  }
  put(saved, 'result', readFormResult(value.result));
  put(saved, 'resultAction', oneOf(['send', 'clear'] as const, value.resultAction));
  return saved;
}
