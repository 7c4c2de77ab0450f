import * as v from 'valibot';
import type { KeyValueStore } from '../../core/badgeState.ts';
import type { Domain } from '../../core/baseUrl.ts';
import { repair } from './read.ts';
import type { StateLog } from './read.ts';

/**
 * A named target: an API base plus its own credentials (in SecretStorage under the profile's
 * key). The built-in `default` profile is the configuration that existed before profiles: its
 * domain and base URL are the `feishuBadge.domain` / `customBaseUrl` settings and its secret keeps
 * the original key, so upgrading loses nothing and changes nothing.
 */
export interface Profile {
  id: string;
  name: string;
  /** Absent for the default profile, which follows the settings. */
  domain?: Domain;
  customBaseUrl?: string;
  /** Sending to a production profile asks for confirmation first. */
  production: boolean;
}

export interface StoredProfiles {
  active: string;
  profiles: Profile[];
}

export const DEFAULT_PROFILE_ID = 'default';
export const PROFILES_KEY = 'feishuBadge.profiles';
/** Names show in the status bar, pick lists and questions: one line, this many characters at most. */
export const PROFILE_NAME_MAX = 64;

const DOMAINS = ['feishu', 'lark', 'custom'] as const satisfies readonly Domain[];

// Line breaks become spaces; other control characters and the bidirectional controls (which can
// make "Production" read as something else) are taken out.
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const INVISIBLE = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** A profile name as it is stored and shown: one line, no control characters, at most PROFILE_NAME_MAX characters. */
export function profileName(raw: string): string {
  const clean = raw.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '').trim();
  const chars = [...clean];
  return chars.length <= PROFILE_NAME_MAX ? clean : chars.slice(0, PROFILE_NAME_MAX).join('').trimEnd();
}

// Ids are generated (`p` + base 36) or `default`; they end up in SecretStorage keys.
const profileSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  name: v.string(),
  domain: v.optional(v.picklist(DOMAINS)),
  customBaseUrl: v.optional(v.pipe(v.string(), v.maxLength(2048))),
  production: v.optional(v.unknown()),
});
const storedSchema = v.object({ active: v.unknown(), profiles: v.array(v.unknown()) });

const fallback = (): StoredProfiles => ({ active: DEFAULT_PROFILE_ID, profiles: [] });

/**
 * The stored profiles (without the built-in default one unless it was stored), read through a
 * schema: a value that is not profiles is the fallback; profiles that do not read are dropped
 * (the first of two with one id wins); names are made showable; an active id that does not exist
 * is the default profile; a production flag that is not a boolean is `true` (asking first is the
 * safe side). Whatever changed is written back once, with a warning naming the key.
 */
export function readProfiles(store: KeyValueStore, log: StateLog): StoredProfiles {
  const value = store.get(PROFILES_KEY);
  if (value === undefined) return fallback();
  const parsed = v.safeParse(storedSchema, value);
  if (!parsed.success) {
    repair(store, log, PROFILES_KEY, fallback(), 'was malformed', 'replaced by the default profile alone');
    return fallback();
  }
  const problems: string[] = [];
  const profiles: Profile[] = [];
  let dropped = 0;
  for (const item of parsed.output.profiles) {
    const read = v.safeParse(profileSchema, item);
    if (!read.success || profiles.some((p) => p.id === read.output.id)) {
      dropped++;
      continue;
    }
    const { id, name: stored, domain, customBaseUrl, production } = read.output;
    const name = profileName(stored) || id;
    if (name !== stored) problems.push('a name that could not be shown');
    if (typeof production !== 'boolean') problems.push('a production flag that was not a boolean');
    const profile: Profile = { id, name, production: typeof production === 'boolean' ? production : true };
    if (domain !== undefined) profile.domain = domain;
    if (customBaseUrl !== undefined) profile.customBaseUrl = customBaseUrl;
    profiles.push(profile);
  }
  if (dropped > 0) problems.unshift(`${dropped} malformed or duplicate of ${parsed.output.profiles.length} profiles`);
  const { active: storedActive } = parsed.output;
  const active = typeof storedActive === 'string' && (storedActive === DEFAULT_PROFILE_ID || profiles.some((p) => p.id === storedActive)) ? storedActive : DEFAULT_PROFILE_ID;
  if (active !== storedActive) problems.push('an active profile that does not exist');
  if (problems.length > 0) repair(store, log, PROFILES_KEY, { active, profiles: profiles.map((p) => ({ ...p })) }, `had ${[...new Set(problems)].join(', ')}`, `replaced by the ${profiles.length} profile(s) that read`);
  return { active, profiles };
}
