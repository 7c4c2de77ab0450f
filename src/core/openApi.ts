// Calls to the platform's read APIs (contact, application info, visibility: issue 10) with the
// tenant token: paced within the contact APIs' limits (50/s and 1,000/min per app), retried like
// a badge call (rate limits wait for the reset the server names, a rejected token is fetched
// again once), cancellable, and redacted before anything else sees the outcome. Only reads go
// through here, so every retry is safe.
import { DEFAULT_RETRY_POLICY, decideRetry, sleep } from './retry.ts';
import type { RetryPolicyOptions } from './retry.ts';
import { READ_API_MAX_RESPONSE_BYTES } from './http.ts';
import type { Transport } from './http.ts';
import type { TokenManager } from './token.ts';
import type { Outcome } from './types.ts';

/** Waits for a turn to call; resolves `false` when the signal aborted first. */
export type Pace = (signal?: AbortSignal) => Promise<boolean>;

export interface OpenApiRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | readonly string[]>;
  body?: unknown;
}

export interface OpenApiCallOptions {
  signal?: AbortSignal;
  pace?: Pace;
  retry?: Partial<RetryPolicyOptions>;
  random?: () => number;
}

/** Codes that say a scope is missing: the platform lists the scopes to grant in `msg`. */
export const MISSING_SCOPE_CODES: ReadonlySet<number> = new Set([99991672, 99991676]);
const SCOPE_PATTERN = /[a-z][a-z_]*:[a-z_.]+(?::[a-z_]+)?/g;

/** The scopes a 99991672 answer names (`undefined` when the outcome is not a missing scope). */
export function missingScopes(outcome: Outcome, fallback: string): string[] | undefined {
  if (outcome.kind !== 'api-error' || !MISSING_SCOPE_CODES.has(outcome.code)) return undefined;
  const named = outcome.msg.match(SCOPE_PATTERN) ?? [];
  return named.length > 0 ? [...new Set(named)].slice(0, 10) : [fallback];
}

/** The developer console page where an app's scopes are granted. */
export function permissionPageUrl(consoleOrigin: string, appId: string): string {
  return `${consoleOrigin}/app/${encodeURIComponent(appId)}/auth`;
}

export async function callOpenApi(transport: Transport, tokens: TokenManager, request: OpenApiRequest, options: OpenApiCallOptions = {}): Promise<Outcome> {
  const policy: RetryPolicyOptions = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const { signal } = options;
  let tokenRefreshed = false;
  for (let attempt = 1; ; attempt++) {
    if (options.pace !== undefined && !(await options.pace(signal))) return { kind: 'cancelled' };
    const token = await tokens.getToken(signal);
    if (!token.ok) return tokens.redactOutcome(token.failure);
    const sendOptions = {
      headers: { authorization: `Bearer ${token.token}` },
      maxResponseBytes: READ_API_MAX_RESPONSE_BYTES,
      ...(request.query === undefined ? {} : { query: request.query }),
      ...(signal === undefined ? {} : { signal }),
    };
    const raw = request.method === 'GET' ? await transport.get(request.path, sendOptions) : await transport.post(request.path, request.body ?? {}, sendOptions);
    const outcome = tokens.redactOutcome(raw);
    const decision = decideRetry(outcome, { attempt, versionBumped: true, tokenRefreshed, canRefreshToken: tokens.canRefresh }, policy, options.random);
    if (!decision.retry) return outcome;
    if (decision.refreshToken === true) {
      tokenRefreshed = true;
      tokens.invalidate(token.token);
    }
    if (!(await sleep(decision.delayMs, signal))) return { kind: 'cancelled' };
  }
}

export interface RateWindowOptions {
  perSecond: number;
  perMinute: number;
  now?: () => number;
}

/**
 * A turn-taker for one app's calls: at most `perSecond` in any second and `perMinute` in any
 * minute (sliding windows over the start times of recent calls). Callers queue in order.
 */
export class RateWindow {
  readonly #perSecond: number;
  readonly #perMinute: number;
  readonly #now: () => number;
  readonly #starts: number[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RateWindowOptions) {
    this.#perSecond = Math.max(1, Math.floor(options.perSecond));
    this.#perMinute = Math.max(1, Math.floor(options.perMinute));
    this.#now = options.now ?? Date.now;
  }

  /** The contact APIs' documented limits, 50/s and 1,000/min, with a margin of one call each. */
  static contact(): RateWindow {
    return new RateWindow({ perSecond: 49, perMinute: 990 });
  }

  readonly acquire: Pace = (signal) => {
    const turn = this.#queue.then(() => this.#take(signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  };

  async #take(signal: AbortSignal | undefined): Promise<boolean> {
    for (;;) {
      if (signal?.aborted === true) return false;
      const now = this.#now();
      while (this.#starts.length > 0 && (this.#starts[0] ?? 0) <= now - 60_000) this.#starts.shift();
      const lastSecond = this.#starts.filter((start) => start > now - 1_000);
      let waitMs = 0;
      if (lastSecond.length >= this.#perSecond) waitMs = (lastSecond[lastSecond.length - this.#perSecond] ?? now) + 1_000 - now;
      if (this.#starts.length >= this.#perMinute) waitMs = Math.max(waitMs, (this.#starts[this.#starts.length - this.#perMinute] ?? now) + 60_000 - now);
      if (waitMs <= 0) {
        this.#starts.push(now);
        return true;
      }
      if (!(await sleep(waitMs, signal))) return false;
    }
  }
}
