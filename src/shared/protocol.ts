// The one protocol between the extension host and the sidebar form (webview). Both sides import
// these types, and each checks what it receives at run time: the host with `parseFromWebview`
// (here), because a webview is untrusted input; the form with `parseFromHost` (fromHost.ts). No
// secret or token is ever part of a message.
import * as v from 'valibot';
import type { BadgeCommandResult } from '../core/result.ts';
import { MAX_COUNT, MAX_EXTRA_BYTES } from '../core/schema.ts';
import type { RememberedBadge, Target } from '../core/badgeState.ts';
import { HISTORY_MAX } from '../core/badgeState.ts';
import { USER_ID_TYPES as USER_ID_TYPE_VALUES } from '../core/types.ts';
import type { ClientBadgeNum, Locale, UserIdType } from '../core/types.ts';
import type { DiagnoseCheck, DiagnoseStatus } from '../core/diagnose.ts';

/** The user-ID types, as the core declares them (one list for the schema, the form and the host). */
export { USER_ID_TYPES as USER_ID_TYPE_VALUES } from '../core/types.ts';

/** What the form holds while someone types: raw text, so a half-filled form survives as typed. */
export interface Draft {
  userId: string;
  userIdType: UserIdType;
  /** Counts as typed ('' = not sent). */
  pcWebApp: string;
  pcGadget: string;
  mobileWebApp: string;
  mobileGadget: string;
  sameOnBoth: boolean;
  versionMode: 'auto' | 'manual';
  manualVersion: string;
  extra: string;
}

export const EMPTY_DRAFT: Draft = {
  userId: '',
  userIdType: 'open_id',
  pcWebApp: '',
  pcGadget: '',
  mobileWebApp: '',
  mobileGadget: '',
  sameOnBoth: true,
  versionMode: 'auto',
  manualVersion: '',
  extra: '',
};

export type { Target } from '../core/badgeState.ts';

/** What the extension last set for a target (the API cannot read a badge back): the core's shape. */
export type RememberedInfo = RememberedBadge;

/** One recent request as the form lists it (no body beyond ids and counts; never a token). */
export interface HistoryItem {
  /** Its index in the host's history (0 = the latest): what `resend` names. */
  index: number;
  at: number;
  userId: string;
  userIdType: UserIdType;
  pc?: ClientBadgeNum;
  mobile?: ClientBadgeNum;
  ok: boolean;
  code?: number;
  /** The profile it was sent with, when that is not the active one ("(removed)" if it is gone). */
  profile?: string;
}

/** The most requests the history keeps (the core's limit); `resend` indexes are below it. */
export { HISTORY_MAX } from '../core/badgeState.ts';
/** How many of the most recent requests the form lists. */
export const FORM_HISTORY_MAX = 10;

/** What the host tells the form about itself. */
export interface HostState {
  locale: Locale;
  /** The active profile (sending to a production one asks first). */
  profile?: { name: string; production: boolean };
  domain: string;
  /** The API base in use, or undefined when the settings are invalid. */
  baseUrl?: string;
  /** Why the settings are unusable, in the display language. */
  settingsProblem?: string;
  hasCredentials: boolean;
  credentialKind?: 'self-built' | 'manual';
  appId?: string;
  defaultTarget?: Target;
  /** The feishuBadge.userIdType setting: the ID type of a new, untouched draft. */
  userIdType?: UserIdType;
  recentUsers: Target[];
  /** The most recent requests, newest first (at most FORM_HISTORY_MAX). */
  history?: HistoryItem[];
}

/** A send's outcome as the form shows it. */
export interface FormResult {
  requestId: string;
  /** What was done, so a form reloaded mid-request still titles the answer right. */
  action?: 'send' | 'clear';
  result: BadgeCommandResult;
  /** The raw response body, pretty-printed (never a token response). */
  raw?: string;
}

/**
 * What an email or phone number typed into the user ID field could be looked up as (issue 10):
 * `email` for anything with an `@`; `mobile` for `+` and digits, or 11 digits starting with 1 (a
 * mainland China number); spaces, hyphens and brackets between the digits are allowed. Undefined
 * for anything else, and for text with a control or invisible character (the ID's own check names it).
 */
export type ContactKind = 'email' | 'mobile';

/** The longest email or phone number the form looks up (an email address is at most 320 characters). */
export const LOOKUP_QUERY_MAX = 320;
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export function contactKind(text: string, userIdType?: UserIdType): ContactKind | undefined {
  // Full-width digits and ＋ as typed with a Chinese input method read as their ASCII forms.
  const trimmed = text.normalize('NFKC').trim();
  if (trimmed === '' || trimmed.length > LOOKUP_QUERY_MAX || INVISIBLE.test(trimmed)) return undefined;
  if (trimmed.includes('@')) return /\s/.test(trimmed) ? undefined : 'email';
  if (!/^\+?[\d\s()-]+$/.test(trimmed)) return undefined;
  const digits = mobileDigits(trimmed);
  // A bare 11-digit number may be a tenant user_id (employee numbers are): with that ID type only a
  // number with its +country code is taken for a phone.
  return /^\+\d{5,15}$/.test(digits) || (/^1\d{10}$/.test(digits) && userIdType !== 'user_id') ? 'mobile' : undefined;
}

/** A phone number as the platform looks it up: the separators people type left out. */
export function mobileDigits(text: string): string {
  return text.normalize('NFKC').trim().replace(/[\s()-]/g, '');
}

/** A person's account state as the form words it; absent flags are unknown. */
export interface LookupStatus {
  resigned?: boolean;
  frozen?: boolean;
  notActivated?: boolean;
  exited?: boolean;
  unjoined?: boolean;
}

/** Someone an email or phone number resolved to. */
export interface LookupUser {
  id: string;
  idType: UserIdType;
  name?: string;
  status?: LookupStatus;
}

/**
 * Why a lookup found nothing usable. `kind` is the lookup's error (`missing-scope`, `cancelled`,
 * `no-credentials`, `api`, …, or `unavailable` / `internal` from the form's host); `msg` arrives in
 * the display language or as the server said it.
 */
export interface LookupError {
  kind?: string;
  msg: string;
  code?: number;
  logId?: string;
  missingScopes?: string[];
}

/** The host's answer to a `lookup`: `query` is echoed, so an answer for text no longer typed is dropped. */
export interface LookupAnswer {
  requestId: string;
  query: string;
  users: LookupUser[];
  /** Nobody has it: the causes that fit, in the display language. */
  notFound?: { detail: string };
  error?: LookupError;
}

export type DiagnosisStatus = DiagnoseStatus;
export const DIAGNOSIS_STATUSES = ['pass', 'warn', 'fail', 'skip'] as const satisfies readonly DiagnosisStatus[];

/** One check of "why no red dot?" as the core gives it (texts in the display language); its id is any text the form receives. */
export type DiagnosisCheck = Omit<DiagnoseCheck, 'id'> & { id: string };

export interface Diagnosis {
  /** True when no check failed. */
  ok: boolean;
  checks: DiagnosisCheck[];
  cancelled?: true;
}

/** A diagnosis that could not run at all (no lookup service here, or a bug; `msg` in the display language). */
export interface DiagnosisError {
  kind: 'unavailable' | 'internal';
  msg?: string;
}

export type FromHost =
  | { type: 'state'; state: HostState }
  /** `version` and `remembered` absent: the host could not tell (no credentials, say). */
  /** `seq`: the peek this answers (echoed), so the form can drop an answer computed before a send. */
  | { type: 'version'; target: Target; version?: string; remembered?: RememberedInfo; seq?: number }
  | { type: 'busy'; requestId: string; action: 'send' | 'clear' }
  | { type: 'result'; payload: FormResult }
  | { type: 'copied'; what: 'curl' | 'http' | 'logId' }
  | ({ type: 'lookupResult' } & LookupAnswer)
  /** `target`: what was diagnosed, so the form drops a diagnosis for an ID no longer in the field. */
  | { type: 'diagnosis'; requestId: string; target: Target; result: Diagnosis; error?: DiagnosisError };

export const HOST_COMMANDS = ['configureCredentials', 'useTenantToken', 'testConnection', 'showLog', 'switchProfile', 'addProfile', 'openWalkthrough'] as const;
export type HostCommand = (typeof HOST_COMMANDS)[number];

/** The longest text the host accepts in each draft field; the form sets them as `maxlength`. */
export const DRAFT_MAX_LENGTH = {
  userId: 512,
  pcWebApp: 32,
  pcGadget: 32,
  mobileWebApp: 32,
  mobileGadget: 32,
  manualVersion: 64,
  // UTF-16 units, never more than the UTF-8 bytes: a longer draft could not be valid anyway.
  extra: MAX_EXTRA_BYTES,
} as const;
/** The log IDs and documentation links the host acts on; the form offers no button for others. */
export const LOG_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const DOC_URL_PATTERN = /^https:\/\/open\.(feishu\.cn|larksuite\.com|larkoffice\.com)\//;

const text = (field: keyof typeof DRAFT_MAX_LENGTH) => v.pipe(v.string(), v.maxLength(DRAFT_MAX_LENGTH[field]));
export const targetSchema = v.object({ userId: text('userId'), userIdType: v.picklist(USER_ID_TYPE_VALUES) });
const draftSchema = v.object({
  userId: text('userId'),
  userIdType: v.picklist(USER_ID_TYPE_VALUES),
  pcWebApp: text('pcWebApp'),
  pcGadget: text('pcGadget'),
  mobileWebApp: text('mobileWebApp'),
  mobileGadget: text('mobileGadget'),
  sameOnBoth: v.boolean(),
  versionMode: v.picklist(['auto', 'manual']),
  manualVersion: text('manualVersion'),
  extra: text('extra'),
});
const requestId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,64}$/));
/** A position in the host's history: what `resend` names and each listed entry carries. */
export const historyIndexSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(HISTORY_MAX - 1));

const lookupQuery = v.pipe(
  v.string(),
  v.nonEmpty(),
  v.maxLength(LOOKUP_QUERY_MAX),
  v.check((query) => !INVISIBLE.test(query), 'no control characters'),
  v.check((query) => query === query.trim() && contactKind(query) !== undefined, 'an email or a phone number'),
);
const diagnoseCount = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_COUNT));
const diagnoseClient = v.object({ web_app: v.optional(diagnoseCount), gadget: v.optional(diagnoseCount) });
const diagnoseTarget = v.object({ userId: v.pipe(v.string(), v.nonEmpty(), v.maxLength(DRAFT_MAX_LENGTH.userId)), userIdType: v.picklist(USER_ID_TYPE_VALUES) });

/** `value` as the schema's output, or `undefined` when it does not match. */
function checked<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T | undefined {
  const parsed = v.safeParse(schema, value);
  return parsed.success ? parsed.output : undefined;
}

const fromWebviewSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('send'), requestId, draft: draftSchema }),
  v.object({ type: v.literal('clear'), requestId, target: targetSchema }),
  v.object({
    type: v.literal('resend'),
    requestId,
    index: historyIndexSchema,
    // When the entry was sent: it names the entry even if newer sends moved its index.
    at: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  }),
  v.object({ type: v.literal('cancel'), requestId }),
  v.object({ type: v.literal('copy'), format: v.picklist(['curl', 'http']), draft: draftSchema }),
  v.object({ type: v.literal('copyLogId'), logId: v.pipe(v.string(), v.regex(LOG_ID_PATTERN)) }),
  v.object({ type: v.literal('peekVersion'), target: targetSchema, seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER))) }),
  v.object({ type: v.literal('runCommand'), command: v.picklist(HOST_COMMANDS) }),
  v.object({ type: v.literal('openDocs'), url: v.pipe(v.string(), v.regex(DOC_URL_PATTERN)) }),
  // The README's own section, opened from the extension's files (works offline).
  v.object({ type: v.literal('openGuide'), topic: v.picklist(['sandbox']) }),
  // An email or phone number to resolve to an ID of this type (issue 10).
  v.object({ type: v.literal('lookup'), requestId, query: lookupQuery, userIdType: v.picklist(USER_ID_TYPE_VALUES) }),
  // "Why no red dot?" for one person, with the counts about to be sent (the app's abilities are checked against them).
  v.object({
    type: v.literal('diagnose'),
    requestId,
    target: diagnoseTarget,
    counts: v.optional(v.object({ pc: v.optional(diagnoseClient), mobile: v.optional(diagnoseClient) })),
  }),
]);

export type FromWebview = v.InferOutput<typeof fromWebviewSchema>;

/** Run-time check of a message from the webview; `undefined` for anything malformed. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  return checked(fromWebviewSchema, message);
}

/**
 * A draft from somewhere less certain than the form itself (the webview's saved state after an
 * update, a message): checked like an inbound one; `undefined` when malformed.
 */
export function parseDraft(value: unknown): Draft | undefined {
  return checked(draftSchema, value);
}

/**
 * The badge input a draft stands for, with the API's field names. Empty count fields are left
 * out; text that is not a whole number is kept as text so validation names the field.
 */
export function draftToInput(draft: Draft): Record<string, unknown> {
  const count = (raw: string): number | string | undefined => {
    const trimmed = raw.trim();
    if (trimmed === '') return undefined;
    return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
  };
  const client = (webApp: string, gadget: string): Record<string, unknown> | undefined => {
    const out: Record<string, unknown> = {};
    const w = count(webApp);
    const g = count(gadget);
    if (w !== undefined) out.web_app = w;
    if (g !== undefined) out.gadget = g;
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const pc = client(draft.pcWebApp, draft.pcGadget);
  const mobile = draft.sameOnBoth ? pc : client(draft.mobileWebApp, draft.mobileGadget);
  const input: Record<string, unknown> = { user_id: draft.userId, user_id_type: draft.userIdType };
  if (draft.versionMode === 'manual') input.version = draft.manualVersion;
  if (draft.extra !== '') input.extra = draft.extra;
  if (pc !== undefined) input.pc = pc;
  if (mobile !== undefined) input.mobile = { ...mobile };
  return input;
}

/**
 * The form's Content-Security-Policy: nothing by default, scripts only with this page's nonce,
 * styles, fonts and images only from the webview's own source, no network. `base-uri` and
 * `form-action` do not fall back to default-src, so they are closed explicitly: no injected
 * <base> can redirect relative URLs and no form can post anywhere. The host and the component
 * tests' harness both use it, so the tests run under the production policy.
 */
export function formCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
