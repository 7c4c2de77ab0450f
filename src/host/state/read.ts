import * as v from 'valibot';
import type { KeyValueStore } from '../../core/badgeState.ts';
import { USER_ID_TYPES } from '../../core/types.ts';

/** Where a repair is reported: the extension's log channel (tests record the lines). */
export interface StateLog {
  warn(message: string): void;
}

/**
 * Stored state is read through a schema: a value written by an older release, edited by hand or
 * corrupted is never trusted or thrown on. It is replaced by the fallback in storage the first
 * time it is read, so it is not parsed again on every read, and a warning names the key (never
 * the value, which may be anything).
 */
export function readRepaired<T>(store: KeyValueStore, log: StateLog, key: string, schema: v.GenericSchema<unknown, T>, fallback: T): T {
  const value = store.get(key);
  if (value === undefined) return fallback;
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return parsed.output;
  repair(store, log, key, fallback, 'was malformed', fallback === undefined ? 'removed' : 'replaced by the default');
  return fallback;
}

/** A stored list: the items that pass are kept (at most `max`); if any did not, only they are stored. */
export function readRepairedList<T>(store: KeyValueStore, log: StateLog, key: string, schema: v.GenericSchema<unknown, T>, max: number): T[] {
  const value = store.get(key);
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    repair(store, log, key, [], 'was not a list', 'replaced by an empty list');
    return [];
  }
  const items = value.slice(0, max);
  const out: T[] = [];
  for (const item of items) {
    const parsed = v.safeParse(schema, item);
    if (parsed.success) out.push(parsed.output);
  }
  if (out.length < items.length) repair(store, log, key, out, `had ${items.length - out.length} malformed of ${items.length} entries`, `replaced by the ${out.length} that read`);
  return out;
}

/**
 * Writes the repaired value. Readers are synchronous and the Memento keeps the new value in memory
 * at once, so the next read sees it; the write to disk is not awaited, and a failure is logged by
 * its kind only (an error message could quote the value).
 */
export function repair(store: KeyValueStore, log: StateLog, key: string, replacement: unknown, why: string, done: string): void {
  log.warn(`state: ${key} ${why}; ${done}`);
  const failed = (error: unknown): void => log.warn(`state: could not repair ${key} (${error instanceof Error ? error.name : typeof error})`);
  try {
    Promise.resolve(store.update(key, replacement)).then(undefined, failed);
  } catch (error) {
    failed(error);
  }
}

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
export const countsSchema = v.object({ web_app: v.optional(count), gadget: v.optional(count) });
export const targetSchema = v.object({ userId: v.pipe(v.string(), v.minLength(1), v.maxLength(512)), userIdType: v.picklist(USER_ID_TYPES) });
