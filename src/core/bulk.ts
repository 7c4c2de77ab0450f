import { describeResult, guidanceFor } from './guidance/guidance.ts';
import type { AttemptGate, BadgeClient } from './client.ts';
import { CODE_RATE_LIMITED } from './retry.ts';
import { RatePacer } from './pacer.ts';
export { RatePacer } from './pacer.ts';
export type { PacerOptions } from './pacer.ts';
import { toCommandResult } from './result.ts';
import type { BadgeCommandResult } from './result.ts';
import { validateBadge } from './schema.ts';
import type { ValidBadge, ValidationIssue } from './schema.ts';
import type { BadgeResult, Locale, UserIdType } from './types.ts';
import { VersionExhaustedError } from './versions.ts';

/**
 * `superseded`: the server answered a version conflict and a newer send for the same user (from
 * the form, the palette or another run) had gone out meanwhile; not re-sent, so the newer badge stays.
 */
export type BulkStatus = 'ok' | 'failed' | 'skipped' | 'invalid' | 'superseded' | BulkHoldStatus;

/**
 * Why an item is held back and not sent (issue 10): its email or mobile found nobody, or the
 * pre-flight found the person cannot see the app, is not active, or could not be checked.
 */
export type BulkHoldStatus = 'unresolved' | 'not-visible' | 'inactive' | 'unknown';

export interface BulkHold {
  status: BulkHoldStatus;
  /** A stable reason id (`recipient.no-such-person`, `preflight.black-list`, …). */
  reason: string;
  /** The reason in the display language. */
  detail: string;
  /** What the item named the person by, when it was an email or a mobile number. */
  input?: string;
}

export interface BulkItemResult {
  index: number;
  userId: string;
  userIdType: UserIdType | string;
  status: BulkStatus;
  result?: BadgeCommandResult;
  issues?: ValidationIssue[];
  /** Held back, not sent (status is the hold's). */
  hold?: BulkHold;
  /** The email or phone number the item named its person by (set by the caller that resolved it). */
  recipient?: string;
}

export interface BulkPlan {
  total: number;
  valid: Array<{ index: number; badge: ValidBadge; warnings: ValidationIssue[] }>;
  invalid: BulkItemResult[];
}

export interface PlanOptions {
  /** The ID type of items without `user_id_type` (the `feishuBadge.userIdType` setting); `open_id` when not given. */
  defaultUserIdType?: UserIdType | undefined;
}

/** Validates every item before anything is sent: the dry run and the real run share it. */
export function planBulk(items: readonly unknown[], options: PlanOptions = {}): BulkPlan {
  const valid: BulkPlan['valid'] = [];
  const invalid: BulkItemResult[] = [];
  items.forEach((item, index) => {
    const validation = validateBadge(item, { defaultUserIdType: options.defaultUserIdType });
    if (validation.ok) {
      valid.push({ index, badge: validation.value, warnings: validation.warnings });
    } else {
      const raw = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
      invalid.push({
        index,
        userId: typeof raw.user_id === 'string' ? raw.user_id : '',
        userIdType: typeof raw.user_id_type === 'string' ? raw.user_id_type : (options.defaultUserIdType ?? 'open_id'),
        status: 'invalid',
        issues: validation.errors,
      });
    }
  });
  return { total: items.length, valid, invalid };
}

/** Remembers finished items so a cancelled or interrupted run resumes without sending twice. */
export interface BulkCheckpoint {
  isDone(key: string): boolean;
  markDone(key: string): void | PromiseLike<void>;
}

export interface BulkOptions extends PlanOptions {
  concurrency?: number;
  signal?: AbortSignal;
  checkpoint?: BulkCheckpoint;
  onProgress?: (progress: { done: number; total: number; ok: number; failed: number; skipped: number }) => void;
  pacer?: RatePacer;
  /** How many times an item that ended rate-limited goes back in the queue. */
  maxRequeues?: number;
  /** When given, each failure carries the catalog's guidance in this language. */
  locale?: Locale;
  /**
   * The circuit breaker: after this many failures in a row that affect every user (token
   * errors, 5xx, gateway pages, refused, DNS, TLS, timeouts, app-level codes), the run stops
   * starting users (default 5; 0 turns it off). Requests on the wire finish and are recorded.
   */
  breakAfter?: number;
  /** Items (by index) held back and not sent: each is reported with its hold, valid or not. */
  hold?: ReadonlyMap<number, BulkHold>;
}

/** Why a run stopped by itself: the last of `after` systemic failures in a row. */
export interface BulkStop {
  after: number;
  /** What the last failure was: `code 10014`, `HTTP 502`, `network`, ... */
  reason: string;
  stage: 'token' | 'badge';
  code?: number;
  httpStatus?: number;
}

/** App- or token-level codes: every user gets the same answer, so sending on only repeats it. */
const SYSTEMIC_CODES = new Set([10003, 10014, 10015, 99991543, 99991661, 99991662, 99991663, 99991668, 99991671, 99991672, 99991673, 99991676, 99991677]);

/** Whether a send's failure is about the service or the app (the breaker counts these), not about this user. */
export function systemicFailure(sent: BadgeResult): BulkStop | undefined {
  if (sent.kind === 'success' || sent.kind === 'cancelled') return undefined;
  const stage = sent.kind === 'token-error' ? 'token' : 'badge';
  const outcome = sent.kind === 'token-error' ? sent.cause : sent;
  switch (outcome.kind) {
    case 'api-error': {
      const server = outcome.httpStatus >= 500;
      if (stage === 'badge' && !server && !SYSTEMIC_CODES.has(outcome.code)) return undefined;
      if (outcome.httpStatus === 429 || outcome.code === CODE_RATE_LIMITED) return undefined;
      return { after: 0, stage, reason: `code ${outcome.code}${server ? ` (HTTP ${outcome.httpStatus})` : ''}`, code: outcome.code, httpStatus: outcome.httpStatus };
    }
    case 'invalid-response':
      return { after: 0, stage, reason: `HTTP ${outcome.httpStatus}`, httpStatus: outcome.httpStatus };
    case 'network':
      return { after: 0, stage, reason: outcome.reason };
    default:
      return undefined;
  }
}

export interface BulkSummary {
  total: number;
  ok: number;
  failed: number;
  skipped: number;
  /** Not re-sent because a newer send for the same user went out meanwhile (status `superseded`). */
  superseded?: number;
  cancelled: boolean;
  durationMs: number;
  rateLimited: number;
  /** The circuit breaker stopped the run: the users not started are not in `results`. */
  stopped?: BulkStop;
  /** Valid users that were neither sent nor skipped (cancelled or stopped before their turn). */
  notSent?: number;
  /** Held back and not sent (`BulkOptions.hold`). */
  held?: number;
  results: BulkItemResult[];
}

// A function, so TypeScript does not carry an `aborted === false` narrowing across awaits.
const aborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

export function checkpointKey(index: number, badge: ValidBadge): string {
  return `${index}|${badge.userIdType}:${badge.body.user_id}`;
}

/**
 * Sends many badges. Items for one user go to one worker in order, so no user is ever written
 * twice at once (213004); workers share a RatePacer; conflicts and expired tokens are retried by
 * the client exactly as single sends are.
 */
export async function runBulk(client: BadgeClient, items: readonly unknown[], options: BulkOptions = {}): Promise<BulkSummary> {
  const started = Date.now();
  const plan = planBulk(items, { defaultUserIdType: options.defaultUserIdType });
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  const pacer = options.pacer ?? new RatePacer({ concurrency });
  const hold = options.hold;
  const heldResult = (item: Omit<BulkItemResult, 'status'>, why: BulkHold): BulkItemResult => {
    const { issues: _issues, ...rest } = item;
    return { ...rest, status: why.status, hold: why };
  };
  const results: BulkItemResult[] = plan.invalid.map((item) => {
    const why = hold?.get(item.index);
    return why === undefined ? item : heldResult(item, why);
  });
  const heldInvalid = results.filter((item) => item.hold !== undefined).length;
  let held = heldInvalid;
  const valid = hold === undefined || hold.size === 0 ? plan.valid : plan.valid.filter((entry) => {
    const why = hold.get(entry.index);
    if (why === undefined) return true;
    results.push(heldResult({ index: entry.index, userId: entry.badge.body.user_id, userIdType: entry.badge.userIdType }, why));
    held++;
    return false;
  });
  const counts = { done: plan.invalid.length + (plan.valid.length - valid.length), total: plan.total, ok: 0, failed: plan.invalid.length - heldInvalid, skipped: 0, superseded: 0 };
  const report = (): void => options.onProgress?.({ done: counts.done, total: counts.total, ok: counts.ok, failed: counts.failed, skipped: counts.skipped });

  // One queue per user, in input order; workers take whole users.
  const byUser = new Map<string, BulkPlan['valid']>();
  for (const entry of valid) {
    const key = `${entry.badge.userIdType}:${entry.badge.body.user_id}`;
    const list = byUser.get(key);
    if (list === undefined) byUser.set(key, [entry]);
    else list.push(entry);
  }
  const users = [...byUser.values()];
  let next = 0;
  const maxRequeues = options.maxRequeues ?? 5;
  const breakAfter = Math.max(0, Math.floor(options.breakAfter ?? 5));
  let systemicInARow = 0;
  let stopped: BulkStop | undefined;
  const halted = (): boolean => aborted(options.signal) || stopped !== undefined;
  const cancellableGate: AttemptGate = {
    // A stopped run starts no attempt, retries included: only requests on the wire finish.
    acquire: async () => {
      if (stopped !== undefined) return false;
      const granted = await pacer.acquire(options.signal);
      if (granted && stopped !== undefined) {
        // Stopped while this one waited for its slot: give the slot back unused.
        pacer.release({ kind: 'cancelled' });
        return false;
      }
      return granted;
    },
    release: (outcome) => pacer.release(outcome),
  };

  const sendOne = async (entry: BulkPlan['valid'][number]): Promise<void> => {
    const key = checkpointKey(entry.index, entry.badge);
    const base = { index: entry.index, userId: entry.badge.body.user_id, userIdType: entry.badge.userIdType };
    if (options.checkpoint?.isDone(key) === true) {
      counts.skipped++;
      counts.done++;
      results.push({ ...base, status: 'skipped' });
      report();
      return;
    }
    let result: BadgeCommandResult;
    for (let requeue = 0; ; requeue++) {
      // Cancelling stops new attempts (the gate refuses them) but lets a request already on the
      // wire finish and be recorded: aborting it would leave the user's state unknown, and a
      // resumed run would send it again.
      let sent: Awaited<ReturnType<BadgeClient['setBadge']>>;
      try {
        sent = await client.setBadge(entry.badge, { gate: cancellableGate });
      } catch (error) {
        // No version newer than this user's last fits in int64: refused like a validation issue,
        // for this user only, and the run goes on.
        if (!(error instanceof VersionExhaustedError)) throw error;
        counts.failed++;
        counts.done++;
        results.push({ ...base, status: 'invalid', issues: [error.issue] });
        report();
        return;
      }
      const rateLimited = sent.kind === 'api-error' && (sent.httpStatus === 429 || sent.code === CODE_RATE_LIMITED);
      const final = !rateLimited || requeue >= maxRequeues;
      // A user still rate-limited after every requeue counts too: a gateway answering 429 forever
      // must stop the run, not crawl through 100,000 users at one request a second.
      const systemic =
        systemicFailure(sent) ??
        (rateLimited && final && sent.kind === 'api-error' ? { after: 0, stage: 'badge' as const, reason: `code ${sent.code} (HTTP ${sent.httpStatus})`, code: sent.code, httpStatus: sent.httpStatus } : undefined);
      if (systemic === undefined) {
        if (sent.kind !== 'cancelled' && final) systemicInARow = 0;
      } else if (++systemicInARow >= breakAfter && breakAfter > 0 && stopped === undefined) {
        stopped = { ...systemic, after: systemicInARow };
      }
      result = toCommandResult(sent);
      const described = describeResult(sent);
      if (options.locale !== undefined && described !== undefined) result.guidance = guidanceFor(described, options.locale);
      if (final) break;
    }
    if (result.error === 'cancelled') return;
    const superseded = result.error === 'superseded';
    if (result.ok) {
      counts.ok++;
      await options.checkpoint?.markDone(key);
    } else if (superseded) {
      // Done: a resumed run must not send this older badge over the newer one.
      counts.superseded++;
      await options.checkpoint?.markDone(key);
    } else {
      counts.failed++;
    }
    counts.done++;
    results.push({ ...base, status: result.ok ? 'ok' : superseded ? 'superseded' : 'failed', result });
    report();
  };

  const worker = async (): Promise<void> => {
    while (!halted()) {
      const user = users[next++];
      if (user === undefined) return;
      for (const entry of user) {
        if (halted()) return;
        await sendOne(entry);
      }
    }
  };

  report();
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, users.length)) }, worker));
  results.sort((a, b) => a.index - b.index);
  return {
    total: plan.total,
    ok: counts.ok,
    failed: counts.failed,
    skipped: counts.skipped,
    ...(counts.superseded === 0 ? {} : { superseded: counts.superseded }),
    cancelled: aborted(options.signal),
    durationMs: Date.now() - started,
    rateLimited: pacer.rateLimitedCount,
    ...(stopped === undefined ? {} : { stopped }),
    notSent: plan.total - counts.done,
    ...(held === 0 ? {} : { held }),
    results,
  };
}
