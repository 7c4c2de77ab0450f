import * as vscode from 'vscode';
import { resolveBaseUrl } from '../core/baseUrl.ts';
import type { Domain } from '../core/baseUrl.ts';
import { DEFAULT_PROFILE_ID, PROFILES_KEY, profileName, readProfiles } from './state/profiles.ts';
import type { Profile, StoredProfiles as Stored } from './state/profiles.ts';
import type { StateLog } from './state/read.ts';

// Declared with the stored-profiles reader (src/host/state/profiles.ts), which runs in plain Node.
export { DEFAULT_PROFILE_ID };
export type { Profile };

/** The SecretStorage key of a profile's credentials. */
export function secretKeyOf(profileId: string): string {
  return profileId === DEFAULT_PROFILE_ID ? 'feishuBadge.credentials' : `feishuBadge.credentials.${profileId}`;
}

export class ProfileStore implements vscode.Disposable {
  readonly #memento: vscode.Memento;
  readonly #log: StateLog;
  readonly #changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.#changed.event;

  constructor(memento: vscode.Memento, log: StateLog) {
    this.#memento = memento;
    this.#log = log;
  }

  /** Read on every use (activation included) through the schema: whatever is stored, never a throw. */
  #stored(): Stored {
    const stored = readProfiles(this.#memento, this.#log);
    const profiles = stored.profiles.some((p) => p.id === DEFAULT_PROFILE_ID)
      ? stored.profiles
      : [{ id: DEFAULT_PROFILE_ID, name: vscode.l10n.t('Default'), production: false }, ...stored.profiles];
    return { active: stored.active, profiles };
  }

  async #save(stored: Stored): Promise<void> {
    await this.#memento.update(PROFILES_KEY, stored);
    this.#changed.fire();
  }

  get list(): Profile[] {
    return this.#stored().profiles;
  }

  get active(): Profile {
    const stored = this.#stored();
    return stored.profiles.find((p) => p.id === stored.active) ?? stored.profiles[0] ?? { id: DEFAULT_PROFILE_ID, name: 'Default', production: false };
  }

  find(idOrName: string): Profile | undefined {
    const wanted = idOrName.trim();
    return this.list.find((p) => p.id === wanted) ?? this.list.find((p) => p.name.toLowerCase() === wanted.toLowerCase());
  }

  async activate(id: string): Promise<boolean> {
    const stored = this.#stored();
    if (!stored.profiles.some((p) => p.id === id)) return false;
    if (stored.active !== id) await this.#save({ ...stored, active: id });
    return true;
  }

  /** Adds a profile; the name is made showable as stored names are, the base URL is checked as for the settings. */
  async add(input: { name: string; domain: Domain; customBaseUrl?: string; production?: boolean }): Promise<{ ok: true; profile: Profile } | { ok: false; problem: string }> {
    const name = profileName(input.name);
    if (name === '') return { ok: false, problem: 'name' };
    if (this.list.some((p) => p.name.toLowerCase() === name.toLowerCase())) return { ok: false, problem: 'duplicate-name' };
    const base = resolveBaseUrl(input.domain, input.customBaseUrl);
    if (!base.ok) return { ok: false, problem: base.problem };
    const id = `p${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const profile: Profile = { id, name, domain: input.domain, production: input.production === true };
    if (input.domain === 'custom' && input.customBaseUrl !== undefined) profile.customBaseUrl = input.customBaseUrl.trim();
    const stored = this.#stored();
    await this.#save({ ...stored, profiles: [...stored.profiles, profile] });
    return { ok: true, profile };
  }

  async update(id: string, patch: Partial<Pick<Profile, 'name' | 'production'>>): Promise<boolean> {
    const stored = this.#stored();
    if (!stored.profiles.some((p) => p.id === id)) return false;
    const named = patch.name === undefined ? patch : { ...patch, name: profileName(patch.name) || id };
    await this.#save({ ...stored, profiles: stored.profiles.map((p) => (p.id === id ? { ...p, ...named } : p)) });
    return true;
  }

  /** Removes a profile (never the default one); the caller deletes its secret. */
  async remove(id: string): Promise<boolean> {
    if (id === DEFAULT_PROFILE_ID) return false;
    const stored = this.#stored();
    if (!stored.profiles.some((p) => p.id === id)) return false;
    await this.#save({ active: stored.active === id ? DEFAULT_PROFILE_ID : stored.active, profiles: stored.profiles.filter((p) => p.id !== id) });
    return true;
  }

  dispose(): void {
    this.#changed.dispose();
  }
}
