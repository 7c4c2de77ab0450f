import { describeResult, guidanceFor } from './guidance/guidance.ts';
import type { AttemptGate, BadgeClient } from './client.ts';
import { CODE_RATE_LIMITED, RATE_LIMIT_FALLBACK_RESET_SECONDS, clampLimit, clampResetSeconds, sleep } from './retry.ts';
import { toCommandResult } from './result.ts';
import type { BadgeCommandResult } from './result.ts';
import { validateBadge } from './schema.ts';
import type { ValidBadge, ValidationIssue } from './schema.ts';
import type { Locale, Outcome, UserIdType } from './types.ts';
import { VersionExhaustedError } from './versions.ts';

export interface PacerOptions {
  /** Most attempts in flight at once. */
  concurrency: number;
  /** Fraction of the advertised limit to use, leaving room for clock skew between windows. */
  headroom?: number;
  /** The longest single pause a 429 may impose (the reset header is in whole seconds). */
  maxPauseMs?: number;
  now?: () => number;
}

/**
 * Shares one rate budget between the workers of a bulk run. It learns the limit from
 * `x-ogw-ratelimit-limit` (sent on every answer once a limit applies) and spaces attempts evenly
 * below it, so a run slows down to the limit instead of bursting into 429s; a 429 pauses every
 * worker until the reset and lowers the pace; successes win the pace back slowly.
 */
export class RatePacer implements AttemptGate {
  readonly #maxConcurrency: number;
  readonly #headroom: number;
  readonly #maxPauseMs: number;
  readonly #now: () => number;
  #active = 0;
  #waiters: Array<() => void> = [];
  #pausedUntil = 0;
  #nextSlot = 0;
  #limitPerSecond: number | undefined;
  #ratePerSecond: number | undefined;
  #rateLimited = 0;
  #released = 0;

  constructor(options: PacerOptions) {
    this.#maxConcurrency = Math.max(1, Math.floor(options.concurrency));
    this.#headroom = options.headroom ?? 0.95;
    this.#maxPauseMs = options.maxPauseMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  #catchUpSlots(): number {
    return this.#limitPerSecond === undefined ? 1 : Math.max(1, Math.floor(this.#limitPerSecond * (1 - this.#headroom)));
  }

  /** Requests per second the pacer currently allows (undefined: not limited yet). */
  get ratePerSecond(): number | undefined {
    return this.#ratePerSecond;
  }

  /** How many 429s the run met. */
  get rateLimitedCount(): number {
    return this.#rateLimited;
  }

  async acquire(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted === true) return false;
      // One probe first: its answer says whether (and how) the API is limited, so the run does
      // not open with a burst that overruns the first window.
      const allowed = this.#released === 0 ? 1 : this.#maxConcurrency;
      if (this.#active >= allowed) {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
        continue;
      }
      const now = this.#now();
      const at = Math.max(this.#pausedUntil, this.#nextSlot);
      if (at > now) {
        if (!(await sleep(at - now, signal))) return false;
        continue;
      }
      this.#active++;
      const interval = this.#ratePerSecond === undefined ? 0 : 1000 / this.#ratePerSecond;
      // Slots follow the schedule, not the (late) timer: a wake-up a millisecond late every time
      // would otherwise slow a 1,000-user run by seconds. After a stall, as many missed slots are
      // caught up as the headroom holds (2 at a limit of 50), so no second ever exceeds the limit.
      this.#nextSlot = Math.max(this.#nextSlot, now - interval * this.#catchUpSlots()) + interval;
      return true;
    }
  }

  release(outcome: Outcome): void {
    this.#active = Math.max(0, this.#active - 1);
    this.#released++;
    const advertised = outcome.kind === 'success' || outcome.kind === 'api-error' ? outcome.rateLimitLimit : undefined;
    // Clamped here too (the transport already does): a pace from NaN or 0 would stall or spin.
    const limit = advertised === undefined ? undefined : clampLimit(advertised);
    if (limit !== undefined && this.#limitPerSecond !== limit) {
      this.#limitPerSecond = limit;
      this.#ratePerSecond = limit * this.#headroom;
    }
    const rateLimited = outcome.kind === 'api-error' && (outcome.httpStatus === 429 || outcome.code === CODE_RATE_LIMITED);
    if (rateLimited) {
      this.#rateLimited++;
      // Always a finite 0..60 s: a NaN here would stick in #pausedUntil and disable every later pause.
      const resetMs = Math.min(this.#maxPauseMs, clampResetSeconds(outcome.rateLimitResetSeconds ?? RATE_LIMIT_FALLBACK_RESET_SECONDS) * 1000);
      this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + resetMs);
      const base = this.#ratePerSecond ?? (this.#limitPerSecond ?? 10);
      this.#ratePerSecond = Math.max(1, base * 0.9);
    } else if (outcome.kind === 'success' && this.#ratePerSecond !== undefined && this.#limitPerSecond !== undefined) {
      const ceiling = this.#limitPerSecond * this.#headroom;
      this.#ratePerSecond = Math.min(ceiling, this.#ratePerSecond + 0.2);
    }
    // Wake everyone waiting for a slot: the probe's answer may have opened all of them.
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

export type BulkStatus = 'ok' | 'failed' | 'skipped' | 'invalid';

export interface BulkItemResult {
  index: number;
  userId: string;
  userIdType: UserIdType | string;
  status: BulkStatus;
  result?: BadgeCommandResult;
  issues?: ValidationIssue[];
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
}

export interface BulkSummary {
  total: number;
  ok: number;
  failed: number;
  skipped: number;
  cancelled: boolean;
  durationMs: number;
  rateLimited: number;
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
  const results: BulkItemResult[] = [...plan.invalid];
  const counts = { done: plan.invalid.length, total: plan.total, ok: 0, failed: plan.invalid.length, skipped: 0 };
  const report = (): void => options.onProgress?.({ ...counts });

  // One queue per user, in input order; workers take whole users.
  const byUser = new Map<string, BulkPlan['valid']>();
  for (const entry of plan.valid) {
    const key = `${entry.badge.userIdType}:${entry.badge.body.user_id}`;
    const list = byUser.get(key);
    if (list === undefined) byUser.set(key, [entry]);
    else list.push(entry);
  }
  const users = [...byUser.values()];
  let next = 0;
  const maxRequeues = options.maxRequeues ?? 5;
  const cancellableGate: AttemptGate = {
    acquire: () => pacer.acquire(options.signal),
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
      result = toCommandResult(sent);
      const described = describeResult(sent);
      if (options.locale !== undefined && described !== undefined) result.guidance = guidanceFor(described, options.locale);
      const rateLimited = sent.kind === 'api-error' && (sent.httpStatus === 429 || sent.code === CODE_RATE_LIMITED);
      if (!rateLimited || requeue >= maxRequeues) break;
    }
    if (result.error === 'cancelled') return;
    if (result.ok) {
      counts.ok++;
      await options.checkpoint?.markDone(key);
    } else {
      counts.failed++;
    }
    counts.done++;
    results.push({ ...base, status: result.ok ? 'ok' : 'failed', result });
    report();
  };

  const worker = async (): Promise<void> => {
    while (!aborted(options.signal)) {
      const user = users[next++];
      if (user === undefined) return;
      for (const entry of user) {
        if (aborted(options.signal)) return;
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
    cancelled: aborted(options.signal),
    durationMs: Date.now() - started,
    rateLimited: pacer.rateLimitedCount,
    results,
  };
}
