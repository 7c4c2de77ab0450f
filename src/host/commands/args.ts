import * as v from 'valibot';
import { USER_ID_TYPES } from '../../core/types.ts';
import type { CallerOptions } from './context.ts';

// Command arguments from other extensions and tasks are untrusted input: each command parses
// its own with one of these schemas, and a mismatch is a `validation` result, never a throw.

const text = v.pipe(v.string(), v.trim(), v.minLength(1));

export const clearArgs = v.object({ user_id: text, user_id_type: v.optional(v.picklist(USER_ID_TYPES)) });
export const resendArgs = v.object({ index: v.pipe(v.number(), v.integer(), v.minValue(0)), at: v.optional(v.number()) });
export const credentialArgs = v.object({ appId: text, appSecret: text });
export const tokenArgs = v.object({ token: text });
export const addProfileArgs = v.object({
  name: v.string(),
  domain: v.picklist(['feishu', 'lark', 'custom']),
  customBaseUrl: v.optional(v.string()),
  production: v.optional(v.boolean()),
});
export const profileRefArgs = v.union([v.object({ id: v.string() }), v.object({ name: v.string() })]);
export const bulkArgs = v.object({
  items: v.array(v.unknown()),
  concurrency: v.optional(v.pipe(v.number(), v.finite())),
  dryRun: v.optional(v.boolean()),
});

/** The parsed arguments, or undefined when they do not match. */
export function parseArgs<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T | undefined {
  const parsed = v.safeParse(schema, value);
  return parsed.success ? parsed.output : undefined;
}

const callerOptions = v.object({ signal: v.optional(v.instance(AbortSignal)), silent: v.optional(v.boolean()), confirmProduction: v.optional(v.boolean()) });

/** The in-process second argument; anything else is ignored. */
export function parseCallerOptions(value: unknown): CallerOptions {
  const parsed = v.safeParse(callerOptions, value);
  return parsed.success ? parsed.output : {};
}
