import * as vscode from 'vscode';
import type { TokenSource } from '../core/token.ts';
import { secretKeyOf } from './profiles.ts';
import type { ProfileStore } from './profiles.ts';

export type Credentials = TokenSource;

function parse(raw: string | undefined): Credentials | undefined {
  if (raw === undefined) {
    return undefined;
  }
  try {
    const value = JSON.parse(raw) as Partial<{ kind: string; appId: string; appSecret: string; token: string }>;
    if (value.kind === 'self-built' && typeof value.appId === 'string' && typeof value.appSecret === 'string') {
      return { kind: 'self-built', appId: value.appId, appSecret: value.appSecret };
    }
    if (value.kind === 'manual' && typeof value.token === 'string') {
      return { kind: 'manual', token: value.token };
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
  #cached: Promise<Credentials | undefined> | undefined;
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

  /** Whether credentials exist, if already known without reading the keychain. */
  get known(): boolean | undefined {
    return this.#known;
  }

  get(): Promise<Credentials | undefined> {
    this.#cached ??= Promise.resolve(this.#secrets.get(this.#key)).then((raw) => {
      const credentials = parse(raw);
      this.#known = credentials !== undefined;
      return credentials;
    });
    return this.#cached;
  }

  async set(credentials: Credentials): Promise<void> {
    this.#cached = Promise.resolve(credentials);
    this.#known = true;
    await this.#secrets.store(this.#key, JSON.stringify(credentials));
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
