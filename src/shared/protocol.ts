// The one protocol between the extension host and the sidebar form (webview). Both sides import
// these types, and each checks what it receives at run time: the host with `parseFromWebview`
// (here), because a webview is untrusted input; the form with `parseFromHost` (fromHost.ts). No
// secret or token is ever part of a message.
import * as v from 'valibot';
import type { BadgeCommandResult } from '../core/result.ts';
import { MAX_EXTRA_BYTES } from '../core/schema.ts';
import type { RememberedBadge, Target } from '../core/badgeState.ts';
import { HISTORY_MAX } from '../core/badgeState.ts';
import { USER_ID_TYPES as USER_ID_TYPE_VALUES } from '../core/types.ts';
import type { ClientBadgeNum, Locale, UserIdType } from '../core/types.ts';

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

export type FromHost =
  | { type: 'state'; state: HostState }
  /** `version` and `remembered` absent: the host could not tell (no credentials, say). */
  /** `seq`: the peek this answers (echoed), so the form can drop an answer computed before a send. */
  | { type: 'version'; target: Target; version?: string; remembered?: RememberedInfo; seq?: number }
  | { type: 'busy'; requestId: string; action: 'send' | 'clear' }
  | { type: 'result'; payload: FormResult }
  | { type: 'copied'; what: 'curl' | 'http' | 'logId' };

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
