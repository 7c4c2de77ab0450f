// The one protocol between the extension host and the sidebar form (webview). Both sides import
// these types; the host also validates every inbound message at run time with `parseFromWebview`,
// because a webview is untrusted input. No secret or token is ever part of a message.
import * as v from 'valibot';
import type { BadgeCommandResult } from '../core/result.ts';
import { MAX_EXTRA_BYTES } from '../core/schema.ts';
import type { ClientBadgeNum, Locale, UserIdType } from '../core/types.ts';

export const USER_ID_TYPE_VALUES = ['open_id', 'union_id', 'user_id'] as const;

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

export interface Target {
  userId: string;
  userIdType: UserIdType;
}

/** What the extension last set for a target (the API cannot read a badge back). */
export interface RememberedInfo {
  pc?: ClientBadgeNum;
  mobile?: ClientBadgeNum;
  version: string;
  /** Epoch milliseconds. */
  at: number;
}

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
}

/** The most requests the history keeps; `resend` indexes are below it. */
export const HISTORY_MAX = 50;
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
  | { type: 'version'; target: Target; version: string | undefined; remembered?: RememberedInfo }
  | { type: 'busy'; requestId: string; action: 'send' | 'clear' }
  | { type: 'result'; payload: FormResult }
  | { type: 'copied'; what: 'curl' | 'http' | 'logId' };

export type HostCommand = 'configureCredentials' | 'useTenantToken' | 'testConnection' | 'showLog' | 'switchProfile' | 'addProfile';

const targetSchema = v.object({ userId: v.pipe(v.string(), v.maxLength(512)), userIdType: v.picklist(USER_ID_TYPE_VALUES) });
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));
const draftSchema = v.object({
  userId: text(512),
  userIdType: v.picklist(USER_ID_TYPE_VALUES),
  pcWebApp: text(32),
  pcGadget: text(32),
  mobileWebApp: text(32),
  mobileGadget: text(32),
  sameOnBoth: v.boolean(),
  versionMode: v.picklist(['auto', 'manual']),
  manualVersion: text(64),
  // UTF-16 units, never more than the UTF-8 bytes: a longer draft could not be valid anyway.
  extra: text(MAX_EXTRA_BYTES),
});
const requestId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,64}$/));

const fromWebviewSchema = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('send'), requestId, draft: draftSchema }),
  v.object({ type: v.literal('clear'), requestId, target: targetSchema }),
  v.object({
    type: v.literal('resend'),
    requestId,
    index: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(HISTORY_MAX - 1)),
    // When the entry was sent: it names the entry even if newer sends moved its index.
    at: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  }),
  v.object({ type: v.literal('cancel'), requestId }),
  v.object({ type: v.literal('copy'), format: v.picklist(['curl', 'http']), draft: draftSchema }),
  v.object({ type: v.literal('copyLogId'), logId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/)) }),
  v.object({ type: v.literal('peekVersion'), target: targetSchema }),
  v.object({ type: v.literal('runCommand'), command: v.picklist(['configureCredentials', 'useTenantToken', 'testConnection', 'showLog', 'switchProfile', 'addProfile']) }),
  v.object({ type: v.literal('openDocs'), url: v.pipe(v.string(), v.regex(/^https:\/\/open\.(feishu\.cn|larksuite\.com|larkoffice\.com)\//)) }),
]);

export type FromWebview = v.InferOutput<typeof fromWebviewSchema>;

/** Run-time check of a message from the webview; `undefined` for anything malformed. */
export function parseFromWebview(message: unknown): FromWebview | undefined {
  const parsed = v.safeParse(fromWebviewSchema, message);
  return parsed.success ? parsed.output : undefined;
}

/**
 * A draft from somewhere less certain than the form itself (the webview's saved state after an
 * update, a message): checked like an inbound one; `undefined` when malformed.
 */
export function parseDraft(value: unknown): Draft | undefined {
  const parsed = v.safeParse(draftSchema, value);
  return parsed.success ? parsed.output : undefined;
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
