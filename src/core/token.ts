import type { Transport } from './http.ts';
import { Redactor } from './redact.ts';
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

export interface TokenManagerOptions {
  transport: Transport;
  source: TokenSource;
  /** The token is treated as expired this long before the server says (the SDK uses 3 min). */
  safetyMarginMs?: number;
  now?: () => number;
}

export const DEFAULT_TOKEN_SAFETY_MARGIN_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Races a shared promise against one caller's signal, so one caller giving up does not cancel the others. */
function withCallerSignal<T>(shared: Promise<T>, signal: AbortSignal | undefined, onAbort: () => T): Promise<T> {
  if (signal === undefined) {
    return shared;
  }
  if (signal.aborted) {
    return Promise.resolve(onAbort());
  }
  return new Promise<T>((resolve) => {
    const abort = (): void => resolve(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    void shared.then((value) => {
      signal.removeEventListener('abort', abort);
      resolve(value);
    });
  });
}

/**
 * Fetches and caches the tenant access token. Concurrent callers share one in-flight fetch;
 * a token the server rejects is dropped with `invalidate`. Token values never leave this
 * object except as the Authorization header the client builds from them.
 */
export class TokenManager {
  readonly #transport: Transport;
  readonly #source: TokenSource;
  readonly #safetyMarginMs: number;
  readonly #now: () => number;
  #cached: CachedToken | undefined;
  #inFlight: Promise<TokenResult> | undefined;
  #fetches = 0;
  /** The tokens this manager has held (a few), so a server echoing an older one is still scrubbed. */
  readonly #issued: string[] = [];
  #redactor: Redactor;

  constructor(options: TokenManagerOptions) {
    this.#transport = options.transport;
    this.#source = options.source;
    this.#safetyMarginMs = options.safetyMarginMs ?? DEFAULT_TOKEN_SAFETY_MARGIN_MS;
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
        return out;
      }
      case 'invalid-response': {
        const out = { ...outcome, snippet: r.text(outcome.snippet).slice(0, 200) };
        if (outcome.logId !== undefined) out.logId = r.text(outcome.logId);
        if (outcome.contentType !== undefined) out.contentType = r.text(outcome.contentType);
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

  /** How many times a token was requested from the server (for benchmarks and tests). */
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
    this.#inFlight ??= this.#fetch(this.#source).finally(() => {
      this.#inFlight = undefined;
    });
    return withCallerSignal(this.#inFlight, signal, () => ({ ok: false, failure: { kind: 'cancelled' } }));
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

  async #fetch(source: { appId: string; appSecret: string }): Promise<TokenResult> {
    this.#fetches++;
    const startedAt = this.#now();
    const outcome = await this.#transport.post(TOKEN_PATH, { app_id: source.appId, app_secret: source.appSecret });
    if (outcome.kind !== 'success') {
      return { ok: false, failure: tokenFailure(outcome) };
    }
    const body = outcome.response as { tenant_access_token?: unknown; expire?: unknown };
    const token = body.tenant_access_token;
    const expire = body.expire;
    if (typeof token !== 'string' || checkPastedToken(token) !== undefined || typeof expire !== 'number' || !Number.isFinite(expire) || expire <= 0) {
      // Never echo the body: it would contain the token.
      return {
        ok: false,
        failure: {
          kind: 'invalid-response',
          httpStatus: outcome.httpStatus,
          snippet: 'token response without a usable tenant_access_token and expire',
          ...(outcome.logId === undefined ? {} : { logId: outcome.logId }),
        },
      };
    }
    // Tokens shorter than 16 characters are not searched for: a hostile server choosing "success"
    // as its token must not make the scrub rewrite ordinary words.
    if (token.length >= 16 && !this.#issued.includes(token)) {
      this.#issued.push(token);
      if (this.#issued.length > 8) this.#issued.shift();
      this.#redactor = this.#makeRedactor();
    }
    // Measure from when we asked: the server's clock started before the answer reached us.
    // Short-lived tokens (tests, odd gateways) keep at least half their life rather than none.
    const lifetimeMs = Math.max(0, expire * 1000 - Math.min(this.#safetyMarginMs, (expire * 1000) / 2));
    this.#cached = { token, expiresAt: startedAt + lifetimeMs };
    return { ok: true, token, fromCache: false };
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
        snippet: outcome.redirectOrigin === undefined
          ? `the token endpoint answered HTTP ${outcome.httpStatus} (${type}) without a Feishu JSON body`
          : outcome.snippet,
        ...(outcome.redirectOrigin === undefined ? {} : { redirectOrigin: outcome.redirectOrigin }),
        ...withLogId,
      };
    }
    default:
      return outcome;
  }
}
