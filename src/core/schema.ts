import * as v from 'valibot';
import type { BadgeBody, ClientBadgeNum, UserIdType } from './types.ts';
import { USER_ID_TYPES } from './types.ts';
import type { MessageId } from './messages.ts';

export const MAX_COUNT = 2147483647;
/** Counts above this show as a dot, not a number, in the Feishu client. */
export const DOT_THRESHOLD = 999;
/** Epoch milliseconds fit in 13 digits for millennia; the server rejects anything that is not digits. */
const VERSION_PATTERN = /^\d{1,19}$/;

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
      v.trim(),
      v.nonEmpty(id('userId.required')),
    ),
    user_id_type: v.optional(v.picklist(USER_ID_TYPES, id('userIdType.invalid')), 'open_id'),
    version: v.optional(v.pipe(v.string(id('version.notString')), v.trim(), v.regex(VERSION_PATTERN, id('version.digits')))),
    extra: v.optional(v.string(id('extra.notString'))),
    pc: v.optional(clientSchema),
    mobile: v.optional(clientSchema),
  },
  v.never(id('field.unknown')),
  id('body.notObject'),
);

function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? []).map((item) => String(item.key)).join('.');
}

function toIssue(issue: v.BaseIssue<unknown>): ValidationIssue {
  const path = issuePath(issue);
  let messageId = issue.message as MessageId;
  // Valibot reports a missing key with the object's own message; user_id is the only required key.
  if (messageId === 'body.notObject' && path === 'user_id') {
    messageId = 'userId.required';
  }
  const params: Record<string, string | number> = {};
  if (messageId === 'count.range') {
    params.max = MAX_COUNT;
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

/**
 * Validates a badge request. Never throws: every problem comes back as a field-level issue
 * with a message id, so each surface (palette, form, automation) can show it in its language.
 */
export function validateBadge(input: unknown): Validation {
  const parsed = v.safeParse(inputSchema, input, { abortPipeEarly: true });
  if (!parsed.success) {
    return { ok: false, errors: parsed.issues.map(toIssue), warnings: [] };
  }
  const out = parsed.output;
  const body: ValidBadge['body'] = { user_id: out.user_id };
  if (out.version !== undefined) body.version = out.version;
  if (out.extra !== undefined) body.extra = out.extra;
  if (out.pc !== undefined) body.pc = { ...out.pc };
  if (out.mobile !== undefined) body.mobile = { ...out.mobile };
  const value: ValidBadge = { userIdType: out.user_id_type, body };
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
