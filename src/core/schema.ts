import * as v from 'valibot';
import type { BadgeBody, ClientBadgeNum, UserIdType } from './types.ts';
import { USER_ID_TYPES } from './types.ts';
import type { MessageId } from './messages.ts';

export const MAX_COUNT = 2147483647;
/**
 * The largest `extra`, in UTF-8 bytes (64 KiB). The one declaration: the form's field and the
 * webview protocol cap their text at this many UTF-16 units, never fewer than its UTF-8 bytes.
 */
export const MAX_EXTRA_BYTES = 65_536;
/** The longest user ID, in characters (code points), after trimming. Real IDs are far shorter. */
export const MAX_USER_ID_LENGTH = 256;
/** Counts above this show as a dot, not a number, in the Feishu client. */
export const DOT_THRESHOLD = 999;
/** Epoch milliseconds fit in 13 digits for millennia; the server rejects anything that is not digits. */
const VERSION_PATTERN = /^\d{1,19}$/;
/**
 * The largest version: Feishu keeps versions as 64-bit integers (int64 max). A manual version
 * above it is refused here, and the version clock never generates one.
 */
export const MAX_VERSION = 9223372036854775807n;
/**
 * Control and format characters (NUL, line breaks, zero-width spaces, bidi overrides, BOM, soft
 * hyphen...): invisible or disruptive in every surface and in logs, never part of an ID. A tab is
 * left to the whitespace rule, so it is trimmed at the ends like a space and named as whitespace inside.
 */
const CONTROL_CHAR = /(?!\t)[\p{Cc}\p{Cf}]/u;
/** Whitespace that trimming leaves inside an ID (space, tab, no-break and ideographic spaces, line separators). */
const WHITESPACE = /\s/u;

export type Severity = 'error' | 'warning';

export interface ValidationIssue {
  /** Dotted path of the field, e.g. `pc.web_app`; empty for the whole body. */
  path: string;
  id: MessageId;
  severity: Severity;
  params?: Record<string, string | number>;
}

/** What callers may hand in: the API's own field names; version optional (generated when absent). */
export interface BadgeInput {
  user_id?: unknown;
  user_id_type?: unknown;
  version?: unknown;
  extra?: unknown;
  pc?: unknown;
  mobile?: unknown;
}

export interface ValidBadge {
  userIdType: UserIdType;
  body: Omit<BadgeBody, 'version'> & { version?: string };
}

export type Validation =
  | { ok: true; value: ValidBadge; warnings: ValidationIssue[] }
  | { ok: false; errors: ValidationIssue[]; warnings: ValidationIssue[] };

// Valibot messages carry our message ids; the host and webview localise them.
const id = (messageId: MessageId): string => messageId;

const countSchema = v.pipe(
  v.number(id('count.notNumber')),
  v.integer(id('count.notInteger')),
  v.minValue(0, id('count.range')),
  v.maxValue(MAX_COUNT, id('count.range')),
);

const clientSchema = v.objectWithRest(
  {
    web_app: v.optional(countSchema),
    gadget: v.optional(countSchema),
  },
  v.never(id('field.unknown')),
  id('client.notObject'),
);

const inputSchema = v.objectWithRest(
  {
    user_id: v.pipe(
      v.string((issue) => (issue.input === undefined || issue.input === null ? id('userId.required') : id('userId.notString'))),
      // Checked before trimming: trim() would silently drop a trailing line break or a BOM.
      v.check((value) => !CONTROL_CHAR.test(value), id('userId.controlChar')),
      v.trim(),
      v.nonEmpty(id('userId.required')),
      v.check((value) => !WHITESPACE.test(value), id('userId.whitespace')),
      v.check((value) => codePoints(value) <= MAX_USER_ID_LENGTH, id('userId.tooLong')),
    ),
    // No default here: validateBadge applies the caller's (the `feishuBadge.userIdType` setting).
    user_id_type: v.optional(v.picklist(USER_ID_TYPES, id('userIdType.invalid'))),
    version: v.optional(
      v.pipe(
        v.string(id('version.notString')),
        v.trim(),
        v.regex(VERSION_PATTERN, id('version.digits')),
        // 19 digits pass the pattern up to 9999999999999999999; int64 stops at 9223372036854775807.
        v.check((value) => !/^\d+$/.test(value) || BigInt(value) <= MAX_VERSION, id('version.tooLarge')),
      ),
    ),
    extra: v.optional(v.pipe(v.string(id('extra.notString')), v.check((value) => utf8Length(value, MAX_EXTRA_BYTES) <= MAX_EXTRA_BYTES, id('extra.tooLarge')))),
    pc: v.optional(clientSchema),
    mobile: v.optional(clientSchema),
  },
  v.never(id('field.unknown')),
  id('body.notObject'),
);

/** Characters as people count them (code points), so an emoji is one, not two. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

/**
 * UTF-8 length of `text` as sent (a lone surrogate becomes U+FFFD, 3 bytes), without encoding it.
 * Stops counting once past `stopAbove`: a huge paste costs no more than the limit.
 */
function utf8Length(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= stopAbove; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** 1-based position (in characters) of the first match of `pattern` in `text`, and the character. */
function firstMatch(text: string, pattern: RegExp): { position: number; char: string } | undefined {
  let position = 0;
  for (const char of text) {
    position++;
    if (pattern.test(char)) return { position, char };
  }
  return undefined;
}

/** `U+200B`: names a character without putting it on screen. */
function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item) => String(item.key)).join('.');
}

/**
 * Parameters that say exactly what is wrong. Positions count from the start of the ID as given
 * (before trimming), so they match what the user sees in the field.
 */
function paramsFor(messageId: MessageId, input: unknown): Record<string, string | number> {
  const raw = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const userId = typeof raw.user_id === 'string' ? raw.user_id : '';
  switch (messageId) {
    case 'userId.controlChar': {
      const found = firstMatch(userId, CONTROL_CHAR);
      return found === undefined ? {} : { position: found.position, char: codePointName(found.char) };
    }
    case 'userId.whitespace': {
      const lead = userId.length - userId.trimStart().length;
      const found = firstMatch(userId.trim(), WHITESPACE);
      return found === undefined ? {} : { position: codePoints(userId.slice(0, lead)) + found.position };
    }
    case 'userId.tooLong':
      return { length: codePoints(userId.trim()), max: MAX_USER_ID_LENGTH };
    case 'extra.tooLarge':
      return { size: typeof raw.extra === 'string' ? utf8Length(raw.extra) : 0, max: MAX_EXTRA_BYTES };
    default:
      return {};
  }
}

function toIssue(issue: v.BaseIssue<unknown>, input: unknown): ValidationIssue {
  const path = issuePath(issue);
  let messageId = issue.message as MessageId;
  // Valibot reports a missing key with the object's own message; user_id is the only required key.
  if (messageId === 'body.notObject' && path === 'user_id') {
    messageId = 'userId.required';
  }
  const params: Record<string, string | number> = paramsFor(messageId, input);
  if (messageId === 'count.range') {
    params.max = MAX_COUNT;
  }
  if (messageId === 'version.tooLarge') {
    params.max = MAX_VERSION.toString();
  }
  if (messageId === 'field.unknown') {
    params.field = path;
  }
  return Object.keys(params).length > 0
    ? { path, id: messageId, severity: 'error', params }
    : { path, id: messageId, severity: 'error' };
}

function countWarnings(prefix: 'pc' | 'mobile', client: ClientBadgeNum | undefined): ValidationIssue[] {
  if (client === undefined) {
    return [];
  }
  const out: ValidationIssue[] = [];
  for (const field of ['web_app', 'gadget'] as const) {
    const n = client[field];
    if (n !== undefined && n > DOT_THRESHOLD) {
      out.push({ path: `${prefix}.${field}`, id: 'count.dot', severity: 'warning', params: { max: DOT_THRESHOLD } });
    }
  }
  if (client.web_app === undefined && client.gadget === undefined) {
    out.push({ path: prefix, id: 'client.empty', severity: 'warning' });
  }
  return out;
}

/** Warnings are likely mistakes that the API may still accept (or answers with a code we can predict). */
function warningsFor(value: ValidBadge): ValidationIssue[] {
  const warnings: ValidationIssue[] = [];
  const { body, userIdType } = value;
  if (userIdType === 'open_id' && !body.user_id.startsWith('ou_')) {
    warnings.push({ path: 'user_id', id: 'userId.openIdPrefix', severity: 'warning' });
  } else if (userIdType === 'union_id' && !body.user_id.startsWith('on_')) {
    warnings.push({ path: 'user_id', id: 'userId.unionIdPrefix', severity: 'warning' });
  } else if (userIdType === 'user_id' && /^o[un]_/.test(body.user_id)) {
    const looksLike = body.user_id.startsWith('ou_') ? 'open_id' : 'union_id';
    warnings.push({ path: 'user_id', id: 'userId.looksLikeOtherType', severity: 'warning', params: { type: looksLike } });
  }
  if (body.pc === undefined && body.mobile === undefined) {
    warnings.push({ path: '', id: 'body.noCounts', severity: 'warning' });
  }
  warnings.push(...countWarnings('pc', body.pc), ...countWarnings('mobile', body.mobile));
  if (body.extra !== undefined && body.extra !== '' && !isJson(body.extra)) {
    warnings.push({ path: 'extra', id: 'extra.notJson', severity: 'warning' });
  }
  return warnings;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface ValidateOptions {
  /**
   * The ID type of an input without `user_id_type` (the `feishuBadge.userIdType` setting);
   * `open_id` when not given. A value that is not an API ID type is reported as
   * `userIdType.invalid`, never replaced by a guess.
   */
  defaultUserIdType?: UserIdType | undefined;
}

/**
 * Validates a badge request. Never throws: every problem comes back as a field-level issue
 * with a message id, so each surface (palette, form, automation) can show it in its language.
 */
export function validateBadge(input: unknown, options: ValidateOptions = {}): Validation {
  const fallback: unknown = options.defaultUserIdType ?? 'open_id';
  const parsed = v.safeParse(inputSchema, input, { abortPipeEarly: true });
  const errors = parsed.success ? [] : parsed.issues.map((issue) => toIssue(issue, input));
  const usesDefault = typeof input === 'object' && input !== null && !Array.isArray(input) && (input as BadgeInput).user_id_type === undefined;
  if (usesDefault && !(USER_ID_TYPES as readonly unknown[]).includes(fallback) && !errors.some((issue) => issue.path === 'user_id_type')) {
    errors.push({ path: 'user_id_type', id: 'userIdType.invalid', severity: 'error' });
  }
  if (!parsed.success || errors.length > 0) {
    return { ok: false, errors, warnings: [] };
  }
  const out = parsed.output;
  const userIdType = out.user_id_type ?? (fallback as UserIdType);
  const body: ValidBadge['body'] = { user_id: out.user_id };
  if (out.version !== undefined) body.version = out.version;
  if (out.extra !== undefined) body.extra = out.extra;
  if (out.pc !== undefined) body.pc = { ...out.pc };
  if (out.mobile !== undefined) body.mobile = { ...out.mobile };
  const value: ValidBadge = { userIdType, body };
  return { ok: true, value, warnings: warningsFor(value) };
}

/** The body that clears every badge count of a user. */
export function clearingInput(userId: string, userIdType: UserIdType = 'open_id'): BadgeInput {
  return {
    user_id: userId,
    user_id_type: userIdType,
    pc: { web_app: 0, gadget: 0 },
    mobile: { web_app: 0, gadget: 0 },
  };
}
