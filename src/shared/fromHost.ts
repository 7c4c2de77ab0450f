// The form's run-time check of what the host sends (protocol.ts declares the messages), also used
// for the form's saved state. Lenient where a renderer can cope: an optional field that cannot be
// read is dropped (`maybe`), a list keeps the items it can read (`listOf`), and only what the form
// cannot do without (a result's `ok`, a history entry's index) rejects a message or an item. So a
// message from an older or newer host degrades field by field instead of breaking the form.
import * as v from 'valibot';
import type { Guidance } from '../core/guidance/guidance.ts';
import type { MessageId } from '../core/messages.ts';
import type { BadgeCommandResult, CommandErrorKind } from '../core/result.ts';
import type { ClientBadgeNum, RetryReason, RetryRecord } from '../core/types.ts';
import type { Diagnosis, DiagnosisCheck, DiagnosisError, FormResult, FromHost, HistoryItem, HostState, LookupAnswer, LookupError, LookupStatus, LookupUser, RememberedInfo } from './protocol.ts';
import { DIAGNOSIS_STATUSES, DRAFT_MAX_LENGTH, FORM_HISTORY_MAX, USER_ID_TYPE_VALUES, historyIndexSchema, targetSchema } from './protocol.ts';

const ACTIONS = ['send', 'clear'] as const;

/**
 * An object schema's entries for T: every field of T and no other, each read into T's own type.
 * With `satisfies`, a field added to or changed in a type fails to compile until its schema
 * follows, so the schemas here cannot drift from the types the host builds.
 */
export type FieldsOf<T> = { [K in keyof T]-?: v.GenericSchema<unknown, T[K]> };

/** An optional field, dropped (not fatal) when it cannot be read. */
export function maybe<S extends v.GenericSchema>(schema: S): v.SchemaWithFallback<v.OptionalSchema<S, undefined>, undefined> {
  return v.fallback(v.optional(schema), undefined);
}

/** The items that can be read, the others left out; at most `max` of them. */
const listOf = <T>(item: v.GenericSchema<unknown, T>, max?: number) =>
  v.pipe(
    v.array(v.unknown()),
    v.transform((items) =>
      items
        .flatMap((value): T[] => {
          const parsed = v.safeParse(item, value);
          return parsed.success ? [parsed.output] : [];
        })
        .slice(0, max),
    ),
  );

/** Every member of a string union, each named once: the compiler checks none is missing or extra. */
const membersOf = <T extends string>(members: Record<T, true>): T[] => Object.keys(members) as T[];

const ERROR_KINDS = membersOf<CommandErrorKind>({
  validation: true,
  'no-credentials': true,
  'bad-settings': true,
  'untrusted-origin': true,
  'not-sent': true,
  timeout: true,
  network: true,
  'invalid-response': true,
  api: true,
  cancelled: true,
  superseded: true,
});
const RETRY_REASONS = membersOf<RetryReason>({
  'rate-limited': true,
  'server-error': true,
  network: true,
  'version-conflict': true,
  'concurrent-update': true,
  'token-invalid': true,
});

const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** All of a client's counts or none: a count that cannot be read must not show as "not sent". */
const countsSchema = v.object({ web_app: v.optional(count), gadget: v.optional(count) } satisfies FieldsOf<ClientBadgeNum>);

export const rememberedSchema = v.object({
  pc: v.optional(countsSchema),
  mobile: v.optional(countsSchema),
  version: v.string(),
  at: finite,
} satisfies FieldsOf<RememberedInfo>);

const historyItemSchema = v.object({
  index: historyIndexSchema,
  at: finite,
  userId: v.string(),
  userIdType: v.picklist(USER_ID_TYPE_VALUES),
  pc: v.optional(countsSchema),
  mobile: v.optional(countsSchema),
  ok: v.boolean(),
  code: v.optional(finite),
  profile: v.optional(v.pipe(v.string(), v.maxLength(200))),
} satisfies FieldsOf<HistoryItem>);

export const hostStateSchema = v.object({
  locale: v.fallback(v.picklist(['en', 'zh-cn']), 'en'),
  profile: maybe(v.object({ name: v.string(), production: v.fallback(v.boolean(), false) } satisfies FieldsOf<NonNullable<HostState['profile']>>)),
  domain: v.fallback(v.string(), ''),
  baseUrl: maybe(v.string()),
  settingsProblem: maybe(v.string()),
  hasCredentials: v.fallback(v.boolean(), false),
  credentialKind: maybe(v.picklist(['self-built', 'manual'])),
  appId: maybe(v.string()),
  defaultTarget: maybe(targetSchema),
  userIdType: maybe(v.picklist(USER_ID_TYPE_VALUES)),
  recentUsers: v.fallback(listOf(targetSchema), []),
  history: maybe(listOf(historyItemSchema, FORM_HISTORY_MAX)),
} satisfies FieldsOf<HostState>);

type Issue = NonNullable<BadgeCommandResult['issues']>[number];
// `params` is left out: the message arrives already formatted.
const issueSchema = v.object({
  path: v.fallback(v.string(), ''),
  // Only the path and the message are shown; the id is kept as given, not looked up.
  id: v.fallback(v.custom<MessageId>((value) => typeof value === 'string'), '' as MessageId),
  severity: v.fallback(v.picklist(['error', 'warning']), 'error'),
  message: v.string(),
} satisfies FieldsOf<Omit<Issue, 'params'>>);

const retrySchema = v.object({
  attempt: finite,
  reason: v.picklist(RETRY_REASONS),
  httpStatus: maybe(finite),
  code: maybe(finite),
  delayMs: v.fallback(finite, 0),
  newVersion: maybe(v.string()),
} satisfies FieldsOf<RetryRecord>);

const guidanceSchema = v.object({
  id: v.fallback(v.string(), ''),
  code: maybe(finite),
  title: v.string(),
  explanation: v.fallback(v.string(), ''),
  steps: v.fallback(listOf(v.string()), []),
  docUrl: v.fallback(v.string(), ''),
  retryable: v.fallback(v.boolean(), false),
} satisfies FieldsOf<Guidance>);

// `response` is left out: the body arrives as `raw` as well, and only that is shown.
const resultSchema = v.object({
  ok: v.boolean(),
  version: maybe(v.string()),
  attempts: v.fallback(finite, 0),
  durationMs: maybe(finite),
  httpStatus: maybe(finite),
  code: maybe(finite),
  msg: maybe(v.string()),
  logId: maybe(v.string()),
  // An error kind this form does not know (from a newer host) shows as a failure of unknown kind.
  error: maybe(v.picklist(ERROR_KINDS)),
  stage: maybe(v.picklist(['token', 'badge'])),
  issues: maybe(listOf(issueSchema)),
  retries: maybe(listOf(retrySchema)),
  guidance: maybe(guidanceSchema),
  headers: maybe(
    v.object({
      'x-tt-logid': maybe(v.pipe(v.string(), v.maxLength(128))),
      'x-ogw-ratelimit-limit': maybe(v.pipe(v.string(), v.maxLength(128))),
      'x-ogw-ratelimit-reset': maybe(v.pipe(v.string(), v.maxLength(128))),
    }),
  ),
} satisfies FieldsOf<Omit<BadgeCommandResult, 'response'>>);

export const formResultSchema = v.object({
  requestId: v.string(),
  action: maybe(v.picklist(ACTIONS)),
  result: resultSchema,
  raw: maybe(v.string()),
} satisfies FieldsOf<FormResult>);

/** Text from a server, bounded: what the form shows of it, never all of an unexpected megabyte. */
const serverText = (max: number) => v.pipe(v.string(), v.transform((text) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)));
const scopesSchema = listOf(v.pipe(v.string(), v.nonEmpty(), v.maxLength(200)), 20);

const lookupUserSchema = v.object({
  id: v.pipe(v.string(), v.nonEmpty(), v.maxLength(DRAFT_MAX_LENGTH.userId)),
  idType: v.picklist(USER_ID_TYPE_VALUES),
  name: maybe(serverText(200)),
  status: maybe(
    v.object({
      resigned: maybe(v.boolean()),
      frozen: maybe(v.boolean()),
      notActivated: maybe(v.boolean()),
      exited: maybe(v.boolean()),
      unjoined: maybe(v.boolean()),
    } satisfies FieldsOf<LookupStatus>),
  ),
} satisfies FieldsOf<LookupUser>);

const lookupErrorSchema = v.object({
  kind: maybe(v.pipe(v.string(), v.maxLength(64))),
  msg: v.fallback(serverText(2000), ''),
  code: maybe(finite),
  logId: maybe(v.pipe(v.string(), v.maxLength(128))),
  missingScopes: maybe(scopesSchema),
} satisfies FieldsOf<LookupError>);

export const lookupAnswerSchema = v.object({
  requestId: v.string(),
  query: v.string(),
  users: v.fallback(listOf(lookupUserSchema, 20), []),
  notFound: maybe(v.object({ detail: v.fallback(serverText(2000), '') })),
  error: maybe(lookupErrorSchema),
} satisfies FieldsOf<LookupAnswer>);

const diagnosisCheckSchema = v.object({
  id: v.pipe(v.string(), v.maxLength(64)),
  // A status this form does not know is shown as a warning, not dropped (the summary must not contradict the list).
  status: v.fallback(v.picklist(DIAGNOSIS_STATUSES), 'warn'),
  title: serverText(200),
  detail: v.fallback(serverText(4000), ''),
  fix: maybe(serverText(4000)),
  code: maybe(finite),
  logId: maybe(v.pipe(v.string(), v.maxLength(128))),
  missingScopes: maybe(scopesSchema),
  permissionPage: maybe(v.pipe(v.string(), v.maxLength(2000))),
} satisfies FieldsOf<DiagnosisCheck>);

export const diagnosisSchema = v.object({
  ok: v.boolean(),
  checks: listOf(diagnosisCheckSchema, 20),
  cancelled: maybe(v.literal(true)),
} satisfies FieldsOf<Diagnosis>);

export const diagnosisErrorSchema = v.object({
  kind: v.picklist(['unavailable', 'internal']),
  msg: maybe(serverText(2000)),
} satisfies FieldsOf<DiagnosisError>);

type HostMessage<T extends FromHost['type']> = FieldsOf<Extract<FromHost, { type: T }>>;

const fromHostSchema = v.variant('type', [
  v.object({ type: v.literal('state'), state: hostStateSchema } satisfies HostMessage<'state'>),
  // A malformed remembered state is dropped, not the version estimate with it.
  v.object({
    type: v.literal('version'),
    target: targetSchema,
    version: v.optional(v.string()),
    remembered: maybe(rememberedSchema),
    seq: maybe(v.pipe(v.number(), v.integer(), v.minValue(0))),
  } satisfies HostMessage<'version'>),
  v.object({ type: v.literal('busy'), requestId: v.string(), action: v.picklist(ACTIONS) } satisfies HostMessage<'busy'>),
  v.object({ type: v.literal('result'), payload: formResultSchema } satisfies HostMessage<'result'>),
  v.object({ type: v.literal('copied'), what: v.picklist(['curl', 'http', 'logId']) } satisfies HostMessage<'copied'>),
  v.object({ type: v.literal('lookupResult'), ...lookupAnswerSchema.entries } satisfies HostMessage<'lookupResult'>),
  v.object({
    type: v.literal('diagnosis'),
    requestId: v.string(),
    target: targetSchema,
    result: diagnosisSchema,
    error: maybe(diagnosisErrorSchema),
  } satisfies HostMessage<'diagnosis'>),
]) satisfies v.GenericSchema<unknown, FromHost>;

/** Run-time check of a message from the host; `undefined` for anything the form cannot read. */
export function parseFromHost(data: unknown): FromHost | undefined {
  const parsed = v.safeParse(fromHostSchema, data);
  return parsed.success ? parsed.output : undefined;
}
