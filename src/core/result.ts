import type { Guidance } from './guidance/guidance.ts';
import type { AttemptEvent } from './client.ts';
import type { ValidationIssue } from './schema.ts';
import type { BadgeResult, ExchangedHeaders, Outcome, RetryRecord } from './types.ts';

/** The `error` kinds a command result can carry, one per way it can fail. */
export type CommandErrorKind =
  | 'validation'
  | 'no-credentials'
  | 'bad-settings'
  /** The API base is not the origin the credentials were verified against, and that was not confirmed. */
  | 'untrusted-origin'
  /** Refused on this side before anything was sent (a pasted token with a line break). */
  | 'not-sent'
  | 'timeout'
  | 'network'
  | 'invalid-response'
  | 'api'
  | 'cancelled'
  /**
   * Not re-sent: the server answered a version conflict and a newer badge for this user had been
   * sent after this one, so re-sending this one would overwrite it. `code` is the conflict (213001/213002).
   */
  | 'superseded';

/**
 * What badge commands return to callers (people and other extensions): plain data, the API's
 * own names, no secrets. Mirrors the command contract in the README.
 */
export interface BadgeCommandResult {
  ok: boolean;
  /** The version finally sent (absent when nothing was sent). */
  version?: string;
  attempts: number;
  durationMs?: number;
  httpStatus?: number;
  code?: number;
  msg?: string;
  logId?: string;
  error?: CommandErrorKind;
  /** Which call failed: the tenant token fetch or the badge call itself (absent when nothing was sent). */
  stage?: 'token' | 'badge';
  /** Field-level problems; nothing is sent when there are errors. */
  issues?: Array<ValidationIssue & { message: string }>;
  /** Why each retry happened. */
  retries?: RetryRecord[];
  /** What to do about a failure, in the display language. */
  guidance?: Guidance;
  /** The parsed response body of the badge call (never of the token call). */
  response?: unknown;
  /** The response headers that matter (log ID, rate limit), as the server sent them. */
  headers?: ExchangedHeaders;
}

/** The result fields that describe a failed exchange (also used for connection checks). */
export function outcomeFields(outcome: Exclude<Outcome, { kind: 'success' }>): Partial<BadgeCommandResult> {
  switch (outcome.kind) {
    case 'api-error':
      return {
        error: 'api',
        httpStatus: outcome.httpStatus,
        code: outcome.code,
        msg: outcome.msg,
        response: outcome.response,
        ...(outcome.logId === undefined ? {} : { logId: outcome.logId }),
        ...(outcome.headers === undefined ? {} : { headers: outcome.headers }),
      };
    case 'invalid-response':
      return {
        error: 'invalid-response',
        httpStatus: outcome.httpStatus,
        msg: outcome.snippet,
        ...(outcome.logId === undefined ? {} : { logId: outcome.logId }),
        ...(outcome.headers === undefined ? {} : { headers: outcome.headers }),
      };
    case 'network':
      return { error: outcome.reason === 'timeout' ? 'timeout' : outcome.reason === 'not-sent' ? 'not-sent' : 'network', msg: outcome.detail };
    case 'cancelled':
      return { error: 'cancelled' };
  }
}

export function toCommandResult(result: BadgeResult): BadgeCommandResult {
  const base: BadgeCommandResult = {
    ok: result.kind === 'success',
    version: result.version,
    attempts: result.attempts,
    durationMs: Math.round(result.durationMs),
  };
  if (result.retries.length > 0) {
    base.retries = result.retries;
  }
  if (result.kind === 'success') {
    return {
      ...base,
      httpStatus: result.httpStatus,
      code: 0,
      msg: result.msg,
      response: result.response,
      ...(result.logId === undefined ? {} : { logId: result.logId }),
      ...(result.headers === undefined ? {} : { headers: result.headers }),
    };
  }
  if (result.kind === 'token-error') {
    // The badge call was never made: report the token endpoint's answer, marked as such.
    // The response of the token endpoint is never passed on: on success it holds the token.
    const { response: _response, ...fields } = outcomeFields(result.cause);
    return fields.error === 'cancelled' ? { ...base, ...fields } : { ...base, ...fields, stage: 'token' };
  }
  if (result.kind === 'superseded') {
    // The server's conflict, as it came, under its own error kind: not a failure to fix, and not re-sent.
    return { ...base, ...outcomeFields(result.cause), error: 'superseded', stage: 'badge' };
  }
  const fields = outcomeFields(result);
  return fields.error === 'cancelled' ? { ...base, ...fields } : { ...base, ...fields, stage: 'badge' };
}

function outcomeSummary(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'success':
      return `${outcome.httpStatus} code=0`;
    case 'api-error':
      return `${outcome.httpStatus} code=${outcome.code}`;
    case 'invalid-response':
      return outcome.redirectOrigin === undefined
        ? `${outcome.httpStatus} invalid-response`
        : `${outcome.httpStatus} redirect-not-followed to=${logField(outcome.redirectOrigin)}`;
    case 'network':
      return `network=${outcome.reason}`;
    case 'cancelled':
      return 'cancelled';
  }
}

/**
 * A value as one log field: CR, LF and every other control or format character escaped, so a
 * user ID or a server's log ID can never start a forged log line. At most 300 characters.
 */
export function logField(value: string, maxLength = 300): string {
  const escaped = value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength - 1)}…` : escaped;
}

/** The rate-limit headers as sent, when they came (the log records what was exchanged). */
const rateOf = (outcome: Outcome): string => {
  const headers = 'headers' in outcome ? outcome.headers : undefined;
  const limit = headers?.['x-ogw-ratelimit-limit'];
  const reset = headers?.['x-ogw-ratelimit-reset'];
  return `${limit === undefined ? '' : ` ratelimit-limit=${logField(limit)}`}${reset === undefined ? '' : ` ratelimit-reset=${logField(reset)}`}`;
};

const logIdOf = (outcome: Outcome): string => ('logId' in outcome && outcome.logId !== undefined ? logField(outcome.logId) : '-');

/** One log line per request: method, path, status, code, log ID, attempts, duration. Never a token. */
export function formatResultLine(method: string, path: string, result: BadgeResult): string {
  const outcome: Outcome = result.kind === 'token-error' || result.kind === 'superseded' ? result.cause : result;
  const prefix = result.kind === 'token-error' ? 'token-error ' : result.kind === 'superseded' ? `superseded by=${logField(result.newerVersion)} ` : '';
  return `${method} ${path} ${prefix}${outcomeSummary(outcome)} logId=${logIdOf(outcome)}${rateOf(outcome)} attempts=${result.attempts} ${Math.round(result.durationMs)}ms user=${logField(result.request.body.user_id)} version=${logField(result.version)}`;
}

/** A debug line per HTTP attempt. */
export function formatAttemptLine(event: AttemptEvent): string {
  return `attempt ${event.attempt}: ${event.method} ${event.path} ${outcomeSummary(event.outcome)} logId=${logIdOf(event.outcome)} ${Math.round(event.durationMs)}ms version=${logField(event.version)}`;
}
