import type { Transport } from './http.ts';
import { DEFAULT_RETRY_POLICY, decideRetry, sleep } from './retry.ts';
import type { RetryPolicyOptions } from './retry.ts';
import type { ValidBadge } from './schema.ts';
import type { TokenManager } from './token.ts';
import type { BadgeBody, BadgeResult, Outcome, RetryRecord } from './types.ts';
import { versionKey } from './versions.ts';
import type { VersionClock } from './versions.ts';

export const BADGE_PATH = '/open-apis/application/v6/app_badge/set';

/** Told about every HTTP attempt, for the log. Carries no token. */
export interface AttemptEvent {
  attempt: number;
  method: 'POST';
  path: string;
  version: string;
  outcome: Outcome;
  durationMs: number;
}

export interface BadgeClientOptions {
  transport: Transport;
  tokens: TokenManager;
  versions: VersionClock;
  /** Identifies the app in version keys (App ID, or a label for a pasted token). */
  appId: string;
  retry?: Partial<RetryPolicyOptions>;
  random?: () => number;
  now?: () => number;
  onAttempt?: (event: AttemptEvent) => void;
}

/**
 * Paces attempts across concurrent sends (a bulk run): asked before every HTTP attempt and told
 * every outcome. It owns rate-limit waits, so the client does not also sleep on a 429.
 */
export interface AttemptGate {
  /** Resolves `false` if the signal aborted while waiting. */
  acquire(signal?: AbortSignal): Promise<boolean>;
  release(outcome: Outcome): void;
}

export interface SendOptions {
  signal?: AbortSignal;
  gate?: AttemptGate;
}

/**
 * Sends badge updates: picks the version, attaches the token, and carries out the retry policy.
 * Expected failures come back as results; only bugs throw.
 */
export class BadgeClient {
  readonly #options: BadgeClientOptions;
  readonly #policy: RetryPolicyOptions;
  readonly #now: () => number;

  constructor(options: BadgeClientOptions) {
    this.#options = options;
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#now = options.now ?? ((): number => performance.now());
  }

  /** The version key of a user, for previews and remembered state. */
  keyFor(userIdType: string, userId: string): string {
    return versionKey(this.#options.transport.baseUrl, this.#options.appId, userIdType, userId);
  }

  /** The version an automatic send to this user would use now. */
  peekVersion(userIdType: string, userId: string): string {
    return this.#options.versions.peek(this.keyFor(userIdType, userId));
  }

  async setBadge(badge: ValidBadge, options: SendOptions = {}): Promise<BadgeResult> {
    const { transport, tokens, versions } = this.#options;
    const { signal, gate } = options;
    const started = this.#now();
    const key = this.keyFor(badge.userIdType, badge.body.user_id);
    let version: string;
    if (badge.body.version === undefined) {
      version = versions.next(key);
    } else {
      version = badge.body.version;
      versions.observe(key, version);
    }
    const retries: RetryRecord[] = [];
    let attempts = 0;
    let versionBumped = false;
    let tokenRefreshed = false;
    let body = { ...badge.body, version } as BadgeBody;
    const query = { user_id_type: badge.userIdType };
    // What the server said is scrubbed once more on the way out: a server echoing the request (an
    // error page, a debug gateway) must not hand the token or the App Secret to the UI. The request
    // is the caller's own and is kept as it is (history re-sends it).
    const done = (result: Outcome | { kind: 'token-error'; cause: Exclude<Outcome, { kind: 'success' }> }): BadgeResult => {
      const safe = result.kind === 'token-error' ? { kind: 'token-error' as const, cause: tokens.redactOutcome(result.cause) } : tokens.redactOutcome(result);
      return { ...safe, version, attempts, durationMs: this.#now() - started, retries, request: { userIdType: badge.userIdType, body } } as BadgeResult;
    };

    for (;;) {
      // The cached token is read synchronously: most calls never wait on the token manager.
      const cachedToken = tokens.cached();
      const token = cachedToken === undefined ? await tokens.getToken(signal) : { ok: true as const, token: cachedToken };
      if (!token.ok) {
        return token.failure.kind === 'cancelled' ? done(token.failure) : done({ kind: 'token-error', cause: token.failure });
      }
      if (gate !== undefined && !(await gate.acquire(signal))) {
        return done({ kind: 'cancelled' });
      }
      attempts++;
      const attemptStarted = this.#now();
      const outcome = await transport.post(BADGE_PATH, body, {
        query,
        headers: { authorization: `Bearer ${token.token}` },
        ...(signal === undefined ? {} : { signal }),
      });
      gate?.release(outcome);
      if (this.#options.onAttempt !== undefined) {
        this.#options.onAttempt({
          attempt: attempts,
          method: 'POST',
          path: BADGE_PATH,
          version,
          outcome: tokens.redactOutcome(outcome),
          durationMs: this.#now() - attemptStarted,
        });
      }
      const decision = decideRetry(
        outcome,
        { attempt: attempts, versionBumped, tokenRefreshed, canRefreshToken: tokens.canRefresh },
        this.#policy,
        this.#options.random,
      );
      if (!decision.retry) {
        return done(outcome);
      }
      const record: RetryRecord = { attempt: attempts, reason: decision.reason, delayMs: decision.delayMs };
      if (outcome.kind === 'api-error') {
        record.httpStatus = outcome.httpStatus;
        record.code = outcome.code;
      } else if (outcome.kind === 'invalid-response') {
        record.httpStatus = outcome.httpStatus;
      }
      if (decision.refreshToken === true) {
        tokenRefreshed = true;
        tokens.invalidate(token.token);
      }
      if (decision.bumpVersion === true) {
        versionBumped = true;
        version = versions.next(key, version);
        body = { ...body, version };
        record.newVersion = version;
      }
      retries.push(record);
      const delayMs = gate !== undefined && decision.reason === 'rate-limited' ? 0 : decision.delayMs;
      if (!(await sleep(delayMs, signal))) {
        return done({ kind: 'cancelled' });
      }
    }
  }
}
