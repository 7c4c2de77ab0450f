import type { AttemptGate } from './client.ts';
import { CODE_RATE_LIMITED, RATE_LIMIT_FALLBACK_RESET_SECONDS, clampLimit, clampResetSeconds } from './retry.ts';
import type { Outcome } from './types.ts';

export interface PacerOptions {
  /** Most attempts in flight at once. */
  concurrency: number;
  /**
   * Fraction of the advertised limit to use (default 0.98, and always at least one request per
   * window below the limit when the limit is above 1): room for requests that arrive later than
   * they were sent and land in the next window.
   */
  headroom?: number;
  /** The longest single pause a 429 may impose (the reset header is in whole seconds). */
  maxPauseMs?: number;
  now?: () => number;
}

/**
 * The span a limit is counted over. `x-ogw-ratelimit-limit` says "requests per window" without
 * the window; the platform limits by QPS (and QPM), so the pacer takes it per second.
 */
const WINDOW_MS = 1000;
/** The lowest pace a slowdown goes to, in requests per second: never a stall. */
const MIN_RATE = 1;
/** Late slots made up at once after a stall (the window guard bounds them anyway). */
const CATCH_UP_SLOTS = 2;
/** A 429 that names no limit, met before any pace was set: the pace to start from. */
const UNKNOWN_LIMIT_RATE = 10;
/** 5xx pauses (from the second 5xx in a row on): the first, doubled per storm in a row, and the most one may be. */
const SERVER_ERROR_PAUSE_MS = 250;
const SERVER_ERROR_MAX_PAUSE_MS = 1000;
/** What a 5xx storm does to the pace (a 429 takes 0.9 of it). */
const SERVER_ERROR_FACTOR = 0.5;
const RATE_LIMITED_FACTOR = 0.9;

const isRateLimited = (outcome: Outcome): outcome is Extract<Outcome, { kind: 'api-error' }> => outcome.kind === 'api-error' && (outcome.httpStatus === 429 || outcome.code === CODE_RATE_LIMITED);

/** A 5xx answer: an API error with a 5xx status, or a gateway's page (502, 503, 504, ...). */
const isServerError = (outcome: Outcome): boolean => (outcome.kind === 'api-error' || outcome.kind === 'invalid-response') && outcome.httpStatus >= 500;

/**
 * Shares one rate budget between the workers of a bulk run.
 *
 * The limit comes from `x-ogw-ratelimit-limit`, read wherever it is sent: the platform documents
 * it on the 429 only; some gateways send it on every answer. The first attempt goes alone (its
 * answer may name the limit); when it does not, the run goes unpaced until the first 429, which
 * names the limit and the reset: every worker waits out the reset, then the pacer spaces attempts
 * at the limit (less the headroom) from then on. The workers in flight when that 429 came back
 * meet one each; they neither lower the pace again nor lengthen the pause. A later 429 (a request
 * that reached the server late, into a full window) lowers the pace by a tenth, once, which
 * successes win back, and takes one more request of headroom per window for the rest of the run.
 *
 * Whatever the timers do, no trailing second holds more attempts than the budget (the limit less
 * the headroom, one request at 50/s): after a stall a couple of missed slots are made up at once,
 * never enough to overrun the window the server counts. Slots a pause took are not made up.
 *
 * A 5xx answer (or a gateway's 5xx page) slows it the same way: everyone pauses briefly (250 ms,
 * doubling for each storm in a row, at most 1 s, on one timer) and the pace halves, once for the
 * answers already on the way; with a known limit successes win the pace back up to it, without
 * one the pace climbs back to what the run carried before and the run goes unpaced again.
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
  /** The limit learned, per window, and the most the pacer sends in any trailing window. */
  #limit: number | undefined;
  #budget: number | undefined;
  /** The pace now, per second; undefined: unpaced. */
  #rate: number | undefined;
  /** Without a known limit, after a 5xx: the pace at which the run goes unpaced again. */
  #unpacedAt: number | undefined;
  /** A 5xx slowdown still being won back (a limit learned meanwhile does not undo it). */
  #slowedByServer = false;
  #serverErrorStreak = 0;
  /** Answers still due for attempts that were on the wire when the pace last went down. */
  #staleAnswers = 0;
  #rateLimited = 0;
  #serverErrors = 0;
  #released = 0;
  /** When attempts were granted, oldest first, from `#sentHead` on; only the last window is kept. */
  #sent: number[] = [];
  #sentHead = 0;
  #lastGrant = 0;
  /** Attempts waiting for their time; woken early when the pace goes up. */
  #nappers = new Set<() => void>();

  constructor(options: PacerOptions) {
    this.#maxConcurrency = Math.max(1, Math.floor(options.concurrency));
    const headroom = options.headroom ?? 0.98;
    this.#headroom = Number.isFinite(headroom) ? Math.min(1, Math.max(0.1, headroom)) : 0.98;
    this.#maxPauseMs = options.maxPauseMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Requests per second the pacer currently allows (undefined: not limited). */
  get ratePerSecond(): number | undefined {
    return this.#rate;
  }

  /** How many 429s the run met. */
  get rateLimitedCount(): number {
    return this.#rateLimited;
  }

  /** How many 5xx answers the run met. */
  get serverErrorCount(): number {
    return this.#serverErrors;
  }

  async acquire(signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal?.aborted === true) return false;
      // One probe first: its answer may say whether (and how) the API is limited.
      const allowed = this.#released === 0 ? 1 : this.#maxConcurrency;
      if (this.#active >= allowed) {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
        continue;
      }
      const now = this.#now();
      const at = Math.max(this.#pausedUntil, this.#nextSlot, this.#windowOpensAt(now));
      if (at > now) {
        if (!(await this.#nap(at - now, signal))) return false;
        continue;
      }
      this.#active++;
      const interval = this.#rate === undefined ? 0 : 1000 / this.#rate;
      // Slots follow the schedule, not the (late) timer: a wake-up a millisecond late every time
      // would otherwise slow a 1,000-user run by seconds. After a stall, a couple of missed slots
      // are made up at once (the window guard keeps them within the limit); slots a pause took
      // are not: the schedule starts again where the pause ends.
      this.#nextSlot = Math.max(this.#nextSlot, now - interval * CATCH_UP_SLOTS, this.#pausedUntil) + interval;
      this.#sent.push(now);
      this.#lastGrant = now;
      return true;
    }
  }

  release(outcome: Outcome): void {
    this.#active = Math.max(0, this.#active - 1);
    this.#released++;
    const now = this.#now();
    const wasPaced = this.#rate !== undefined;
    const before = this.#rate;
    // An answer to an attempt sent before the last slowdown says nothing new about the pace: the
    // workers in flight when a 429 or a 5xx came back meet one each, and slow nothing further.
    const fresh = now >= this.#pausedUntil && this.#staleAnswers === 0;
    this.#staleAnswers = Math.max(0, this.#staleAnswers - 1);
    const advertised = outcome.kind === 'success' || outcome.kind === 'api-error' ? outcome.rateLimitLimit : undefined;
    // Clamped here too (the transport already does): a pace from NaN or 0 would stall or spin.
    const limit = advertised === undefined ? undefined : clampLimit(advertised);
    const learned = limit !== undefined && limit !== this.#limit;
    if (learned) this.#learn(limit);

    if (isRateLimited(outcome)) {
      this.#rateLimited++;
      // Always a finite 0..60 s: a NaN here would stick in #pausedUntil and disable every later pause.
      const resetMs = Math.min(this.#maxPauseMs, clampResetSeconds(outcome.rateLimitResetSeconds ?? RATE_LIMIT_FALLBACK_RESET_SECONDS) * 1000);
      this.#pausedUntil = Math.max(this.#pausedUntil, now + resetMs);
      // A limit is being enforced: whatever a 5xx slowdown planned, the run never goes unpaced again.
      this.#unpacedAt = undefined;
      if (this.#limit === undefined && this.#rate === undefined) {
        // Limited, but told nothing: start from what the last second carried, less a tenth.
        this.#rate = Math.max(MIN_RATE, Math.max(UNKNOWN_LIMIT_RATE, this.#sentInWindow(now)) * RATE_LIMITED_FACTOR);
      } else if (fresh && wasPaced && !learned) {
        // Paced, and still over: requests reach the server later than they leave (and land in a
        // full window), or the window is not what the pacer takes it for. A tenth off the pace,
        // won back by successes, and one request more of headroom per window for the rest of the
        // run (down to 90 % of the limit).
        this.#rate = Math.max(MIN_RATE, (this.#rate ?? this.#budget ?? UNKNOWN_LIMIT_RATE) * RATE_LIMITED_FACTOR);
        if (this.#limit !== undefined && this.#budget !== undefined) {
          this.#budget = Math.max(1, Math.floor(this.#limit * 0.9), this.#budget - 1);
          this.#rate = Math.min(this.#rate, (this.#budget * 1000) / WINDOW_MS);
        }
      }
      // Otherwise this 429 named the limit for the first time: pace at it, nothing less.
      if (fresh) this.#staleAnswers = this.#active;
    } else if (isServerError(outcome)) {
      this.#serverErrors++;
      if (fresh) {
        this.#staleAnswers = this.#active;
        this.#serverErrorStreak++;
        // A lone 5xx among successes slows the pace as a 429 does (a tenth off); a second one
        // before any success is a storm: everyone pauses and the pace halves.
        const storm = this.#serverErrorStreak >= 2;
        const factor = storm ? SERVER_ERROR_FACTOR : RATE_LIMITED_FACTOR;
        if (storm) {
          const pauseMs = Math.min(SERVER_ERROR_MAX_PAUSE_MS, SERVER_ERROR_PAUSE_MS * 2 ** Math.min(10, this.#serverErrorStreak - 2));
          this.#pausedUntil = now + pauseMs;
        }
        if (this.#rate === undefined) {
          // Unpaced: slow down from what the last second carried, and go unpaced again once back there.
          const carried = Math.max(MIN_RATE, this.#sentInWindow(now));
          this.#unpacedAt = carried;
          this.#rate = Math.max(MIN_RATE, carried * factor);
        } else {
          this.#rate = Math.max(MIN_RATE, this.#rate * factor);
        }
        this.#slowedByServer = true;
      }
    } else if (outcome.kind === 'success') {
      this.#serverErrorStreak = 0;
      this.#recover();
    }
    // From unpaced to paced, the schedule simply starts (the pause, if any, holds everyone).
    if (this.#rate !== before && before !== undefined) this.#reschedule(before);
    // Wake everyone waiting for a slot: the probe's answer may have opened all of them.
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * The next slot follows a new pace at once: one interval of it after the last grant (sooner when
   * the pace went up, later when it went down), not the interval of the pace before.
   */
  #reschedule(before: number): void {
    const next = this.#rate === undefined ? this.#lastGrant : this.#lastGrant + 1000 / this.#rate;
    const faster = this.#rate === undefined || this.#rate > before;
    this.#nextSlot = faster ? Math.min(this.#nextSlot, next) : Math.max(this.#nextSlot, next);
    // Attempts asleep until a slot of the slower pace look again (once per change: no busy loop).
    if (faster) for (const wake of [...this.#nappers]) wake();
  }

  /** Waits `ms` on one timer, or until woken; resolves `false` if the signal aborts first. */
  #nap(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.#nappers.delete(wake);
        signal?.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const wake = (): void => finish(true);
      const onAbort = (): void => finish(false);
      const timer = setTimeout(wake, ms);
      this.#nappers.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A limit named for the first time, or changed: pace at it (unless a 5xx slowdown is on). */
  #learn(limit: number): void {
    this.#limit = limit;
    this.#budget = limit <= 1 ? 1 : Math.max(1, Math.min(limit - 1, Math.floor(limit * this.#headroom)));
    const pace = (this.#budget * 1000) / WINDOW_MS;
    this.#rate = this.#slowedByServer && this.#rate !== undefined ? Math.min(this.#rate, pace) : pace;
    this.#unpacedAt = undefined;
  }

  /** A success: the pace climbs back towards the budget, or, with no limit known, to unpaced. */
  #recover(): void {
    if (this.#rate === undefined) return;
    if (this.#budget !== undefined) {
      const ceiling = (this.#budget * 1000) / WINDOW_MS;
      this.#rate = Math.min(ceiling, this.#rate + Math.max(0.2, ceiling * 0.01));
      if (this.#rate >= ceiling) this.#slowedByServer = false;
    } else if (this.#unpacedAt !== undefined) {
      this.#rate = this.#rate * 1.1 + 0.2;
      if (this.#rate >= this.#unpacedAt) {
        this.#rate = undefined;
        this.#unpacedAt = undefined;
        this.#slowedByServer = false;
      }
    } else {
      // Limited, never told the limit: climb slowly until the next 429 says where it is.
      this.#rate += 0.2;
    }
  }

  /** Drops grants older than one window; returns how many are left. */
  #sentInWindow(now: number): number {
    const sent = this.#sent;
    let head = this.#sentHead;
    while (head < sent.length && (sent[head] ?? 0) <= now - WINDOW_MS) head++;
    if (head > 1024 && head * 2 > sent.length) {
      sent.splice(0, head);
      head = 0;
    }
    this.#sentHead = head;
    return sent.length - head;
  }

  /** When the trailing window has room for one more attempt within the budget (0: now). */
  #windowOpensAt(now: number): number {
    const budget = this.#budget;
    // Pruned on every look, limited or not, so the record never holds more than a window.
    const inWindow = this.#sentInWindow(now);
    if (budget === undefined || inWindow < budget) return 0;
    return (this.#sent[this.#sent.length - budget] ?? 0) + WINDOW_MS;
  }
}
