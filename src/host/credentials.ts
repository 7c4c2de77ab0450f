import * as vscode from 'vscode';
import type { TokenSource } from '../core/token.ts';
import { secretKeyOf } from './profiles.ts';
import type { ProfileStore } from './profiles.ts';

export type Credentials = TokenSource;

/** Credentials with the origin (scheme, host, port) of the API base they were entered for. */
export interface StoredCredentials {
  credentials: Credentials;
  /** Absent for credentials stored before origins were remembered. */
  origin?: string;
}

const text = (value: unknown): value is string => typeof value === 'string' && value !== '';

function parse(raw: string | undefined): StoredCredentials | undefined {
  if (raw === undefined) {
    return undefined;
  }
  try {
    const value = JSON.parse(raw) as Partial<Record<'kind' | 'appId' | 'appSecret' | 'token' | 'origin', unknown>>;
    // An origin that is present but unreadable (corrupted state) binds to nothing: every send asks.
    const origin = value.origin === undefined ? {} : { origin: text(value.origin) ? value.origin : 'invalid:' };
    if (value.kind === 'self-built' && text(value.appId) && text(value.appSecret)) {
      return { credentials: { kind: 'self-built', appId: value.appId, appSecret: value.appSecret }, ...origin };
    }
    if (value.kind === 'manual' && text(value.token)) {
      return { credentials: { kind: 'manual', token: value.token }, ...origin };
    }
  } catch {
    // A value we cannot read is treated as no credentials; the user is asked again.
  }
  return undefined;
}

/**
 * The active profile's App ID, App Secret or pasted tenant token, in SecretStorage (the OS
 * keychain) only, one key per profile. Cached in memory after the first read; another window
 * changing them, or switching profiles, fires `onDidChange`.
 */
export class CredentialStore implements vscode.Disposable {
  readonly #secrets: vscode.SecretStorage;
  readonly #changed = new vscode.EventEmitter<'profile' | 'secret'>();
  readonly #subscriptions: vscode.Disposable[];
  #profileId: string;
  #cached: Promise<StoredCredentials | undefined> | undefined;
  #known: boolean | undefined;

  readonly onDidChange = this.#changed.event;

  constructor(secrets: vscode.SecretStorage, profiles: ProfileStore) {
    this.#secrets = secrets;
    this.#profileId = profiles.active.id;
    const reset = (why: 'profile' | 'secret'): void => {
      this.#cached = undefined;
      this.#known = undefined;
      this.#changed.fire(why);
    };
    this.#subscriptions = [
      secrets.onDidChange((event) => {
        if (event.key === this.#key) reset('secret');
      }),
      profiles.onDidChange(() => {
        if (profiles.active.id !== this.#profileId) {
          this.#profileId = profiles.active.id;
          reset('profile');
        }
      }),
    ];
  }

  get #key(): string {
    return secretKeyOf(this.#profileId);
  }

  /** Deletes the credentials of a profile that is being removed. */
  async deleteFor(profileId: string): Promise<void> {
    await this.#secrets.delete(secretKeyOf(profileId));
  }

  /** Whether a profile (active or not) has credentials. */
  async existsFor(profileId: string): Promise<boolean> {
    return parse(await this.#secrets.get(secretKeyOf(profileId))) !== undefined;
  }

  /** Whether credentials exist, if already known without reading the keychain. */
  get known(): boolean | undefined {
    return this.#known;
  }

  async get(): Promise<Credentials | undefined> {
    return (await this.stored())?.credentials;
  }

  /** The credentials and the origin they are bound to. */
  stored(): Promise<StoredCredentials | undefined> {
    this.#cached ??= Promise.resolve(this.#secrets.get(this.#key)).then((raw) => {
      const stored = parse(raw);
      this.#known = stored !== undefined;
      return stored;
    });
    return this.#cached;
  }

  /** Stores credentials bound to `origin`: the only origin they are sent to without asking. */
  async set(credentials: Credentials, origin: string): Promise<void> {
    const stored: StoredCredentials = { credentials, origin };
    this.#cached = Promise.resolve(stored);
    this.#known = true;
    await this.#secrets.store(this.#key, JSON.stringify({ ...credentials, origin }));
  }

  /**
   * Binds a profile's stored credentials to another origin (after the user confirmed it), only
   * if they are still `expected`: a profile switch or a new secret meanwhile binds nothing.
   */
  async bindFor(profileId: string, expected: Credentials, origin: string): Promise<void> {
    const key = secretKeyOf(profileId);
    const stored = parse(await this.#secrets.get(key));
    if (stored === undefined || JSON.stringify(stored.credentials) !== JSON.stringify(expected)) return;
    if (profileId === this.#profileId) this.#cached = Promise.resolve({ credentials: expected, origin });
    await this.#secrets.store(key, JSON.stringify({ ...expected, origin }));
  }

  async clear(): Promise<void> {
    this.#cached = Promise.resolve(undefined);
    this.#known = false;
    await this.#secrets.delete(this.#key);
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#changed.dispose();
  }
}
