import type { BadgeResult, Locale, NetworkReason, Outcome } from '../types.ts';
import { BADGE_ENTRIES } from './badgeCodes.ts';
import { HTTP_429, httpEntry } from './httpStatus.ts';
import { logIdStep, resolve } from './phrases.ts';
import type { Context, Entry } from './phrases.ts';
import { PLATFORM_ENTRIES, UNKNOWN_API } from './platformCodes.ts';
import { REQUEST_ENTRIES } from './requestCodes.ts';
import { BAD_BASE_URL, CANCELLED, INVALID_RESPONSE, NETWORK_ENTRIES, NO_CREDENTIALS, REDIRECT, SUPERSEDED, TOO_LARGE } from './transport.ts';

// The error catalog: every way a badge call can fail, mapped to what a developer should do next,
// in English and Simplified Chinese. The client only reports facts (codes, statuses, reasons);
// all wording lives in this folder so the output panel, notifications and automation say the same
// thing. This file is the only one other code imports; the entries sit one file per section.

export type FailureDescriptor =
  | { kind: 'api'; code: number; httpStatus?: number; msg?: string; logId?: string }
  /** An HTTP error without a Feishu JSON body (e.g. a 502 HTML page, a 404). */
  | { kind: 'http'; httpStatus: number; logId?: string }
  | { kind: 'network'; reason: NetworkReason }
  /** `tooLarge`: the body was over the transport's 64 KiB cap and dropped unread. */
  | { kind: 'invalid-response'; httpStatus?: number; logId?: string; redirectOrigin?: string; tooLarge?: boolean }
  | { kind: 'cancelled' }
  /** A version conflict answered to a send that a newer local send for the same user had overtaken: not re-sent. */
  | { kind: 'superseded' }
  /** The custom base URL was refused (http:// to a non-loopback host, not a URL, ...). */
  | { kind: 'bad-base-url' }
  | { kind: 'no-credentials' };

export interface Guidance {
  /** Stable across releases and locales, e.g. 'api.213001', 'api.unknown', 'http.5xx', 'network.timeout'. */
  id: string;
  /** The Feishu code, when the failure is an API error. */
  code?: number;
  title: string;
  /** What happened and why, 1-3 sentences. */
  explanation: string;
  /** What to do, in order; when the server gave a log ID, the last step quotes it. */
  steps: readonly string[];
  docUrl: string;
  /** Whether trying again later can help without the user changing anything. */
  retryable: boolean;
}

// Server messages are untrusted and can be long or multi-line; keep them readable in a notification.
const MAX_MSG_CHARS = 300;

const API_ENTRIES: ReadonlyMap<number, Entry> = new Map([...BADGE_ENTRIES, ...PLATFORM_ENTRIES, ...REQUEST_ENTRIES]);

/** Every Feishu code with an entry of its own; any other code gets the generic 'api.unknown' entry. */
export const CATALOG_API_CODES: readonly number[] = Object.freeze([...API_ENTRIES.keys()].sort((a, b) => a - b));

/**
 * Maps a locale tag (VS Code's `env.language`, a BCP 47 tag or a POSIX `LANG`) to a shipped
 * locale. Every Chinese variant gets Simplified Chinese: it is the only Chinese text we ship, and
 * readers of Traditional Chinese are better served by it than by English.
 */
export function normalizeLocale(tag: string | undefined): Locale {
  if (tag === undefined) return 'en';
  // POSIX tags carry an encoding or modifier ('zh_CN.UTF-8', 'zh_CN@pinyin') that says nothing of language.
  const language = tag.trim().toLowerCase().split(/[.@]/)[0]?.split(/[-_]/)[0];
  return language === 'zh' ? 'zh-cn' : 'en';
}

/** The guidance for one failure, in the given locale. */
export function guidanceFor(failure: FailureDescriptor, locale: Locale): Guidance {
  switch (failure.kind) {
    case 'api': {
      const ctx: Context = {
        code: cleanCode(failure.code),
        httpStatus: cleanStatus(failure.httpStatus),
        msg: cleanMsg(failure.msg),
        logId: cleanLogId(failure.logId),
      };
      const known = ctx.code === undefined ? undefined : API_ENTRIES.get(ctx.code);
      // A 429 is a rate limit whatever the body's code says, and the client treats it as one.
      const entry = known ?? (ctx.httpStatus === 429 ? HTTP_429 : UNKNOWN_API);
      return build(entry, ctx, locale, true);
    }
    case 'http': {
      const ctx: Context = { httpStatus: cleanStatus(failure.httpStatus), logId: cleanLogId(failure.logId) };
      return build(httpEntry(ctx.httpStatus), ctx, locale, true);
    }
    case 'invalid-response': {
      const redirectOrigin = cleanOrigin(failure.redirectOrigin);
      const ctx: Context = { httpStatus: cleanStatus(failure.httpStatus), logId: cleanLogId(failure.logId), ...(redirectOrigin === undefined ? {} : { redirectOrigin }) };
      const entry = failure.redirectOrigin !== undefined ? REDIRECT : failure.tooLarge === true ? TOO_LARGE : INVALID_RESPONSE;
      return build(entry, ctx, locale, true);
    }
    case 'network':
      // An unknown reason from a newer caller still gets network guidance rather than a crash.
      return build(NETWORK_ENTRIES[failure.reason] ?? NETWORK_ENTRIES.other, {}, locale, false);
    case 'cancelled':
      return build(CANCELLED, {}, locale, false);
    case 'superseded':
      return build(SUPERSEDED, {}, locale, false);
    case 'bad-base-url':
      return build(BAD_BASE_URL, {}, locale, false);
    case 'no-credentials':
      return build(NO_CREDENTIALS, {}, locale, false);
    default: {
      const unhandled: never = failure;
      throw new Error(`Unhandled failure kind: ${JSON.stringify(unhandled)}`);
    }
  }
}

function build(entry: Entry, ctx: Context, locale: Locale, fromServer: boolean): Guidance {
  const texts = resolve(locale === 'zh-cn' ? entry.zh : entry.en, ctx);
  // Every server error surfaces its log ID: it is what log search and Feishu support ask for.
  const steps =
    fromServer && ctx.logId !== undefined ? [...texts.steps, logIdStep(locale, ctx.logId)] : [...texts.steps];
  const guidance: Guidance = {
    id: entry.id,
    title: texts.title,
    explanation: texts.explanation,
    steps: Object.freeze(steps),
    docUrl: entry.docUrl,
    retryable: typeof entry.retryable === 'function' ? entry.retryable(ctx) : entry.retryable,
  };
  if (ctx.code !== undefined) guidance.code = ctx.code;
  return guidance;
}

function cleanCode(code: number): number | undefined {
  return Number.isSafeInteger(code) ? code : undefined;
}

function cleanStatus(status: number | undefined): number | undefined {
  return status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

function cleanMsg(msg: string | undefined): string | undefined {
  if (typeof msg !== 'string') return undefined;
  const oneLine = msg.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return undefined;
  return oneLine.length > MAX_MSG_CHARS ? `${oneLine.slice(0, MAX_MSG_CHARS - 1)}…` : oneLine;
}

/** An origin as `new URL().origin` gives it (no path, query or user info), or `unknown`. */
function cleanOrigin(origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  try {
    const parsed = new URL(origin).origin;
    return parsed === origin ? parsed : 'unknown';
  } catch {
    return 'unknown';
  }
}

function cleanLogId(logId: string | undefined): string | undefined {
  if (typeof logId !== 'string') return undefined;
  const trimmed = logId.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The catalog descriptor of a failed exchange. A non-JSON answer with an HTTP error status is an HTTP failure. */
export function describeOutcome(outcome: Exclude<Outcome, { kind: 'success' }>): FailureDescriptor {
  const withLogId = <T extends FailureDescriptor>(descriptor: T, logId: string | undefined): T =>
    logId === undefined ? descriptor : { ...descriptor, logId };
  switch (outcome.kind) {
    case 'api-error':
      return withLogId({ kind: 'api', code: outcome.code, httpStatus: outcome.httpStatus, msg: outcome.msg }, outcome.logId);
    case 'invalid-response':
      if (outcome.redirectOrigin !== undefined) {
        return withLogId({ kind: 'invalid-response', httpStatus: outcome.httpStatus, redirectOrigin: outcome.redirectOrigin }, outcome.logId);
      }
      // An error status says more than the size of its page: a huge 502 is still a 502.
      if (outcome.httpStatus >= 400) return withLogId({ kind: 'http', httpStatus: outcome.httpStatus }, outcome.logId);
      return outcome.tooLarge === true
        ? withLogId({ kind: 'invalid-response', httpStatus: outcome.httpStatus, tooLarge: true }, outcome.logId)
        : withLogId({ kind: 'invalid-response', httpStatus: outcome.httpStatus }, outcome.logId);
    case 'network':
      return { kind: 'network', reason: outcome.reason };
    case 'cancelled':
      return { kind: 'cancelled' };
  }
}

/** The catalog descriptor of a badge result, or `undefined` when it succeeded. */
export function describeResult(result: BadgeResult): FailureDescriptor | undefined {
  if (result.kind === 'success') {
    return undefined;
  }
  if (result.kind === 'superseded') {
    return { kind: 'superseded' };
  }
  return describeOutcome(result.kind === 'token-error' ? result.cause : result);
}
