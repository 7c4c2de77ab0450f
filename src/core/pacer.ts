import type { AttemptGate } from './client.ts';
import { CODE_RATE_LIMITED, RATE_LIMIT_FALLBACK_RESET_SECONDS, clampLimit, clampResetSeconds, sleep } from './retry.ts';
import type { Outcome } from './types.ts';

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
