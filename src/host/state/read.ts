import * as v from 'valibot';
import { USER_ID_TYPES } from '../../core/types.ts';

/**
 * Stored state is read through a schema: a value written by an older release, edited by hand or
 * corrupted is dropped (the fallback), never trusted or thrown on.
 */
export function readStored<T>(schema: v.GenericSchema<unknown, T>, value: unknown, fallback: T): T {
  const parsed = v.safeParse(schema, value);
  return parsed.success ? parsed.output : fallback;
}

/** Each item that passes; the others are dropped. */
export function readStoredList<T>(schema: v.GenericSchema<unknown, T>, value: unknown, max: number): T[] {
  if (!Array.isArray(value)) return [];
  const out: T[] = [];
  for (const item of value.slice(0, max)) {
    const parsed = v.safeParse(schema, item);
    if (parsed.success) out.push(parsed.output);
  }
  return out;
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
export const countsSchema = v.object({ web_app: v.optional(count), gadget: v.optional(count) });
export const targetSchema = v.object({ userId: v.pipe(v.string(), v.minLength(1), v.maxLength(512)), userIdType: v.picklist(USER_ID_TYPES) });
