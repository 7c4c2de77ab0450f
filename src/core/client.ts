import type { Transport } from './http.ts';
import { CODE_MOBILE_VERSION_CONFLICT, CODE_PC_VERSION_CONFLICT, DEFAULT_RETRY_POLICY, decideRetry, sleep } from './retry.ts';
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
  readonly outcome: Outcome;
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
 * Whether the server may hold a version although it did not say it accepted it: the request left
 * and no answer of substance came back (a timeout, a reset, a gateway's 5xx or unreadable page, a
 * cancel on the wire). A Feishu error below 500 (213001, 213006, 429, …) is a refusal, and a
 * refused, DNS, TLS or not-sent failure never reached the badge service.
 */
function mayHaveBeenApplied(outcome: Outcome): boolean {
  switch (outcome.kind) {
    case 'success':
    case 'cancelled':
      return true;
    case 'invalid-response':
      // A 2xx whose body could not be read, or a gateway's 5xx; not a redirect or a 4xx page.
      return outcome.redirectOrigin === undefined && (outcome.httpStatus >= 500 || (outcome.httpStatus >= 200 && outcome.httpStatus < 300));
    case 'api-error':
      return outcome.httpStatus >= 500;
    case 'network':
      return outcome.reason === 'reset' || outcome.reason === 'timeout' || outcome.reason === 'other';
  }
}

const isVersionConflict = (outcome: Outcome): outcome is Extract<Outcome, { kind: 'api-error' }> =>
  outcome.kind === 'api-error' && (outcome.code === CODE_PC_VERSION_CONFLICT || outcome.code === CODE_MOBILE_VERSION_CONFLICT);

/**
 * Sends badge updates: picks the version, attaches the token, and carries out the retry policy.
 * Expected failures come back as results; only bugs throw.
 *
 * Versions: an automatic one is reserved in the clock before it is sent (so concurrent local sends
 * stay ordered); a manual one, and any version bumped from it, is remembered only once the server
 * accepted it, or may hold it (no answer came). A send answered with a version conflict while a
 * newer local send for the same user has taken a newer version ends `superseded`, never bumped
 * above that newer send.
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
    const lastAtStart = versions.last(key);
    const manual = badge.body.version !== undefined;
    // Throws VersionExhaustedError (nothing sent) when no version above the user's last fits in int64.
    let version = badge.body.version ?? versions.next(key);
    /** The highest manual (or bumped-from-manual) version the server may hold without having said so. */
    let unconfirmed: string | undefined;
    const retries: RetryRecord[] = [];
    let attempts = 0;
    let versionBumped = false;
    let tokenRefreshed = false;
    let body = { ...badge.body, version } as BadgeBody;
    const query = { user_id_type: badge.userIdType };
    // What the server said is scrubbed once more on the way out: a server echoing the request (an
    // error page, a debug gateway) must not hand the token or the App Secret to the UI. The request
    // is the caller's own and is kept as it is (history re-sends it).
    type Final =
      | Outcome
      | { kind: 'token-error'; cause: Exclude<Outcome, { kind: 'success' }> }
      | { kind: 'superseded'; cause: Extract<Outcome, { kind: 'api-error' }>; newerVersion: string };
    const done = (result: Final): BadgeResult => {
      if (manual) {
        // Remembered only now: accepted, or possibly held by the server (no answer came).
        const keep = result.kind === 'success' ? version : unconfirmed;
        if (keep !== undefined) versions.observe(key, keep);
      }
      const safe =
        result.kind === 'token-error' || result.kind === 'superseded'
          ? { ...result, cause: tokens.redactOutcome(result.cause) }
          : tokens.redactOutcome(result);
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
      if (manual && outcome.kind !== 'success' && mayHaveBeenApplied(outcome) && (unconfirmed === undefined || BigInt(version) > BigInt(unconfirmed))) {
        unconfirmed = version;
      }
      if (this.#options.onAttempt !== undefined) {
        // The scrubbed outcome is made only if the listener reads it (the host reads it only when debug lines are shown).
        let scrubbed: Outcome | undefined;
        this.#options.onAttempt({
          attempt: attempts,
          method: 'POST',
          path: BADGE_PATH,
          version,
          get outcome(): Outcome {
            scrubbed ??= tokens.redactOutcome(outcome);
            return scrubbed;
          },
          durationMs: this.#now() - attemptStarted,
        });
      }
      // A newer local send for this user took a newer version meanwhile: bumping this one above
      // it would overwrite it (a slow "set 5" over a later "clear"), so this one stops here.
      if (isVersionConflict(outcome) && versions.isOvertaken(key, version, lastAtStart)) {
        return done({ kind: 'superseded', cause: outcome, newerVersion: versions.last(key) ?? version });
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
        // A bump from a manual version is not reserved: it too is remembered only once accepted.
        const bumped = manual ? versions.propose(key, version) : versions.tryNext(key, version);
        if (!bumped.ok) {
          // No newer version fits in int64: the conflict is the answer.
          return done(outcome);
        }
        versionBumped = true;
        version = bumped.version;
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
