// Shared shapes of the core. Pure data: no `vscode`, no DOM, no Node-only APIs.

export type UserIdType = 'open_id' | 'union_id' | 'user_id';
export const USER_ID_TYPES: readonly UserIdType[] = ['open_id', 'union_id', 'user_id'];

export type Locale = 'en' | 'zh-cn';

/** Counts for one client kind (PC or mobile), as the API names them. */
export interface ClientBadgeNum {
  web_app?: number;
  gadget?: number;
}

/** The JSON body of `POST /open-apis/application/v6/app_badge/set`, exactly as sent. */
export interface BadgeBody {
  user_id: string;
  version: string;
  extra?: string;
  pc?: ClientBadgeNum;
  mobile?: ClientBadgeNum;
}

/** A validated request: the body and its query parameter. */
export interface BadgeRequest {
  userIdType: UserIdType;
  body: BadgeBody;
}

/** Why a connection-level failure happened. */
/** `not-sent`: the request was refused on this side before any byte left (e.g. a header with a line break). */
export type NetworkReason = 'timeout' | 'refused' | 'dns' | 'reset' | 'tls' | 'not-sent' | 'other';

/** Why the client tried again. */
export type RetryReason =
  | 'rate-limited'
  | 'server-error'
  | 'network'
  | 'version-conflict'
  | 'concurrent-update'
  | 'token-invalid';

export interface RetryRecord {
  /** The attempt that failed and caused the retry (1-based). */
  attempt: number;
  reason: RetryReason;
  httpStatus?: number;
  code?: number;
  /** How long the client waited before the next attempt. */
  delayMs: number;
  /** The version the next attempt sends, when the retry bumped it. */
  newVersion?: string;
}

/**
 * The response headers that matter, as the server sent them (each a plain printable value of at
 * most 128 characters, or left out): the log ID to quote to Feishu support, and the rate limit.
 */
export interface ExchangedHeaders {
  'x-tt-logid'?: string;
  'x-ogw-ratelimit-limit'?: string;
  'x-ogw-ratelimit-reset'?: string;
}

/** What one HTTP exchange came to. Expected failures are values, never exceptions. */
export type Outcome =
  | {
      kind: 'success';
      httpStatus: number;
      code: 0;
      msg: string;
      logId?: string;
      /** The parsed response body. */
      response: unknown;
      /** Requests allowed per rate-limit window, from `x-ogw-ratelimit-limit`, when sent. */
      rateLimitLimit?: number;
      headers?: ExchangedHeaders;
    }
  | {
      kind: 'api-error';
      httpStatus: number;
      code: number;
      msg: string;
      logId?: string;
      response: unknown;
      /** Seconds until the rate-limit window resets, from `x-ogw-ratelimit-reset`. */
      rateLimitResetSeconds?: number;
      rateLimitLimit?: number;
      headers?: ExchangedHeaders;
    }
  | {
      kind: 'network';
      reason: NetworkReason;
      /** The low-level error text (e.g. `ECONNREFUSED`), never containing secrets. */
      detail: string;
    }
  | {
      kind: 'invalid-response';
      httpStatus: number;
      logId?: string;
      contentType?: string;
      /** The first characters of the body, for display (fixed text for the token endpoint and redirects). */
      snippet: string;
      /** The body was over the transport's cap (64 KiB): dropped unread, its connection closed. */
      tooLarge?: true;
      /**
       * A 3xx answer: redirects are never followed, so secrets only reach the configured origin.
       * The origin of `Location` (scheme, host, port: never its path or query), or `unknown`.
       */
      redirectOrigin?: string;
      headers?: ExchangedHeaders;
    }
  | { kind: 'cancelled' };

export type OutcomeKind = Outcome['kind'];

/** A token-fetch failure (tenant_access_token/internal), carried into badge results. */
export interface TokenFailure {
  outcome: Exclude<Outcome, { kind: 'success' }>;
}

/** What a badge call returns: the last outcome plus how it got there. */
export type BadgeResult = (
  | Outcome
  | {
      kind: 'token-error';
      /** Why the tenant token could not be obtained. */
      cause: Exclude<Outcome, { kind: 'success' }>;
    }
  | {
      /**
       * The server answered a version conflict (213001/213002) and a newer local send for the same
       * user had taken a newer version meanwhile: this one was not re-sent, so it cannot overwrite it.
       */
      kind: 'superseded';
      /** The conflict the server answered. */
      cause: Extract<Outcome, { kind: 'api-error' }>;
      /** The newer version recorded for the user when this send stopped. */
      newerVersion: string;
    }
) & {
  /** The version in the last request sent (or that would have been sent). */
  version: string;
  /** HTTP attempts made for the badge call itself. */
  attempts: number;
  durationMs: number;
  retries: RetryRecord[];
  request: BadgeRequest;
};
