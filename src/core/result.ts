import type { Guidance } from './catalog.ts';
import type { AttemptEvent } from './client.ts';
import type { ValidationIssue } from './schema.ts';
import type { BadgeResult, Outcome, RetryRecord } from './types.ts';

/** The `error` kinds a command result can carry, one per way it can fail. */
export type CommandErrorKind =
  | 'validation'
  | 'no-credentials'
  | 'bad-settings'
  | 'token'
  | 'timeout'
  | 'network'
  | 'invalid-response'
  | 'api'
  | 'cancelled';

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
  /** Field-level problems; nothing is sent when there are errors. */
  issues?: Array<ValidationIssue & { message: string }>;
  /** Why each retry happened. */
  retries?: RetryRecord[];
  /** What to do about a failure, in the display language. */
  guidance?: Guidance;
  /** The parsed response body of the badge call (never of the token call). */
  response?: unknown;
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
      };
    case 'invalid-response':
      return { error: 'invalid-response', httpStatus: outcome.httpStatus, msg: outcome.snippet, ...(outcome.logId === undefined ? {} : { logId: outcome.logId }) };
    case 'network':
      return { error: outcome.reason === 'timeout' ? 'timeout' : 'network', msg: outcome.detail };
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
    return { ...base, httpStatus: result.httpStatus, code: 0, msg: result.msg, response: result.response, ...(result.logId === undefined ? {} : { logId: result.logId }) };
  }
  if (result.kind === 'token-error') {
    // The badge call was never made: report the token endpoint's answer, marked as such.
    // The response of the token endpoint is never passed on: on success it holds the token.
    const { response: _response, ...fields } = outcomeFields(result.cause);
    return { ...base, ...fields, error: fields.error === 'cancelled' ? 'cancelled' : 'token' };
  }
  return { ...base, ...outcomeFields(result) };
}

function outcomeSummary(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'success':
      return `${outcome.httpStatus} code=0`;
    case 'api-error':
      return `${outcome.httpStatus} code=${outcome.code}`;
    case 'invalid-response':
      return `${outcome.httpStatus} invalid-response`;
    case 'network':
      return `network=${outcome.reason}`;
    case 'cancelled':
      return 'cancelled';
  }
}

const logIdOf = (outcome: Outcome): string => ('logId' in outcome && outcome.logId !== undefined ? outcome.logId : '-');

/** One log line per request: method, path, status, code, log ID, attempts, duration. Never a token. */
export function formatResultLine(method: string, path: string, result: BadgeResult): string {
  const outcome: Outcome = result.kind === 'token-error' ? result.cause : result;
  const prefix = result.kind === 'token-error' ? 'token-error ' : '';
  return `${method} ${path} ${prefix}${outcomeSummary(outcome)} logId=${logIdOf(outcome)} attempts=${result.attempts} ${Math.round(result.durationMs)}ms user=${result.request.body.user_id} version=${result.version}`;
}

/** A debug line per HTTP attempt. */
export function formatAttemptLine(event: AttemptEvent): string {
  return `attempt ${event.attempt}: ${event.method} ${event.path} ${outcomeSummary(event.outcome)} logId=${logIdOf(event.outcome)} ${Math.round(event.durationMs)}ms version=${event.version}`;
}
