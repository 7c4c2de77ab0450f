import type { Transport } from './http.ts';
import { Redactor } from './redact.ts';
import { sleep } from './retry.ts';
import type { Outcome } from './types.ts';

export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';

export type TokenSource =
  /** A self-built app: the token is fetched with App ID and App Secret and refreshed as needed. */
  | { kind: 'self-built'; appId: string; appSecret: string }
  /** A store app: the user pastes a tenant token obtained elsewhere; it is never refreshed. */
  | { kind: 'manual'; token: string };

export type TokenFailure = Exclude<Outcome, { kind: 'success' }>;

/** Why a pasted token is refused before any network call. */
export type PastedTokenProblem = 'empty' | 'whitespace' | 'not-printable-ascii' | 'too-long';

export const MAX_PASTED_TOKEN_LENGTH = 4096;

/**
 * Checks a pasted tenant token before it goes into an Authorization header: printable ASCII,
 * no whitespace anywhere (surrounding whitespace is the caller's to trim), at most 4 KiB.
 */
export function checkPastedToken(token: string): PastedTokenProblem | undefined {
  if (token === '') return 'empty';
  if (token.length > MAX_PASTED_TOKEN_LENGTH) return 'too-long';
  if (/\s/.test(token)) return 'whitespace';
  if (!/^[\x21-\x7e]+$/.test(token)) return 'not-printable-ascii';
  return undefined;
}

export type TokenResult = { ok: true; token: string; fromCache: boolean } | { ok: false; failure: TokenFailure };

/** How transient failures of the token endpoint are retried. */
export interface TokenRetryOptions {
  /** Requests at most per fetch, the first included. */
  maxAttempts: number;
  /** The wait after the first failure; doubles after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_TOKEN_RETRY: TokenRetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

export interface TokenManagerOptions {
  transport: Transport;
  source: TokenSource;
  /** The token is treated as expired this long before the server says (the SDK uses 3 min). */
  safetyMarginMs?: number;
  retry?: Partial<TokenRetryOptions>;
  now?: () => number;
}

export const DEFAULT_TOKEN_SAFETY_MARGIN_MS = 5 * 60_000;

/** However short the server says a token lives, it is kept this long (or its whole life, if shorter). */
export const MIN_TOKEN_LIFETIME_MS = 60_000;

/**
 * How long a token is used, from when it was asked for. The rule:
 * - normally, the server's `expire` minus the safety margin (5 min), so a token is never sent in
 *   its last minutes, when a slow request could reach the server after it expired;
 * - the margin never brings that below 60 s: an `expire` under the margin plus 60 s (a test
 *   server, an odd gateway) would otherwise leave nothing, and every call would fetch a token;
 * - and never beyond `expire` itself: a token is not used after the server said it expires.
 * So `expire` 7200 → 6900 s, 300 → 60 s, 100 → 60 s, 60 → 60 s, 5 → 5 s. The clock starts when
 * the request left, before the server's did, so "never beyond `expire`" holds on the server too,
 * but for network delay on the badge call itself: a token that still expires on the way is
 * answered 99991663, and the client fetches a new one and retries once.
 */
export function tokenLifetimeMs(expireSeconds: number, safetyMarginMs: number): number {
  const expireMs = expireSeconds * 1000;
  return Math.max(0, Math.max(expireMs - safetyMarginMs, Math.min(expireMs, MIN_TOKEN_LIFETIME_MS)));
}

/**
 * Whether a failed token request is worth another: only failures that can pass in a moment and
 * that reached (or may have reached) a server, with no answer of substance: a reset or timed-out
 * connection, a 5xx (a Feishu JSON error or a gateway's HTML page). Never an answer that will not
 * change (4xx, a Feishu error code such as a wrong App Secret, 429), never a refused connection,
 * DNS or TLS failure (they do not heal in a few hundred milliseconds; the circuit breaker of a
 * bulk run deals with them), never `not-sent` (the request was refused on this side).
 */
function isTransientTokenFailure(outcome: Outcome): boolean {
  switch (outcome.kind) {
    case 'network':
      return outcome.reason === 'reset' || outcome.reason === 'timeout' || outcome.reason === 'other';
    case 'invalid-response':
      return outcome.httpStatus >= 500 && outcome.redirectOrigin === undefined;
    case 'api-error':
      return outcome.httpStatus >= 500;
    default:
      return false;
  }
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * One fetch shared by concurrent callers. It counts the callers still waiting on it: when every
 * one of them has given up (each through its own signal), the fetch stops, in its backoff wait or
 * on the wire, so an abandoned fetch makes no further request.
 */
interface SharedFetch {
  promise: Promise<TokenResult>;
  waiting: number;
  /** A caller without a signal never gives up, so the fetch is never abandoned. */
  committed: boolean;
  controller: AbortController;
}

/**
 * Races a shared promise against one caller's signal, so one caller giving up does not cancel the
 * others; `onGiveUp` is told when this caller gave up.
 */
function withCallerSignal<T>(shared: Promise<T>, signal: AbortSignal | undefined, onAbort: () => T, onGiveUp: () => void): Promise<T> {
  if (signal === undefined) {
    return shared;
  }
  if (signal.aborted) {
    onGiveUp();
    return Promise.resolve(onAbort());
  }
  return new Promise<T>((resolve) => {
    const abort = (): void => {
      onGiveUp();
      resolve(onAbort());
    };
    signal.addEventListener('abort', abort, { once: true });
    void shared.then((value) => {
      signal.removeEventListener('abort', abort);
      resolve(value);
    });
  });
}

/**
 * Fetches and caches the tenant access token. Concurrent callers share one in-flight fetch, which
 * retries transient failures a bounded number of times; a token the server rejects is dropped with
 * `invalidate`. Token values never leave this object except as the Authorization header the
 * client builds from them.
 */
export class TokenManager {
  readonly #transport: Transport;
  readonly #source: TokenSource;
  readonly #safetyMarginMs: number;
  readonly #retry: TokenRetryOptions;
  readonly #now: () => number;
  #cached: CachedToken | undefined;
  #inFlight: SharedFetch | undefined;
  #fetches = 0;
  /** The tokens this manager has held (a few), so a server echoing an older one is still scrubbed. */
  readonly #issued: string[] = [];
  #redactor: Redactor;

  constructor(options: TokenManagerOptions) {
    this.#transport = options.transport;
    this.#source = options.source;
    this.#safetyMarginMs = options.safetyMarginMs ?? DEFAULT_TOKEN_SAFETY_MARGIN_MS;
    this.#retry = { ...DEFAULT_TOKEN_RETRY, ...options.retry };
    this.#now = options.now ?? Date.now;
    this.#redactor = this.#makeRedactor();
  }

  #makeRedactor(): Redactor {
    const source = this.#source;
    return new Redactor([source.kind === 'self-built' ? source.appSecret : source.token, ...this.#issued]);
  }

  /** Only this manager's secrets, not the shapes: for what the user wrote (request bodies, IDs). */
  redactSecrets(text: string): string {
    return this.#redactor.secrets(text);
  }

  /**
   * An outcome with the fields a server chose (message, body, snippet, log ID, content type)
   * scrubbed and the snippet cut to 200 characters after the scrub; the kind, status and code stay.
   */
  redactOutcome<T extends Outcome>(outcome: T): T {
    return this.#redactOutcome(outcome) as T;
  }

  #redactOutcome(outcome: Outcome): Outcome {
    const r = this.#redactor;
    switch (outcome.kind) {
      case 'success':
      case 'api-error': {
        const out = { ...outcome, msg: r.text(outcome.msg), response: r.deep(outcome.response) };
        if (outcome.logId !== undefined) out.logId = r.text(outcome.logId);
        if (outcome.headers !== undefined) out.headers = r.deep(outcome.headers);
        return out;
      }
      case 'invalid-response': {
        const out = { ...outcome, snippet: r.text(outcome.snippet).slice(0, 200) };
        if (outcome.logId !== undefined) out.logId = r.text(outcome.logId);
        if (outcome.contentType !== undefined) out.contentType = r.text(outcome.contentType);
        if (outcome.headers !== undefined) out.headers = r.deep(outcome.headers);
        return out;
      }
      case 'network':
        return { ...outcome, detail: r.text(outcome.detail) };
      case 'cancelled':
        return outcome;
    }
  }

  /** Whether a rejected token can be replaced by fetching another. */
  get canRefresh(): boolean {
    return this.#source.kind === 'self-built';
  }

  /** How many times a token was requested from the server, retries included (for benchmarks and tests). */
  get fetchCount(): number {
    return this.#fetches;
  }

  /** The token, when one is cached and fresh (or pasted); never fetches. */
  cached(): string | undefined {
    if (this.#source.kind === 'manual') return checkPastedToken(this.#source.token) === undefined ? this.#source.token : undefined;
    const cached = this.#cached;
    return cached !== undefined && this.#now() < cached.expiresAt ? cached.token : undefined;
  }

  getToken(signal?: AbortSignal): Promise<TokenResult> {
    if (this.#source.kind === 'manual') {
      if (checkPastedToken(this.#source.token) !== undefined) {
        // Never put it in a header: the HTTP layer's error would quote it.
        return Promise.resolve({ ok: false, failure: { kind: 'network', reason: 'not-sent', detail: 'the pasted token has characters a token cannot have' } });
      }
      return Promise.resolve({ ok: true, token: this.#source.token, fromCache: true });
    }
    const cached = this.#cached;
    if (cached !== undefined && this.#now() < cached.expiresAt) {
      return Promise.resolve({ ok: true, token: cached.token, fromCache: true });
    }
    if (signal?.aborted === true) {
      return Promise.resolve({ ok: false, failure: { kind: 'cancelled' } });
    }
    const shared = this.#inFlight ?? this.#startFetch(this.#source);
    shared.waiting++;
    if (signal === undefined) shared.committed = true;
    return withCallerSignal(shared.promise, signal, () => ({ ok: false, failure: { kind: 'cancelled' } }), () => {
      shared.waiting--;
      if (shared.waiting === 0 && !shared.committed) {
        // Nobody waits any more: stop, and let the next caller start afresh rather than join this.
        shared.controller.abort();
        if (this.#inFlight === shared) this.#inFlight = undefined;
      }
    });
  }

  #startFetch(source: { appId: string; appSecret: string }): SharedFetch {
    const controller = new AbortController();
    const shared: SharedFetch = { promise: Promise.resolve({ ok: false, failure: { kind: 'cancelled' } }), waiting: 0, committed: false, controller };
    shared.promise = this.#fetchWithRetries(source, controller.signal).finally(() => {
      if (this.#inFlight === shared) this.#inFlight = undefined;
    });
    this.#inFlight = shared;
    return shared;
  }

  /** Up to `maxAttempts` requests, waiting base, 2×base, … (capped) between transient failures. */
  async #fetchWithRetries(source: { appId: string; appSecret: string }, signal: AbortSignal): Promise<TokenResult> {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.#retry;
    for (let attempt = 1; ; attempt++) {
      const { result, transient } = await this.#fetch(source, signal);
      if (result.ok || !transient || attempt >= maxAttempts) return result;
      const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      if (!(await sleep(delayMs, signal))) return { ok: false, failure: { kind: 'cancelled' } };
    }
  }

  /** Drops `token` if it is the cached one, so the next `getToken` fetches a fresh token. */
  invalidate(token: string): void {
    if (this.#cached?.token === token) {
      this.#cached = undefined;
    }
  }

  /** Forgets everything (credentials changed or cleared). */
  clear(): void {
    this.#cached = undefined;
  }

  async #fetch(source: { appId: string; appSecret: string }, signal: AbortSignal): Promise<{ result: TokenResult; transient: boolean }> {
    this.#fetches++;
    const startedAt = this.#now();
    const outcome = await this.#transport.post(TOKEN_PATH, { app_id: source.appId, app_secret: source.appSecret }, { signal });
    if (outcome.kind !== 'success') {
      return { result: { ok: false, failure: tokenFailure(outcome) }, transient: isTransientTokenFailure(outcome) };
    }
    const body = outcome.response as { tenant_access_token?: unknown; expire?: unknown };
    const token = body.tenant_access_token;
    const expire = body.expire;
    if (typeof token !== 'string' || checkPastedToken(token) !== undefined || typeof expire !== 'number' || !Number.isFinite(expire) || expire <= 0) {
      // Never echo the body: it would contain the token.
      const failure: TokenFailure = {
        kind: 'invalid-response',
        httpStatus: outcome.httpStatus,
        snippet: 'token response without a usable tenant_access_token and expire',
        ...(outcome.logId === undefined ? {} : { logId: outcome.logId }),
      };
      return { result: { ok: false, failure }, transient: false };
    }
    // Tokens shorter than 16 characters are not searched for: a hostile server choosing "success"
    // as its token must not make the scrub rewrite ordinary words.
    if (token.length >= 16 && !this.#issued.includes(token)) {
      this.#issued.push(token);
      if (this.#issued.length > 8) this.#issued.shift();
      this.#redactor = this.#makeRedactor();
    }
    // Measured from when we asked: the server's clock started before the answer reached us.
    this.#cached = { token, expiresAt: startedAt + tokenLifetimeMs(expire, this.#safetyMarginMs) };
    return { result: { ok: true, token, fromCache: false }, transient: false };
  }
}

/**
 * A token-endpoint failure with nothing of its body: the endpoint is sent the App Secret, and an
 * answer that echoes the request (an error page, a gateway's debug output) would carry it. What
 * is kept is fixed text plus the HTTP status, the content type, the numeric code and the log ID.
 */
function tokenFailure(outcome: Exclude<Outcome, { kind: 'success' }>): Exclude<Outcome, { kind: 'success' }> {
  const logId = outcome.kind === 'api-error' || outcome.kind === 'invalid-response' ? outcome.logId : undefined;
  const withLogId = { ...(logId === undefined ? {} : { logId }) };
  switch (outcome.kind) {
    case 'api-error':
      return {
        kind: 'api-error',
        httpStatus: outcome.httpStatus,
        code: outcome.code,
        msg: `the token endpoint answered code ${outcome.code}`,
        response: undefined,
        ...(outcome.rateLimitResetSeconds === undefined ? {} : { rateLimitResetSeconds: outcome.rateLimitResetSeconds }),
        ...withLogId,
      };
    case 'invalid-response': {
      // Only the media type (`text/html`), never the rest of the header, which a server controls.
      const media = /^[\w.+-]{1,50}\/[\w.+-]{1,80}/.exec(outcome.contentType ?? '')?.[0];
      const type = media ?? (outcome.contentType === undefined ? 'no content type' : 'an unreadable content type');
      return {
        kind: 'invalid-response',
        httpStatus: outcome.httpStatus,
        ...(media === undefined ? {} : { contentType: media }),
        snippet: outcome.tooLarge === true
          ? `the token endpoint answered HTTP ${outcome.httpStatus} with a body over the size cap, not read`
          : outcome.redirectOrigin === undefined
            ? `the token endpoint answered HTTP ${outcome.httpStatus} (${type}) without a Feishu JSON body`
            : outcome.snippet,
        ...(outcome.redirectOrigin === undefined ? {} : { redirectOrigin: outcome.redirectOrigin }),
        // An oversized answer keeps saying so, so its guidance is "too large", not a generic one.
        ...(outcome.tooLarge === true ? { tooLarge: true as const } : {}),
        ...withLogId,
      };
    }
    default:
      return outcome;
  }
}
