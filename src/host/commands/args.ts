import * as v from 'valibot';
import type { CallerOptions } from './context.ts';

// Command arguments from other extensions and tasks are untrusted input: each command parses
// its own with one of these schemas, and a mismatch is a `validation` result, never a throw.

const text = v.pipe(v.string(), v.trim(), v.minLength(1));

/** An optional field that is dropped (not a reason to refuse the call) when it has the wrong type. */
const maybe = <T>(schema: v.GenericSchema<unknown, T>): v.GenericSchema<unknown, T | undefined> => v.fallback(v.optional(schema), undefined);

// user_id_type stays text here: the command answers an unknown type with its own message.
export const clearArgs = v.object({ user_id: text, user_id_type: maybe(v.string()) });
export const resendArgs = v.object({
  index: v.pipe(v.number(), v.integer(), v.minValue(0)),
  at: maybe(v.number()),
  /** When the entry was sent with another profile: `entry` switches to it, `active` keeps the active one (no question). */
  profile: maybe(v.picklist(['entry', 'active'])),
});
export const credentialArgs = v.object({ appId: text, appSecret: text });
export const tokenArgs = v.object({ token: text });
export const addProfileArgs = v.object({
  name: v.string(),
  domain: v.picklist(['feishu', 'lark', 'custom']),
  customBaseUrl: maybe(v.string()),
  production: maybe(v.boolean()),
});
export const profileRefArgs = v.union([v.object({ id: v.string() }), v.object({ name: v.string() })]);
export const bulkArgs = v.object({
  items: v.array(v.unknown()),
  concurrency: v.optional(v.pipe(v.number(), v.finite())),
  dryRun: v.optional(v.boolean()),
  /** Check status and visibility first, and send only to the recipients who can see a badge. */
  preflight: v.optional(v.boolean()),
});

const idType = v.picklist(['open_id', 'union_id', 'user_id']);
const inputList = v.pipe(v.array(v.string()), v.maxLength(10_000));
/** feishuBadge.resolveUsers: emails and mobiles, or one department (issue 10 §1). */
export const resolveUsersArgs = v.pipe(
  v.object({
    emails: v.optional(inputList),
    mobiles: v.optional(inputList),
    departmentId: v.optional(text),
    departmentIdType: v.optional(v.picklist(['open_department_id', 'department_id'])),
    recursive: v.optional(v.boolean()),
    userIdType: v.optional(idType),
    includeResigned: v.optional(v.boolean()),
  }),
  v.check((args) => (args.departmentId !== undefined) !== ((args.emails?.length ?? 0) + (args.mobiles?.length ?? 0) > 0), 'one of: emails/mobiles, or departmentId'),
);
const clientCounts = v.optional(v.object({ web_app: v.optional(v.number()), gadget: v.optional(v.number()) }));
/** feishuBadge.diagnose (issue 10 §2); the counts, when given, are checked against the app's abilities. */
export const diagnoseArgs = v.object({ user_id: text, user_id_type: v.optional(idType), pc: clientCounts, mobile: clientCounts });

/** The parsed arguments, or undefined when they do not match. */
export function parseArgs<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T | undefined {
  const parsed = v.safeParse(schema, value);
  return parsed.success ? parsed.output : undefined;
}

const isSignal = (value: unknown): value is AbortSignal =>
  typeof value === 'object' && value !== null && typeof (value as AbortSignal).aborted === 'boolean' && typeof (value as AbortSignal).addEventListener === 'function';

/** The in-process second argument, field by field: a field of the wrong type is ignored, not the rest. */
export function parseCallerOptions(value: unknown): CallerOptions {
  if (typeof value !== 'object' || value === null) return {};
  const { signal, silent, confirmProduction } = value as Record<string, unknown>;
  return {
    ...(isSignal(signal) ? { signal } : {}),
    ...(typeof silent === 'boolean' ? { silent } : {}),
    ...(typeof confirmProduction === 'boolean' ? { confirmProduction } : {}),
  };
}
