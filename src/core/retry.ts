import type { Outcome, RetryReason } from './types.ts';

export const CODE_RATE_LIMITED = 99991400;
export const CODE_NO_TOKEN = 99991661;
export const CODE_TOKEN_INVALID = 99991663;
export const CODE_PC_VERSION_CONFLICT = 213001;
export const CODE_MOBILE_VERSION_CONFLICT = 213002;
export const CODE_CONCURRENT_UPDATE = 213004;

export interface RetryPolicyOptions {
  /** HTTP attempts at most, the first included. */
  maxAttempts: number;
  /** First backoff step; doubles per attempt. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** The longest rate-limit wait the client accepts; beyond it the error is final. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  maxAttempts: 3,
  backoffBaseMs: 300,
  backoffMaxMs: 5_000,
  maxRateLimitWaitMs: 60_000,
};

export interface RetryState {
  /** The attempt that produced `outcome` (1-based). */
  attempt: number;
  /** Whether a version conflict was already answered with a newer version. */
  versionBumped: boolean;
  /** Whether the token was already refreshed because the server rejected it. */
  tokenRefreshed: boolean;
  /** A pasted token cannot be refreshed. */
  canRefreshToken: boolean;
}

export type RetryDecision =
  | { retry: false }
  | { retry: true; reason: RetryReason; delayMs: number; bumpVersion?: true; refreshToken?: true };

/** Exponential backoff with jitter in [half, full] of the step, so retries spread out but still grow. */
export function backoffDelay(attempt: number, options: RetryPolicyOptions, random: () => number): number {
  const step = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

function isRateLimited(outcome: Outcome): boolean {
  return outcome.kind === 'api-error' && (outcome.httpStatus === 429 || outcome.code === CODE_RATE_LIMITED);
}

/**
 * Decides whether a failed attempt is worth another. Pure, so every rule is tested directly;
 * the client only carries the decision out.
 */
export function decideRetry(
  outcome: Outcome,
  state: RetryState,
  options: RetryPolicyOptions = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): RetryDecision {
  if (outcome.kind === 'success' || outcome.kind === 'cancelled' || state.attempt >= options.maxAttempts) {
    return { retry: false };
  }
  if (outcome.kind === 'network') {
    // Refused, DNS and TLS failures do not heal in a few hundred milliseconds; resets and timeouts can.
    return outcome.reason === 'reset' || outcome.reason === 'timeout' || outcome.reason === 'other'
      ? { retry: true, reason: 'network', delayMs: backoffDelay(state.attempt, options, random) }
      : { retry: false };
  }
  if (outcome.kind === 'invalid-response') {
    return outcome.httpStatus >= 500
      ? { retry: true, reason: 'server-error', delayMs: backoffDelay(state.attempt, options, random) }
      : { retry: false };
  }
  if (isRateLimited(outcome)) {
    const reset = outcome.rateLimitResetSeconds;
    if (reset === undefined) {
      return { retry: true, reason: 'rate-limited', delayMs: backoffDelay(state.attempt + 1, options, random) };
    }
    const waitMs = Math.max(0, Math.ceil(reset * 1000));
    return waitMs <= options.maxRateLimitWaitMs ? { retry: true, reason: 'rate-limited', delayMs: waitMs } : { retry: false };
  }
  if (outcome.httpStatus >= 500) {
    return { retry: true, reason: 'server-error', delayMs: backoffDelay(state.attempt, options, random) };
  }
  switch (outcome.code) {
    case CODE_PC_VERSION_CONFLICT:
    case CODE_MOBILE_VERSION_CONFLICT:
      return state.versionBumped ? { retry: false } : { retry: true, reason: 'version-conflict', delayMs: 0, bumpVersion: true };
    case CODE_CONCURRENT_UPDATE:
      return { retry: true, reason: 'concurrent-update', delayMs: backoffDelay(state.attempt, options, random) };
    case CODE_TOKEN_INVALID:
    case CODE_NO_TOKEN:
      return state.canRefreshToken && !state.tokenRefreshed
        ? { retry: true, reason: 'token-invalid', delayMs: 0, refreshToken: true }
        : { retry: false };
    default:
      return { retry: false };
  }
}

/** Waits `ms`, or less if the signal aborts; resolves `false` when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted === true) {
    return Promise.resolve(false);
  }
  if (ms <= 0) {
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The most requests per window a gateway's `x-ogw-ratelimit-limit` is believed for. */
export const RATE_LIMIT_MAX = 10_000;
/** The longest wait an `x-ogw-ratelimit-reset` is believed for, in seconds. */
export const RATE_LIMIT_MAX_RESET_SECONDS = 60;
/** The wait when a reset is given but unreadable (negative, not plain digits). */
export const RATE_LIMIT_FALLBACK_RESET_SECONDS = 1;

/** Plain digits after trimming, or undefined: "1e3", "0x10", "-5", "12abc" are not numbers here. */
function strictCount(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** A reset in seconds made safe to wait on: 0..60, and 1 for anything negative or not a number. */
export function clampResetSeconds(seconds: number): number {
  if (Number.isNaN(seconds) || seconds < 0) return RATE_LIMIT_FALLBACK_RESET_SECONDS;
  return Math.min(seconds, RATE_LIMIT_MAX_RESET_SECONDS);
}

/** A limit per window made safe to pace by: 1..10,000; undefined when not a number. */
export function clampLimit(limit: number): number | undefined {
  return Number.isNaN(limit) ? undefined : Math.min(RATE_LIMIT_MAX, Math.max(1, Math.floor(limit)));
}

/**
 * Reads `x-ogw-ratelimit-limit` and `x-ogw-ratelimit-reset` as untrusted input (pure; `null` is
 * an absent header). The limit counts only as plain digits, clamped to 1..10,000 (otherwise no
 * limit is learned). A reset that is present always yields a wait of 0..60 s: plain digits are
 * clamped, anything else (empty, negative, "1e3", "0x10", "12abc") is 1 s. Never NaN.
 */
export function readRateLimitHeaders(limit: string | null | undefined, reset: string | null | undefined): { limit?: number; resetSeconds?: number } {
  const limitValue = limit === null || limit === undefined ? undefined : strictCount(limit);
  const out: { limit?: number; resetSeconds?: number } = {};
  if (limitValue !== undefined) {
    const clamped = clampLimit(limitValue);
    if (clamped !== undefined) out.limit = clamped;
  }
  if (reset !== null && reset !== undefined) {
    out.resetSeconds = clampResetSeconds(strictCount(reset) ?? -1);
  }
  return out;
}
