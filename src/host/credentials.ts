import * as vscode from 'vscode';
import type { TokenSource } from '../core/token.ts';

const SECRET_KEY = 'feishuBadge.credentials';

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
 * The App ID, App Secret or pasted tenant token, in SecretStorage (the OS keychain) only.
 * Cached in memory after the first read; another window changing them fires `onDidChange`.
 */
export class CredentialStore implements vscode.Disposable {
  readonly #secrets: vscode.SecretStorage;
  readonly #changed = new vscode.EventEmitter<void>();
  readonly #subscription: vscode.Disposable;
  #cached: Promise<Credentials | undefined> | undefined;
  #known: boolean | undefined;

  readonly onDidChange = this.#changed.event;

  constructor(secrets: vscode.SecretStorage) {
    this.#secrets = secrets;
    this.#subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_KEY) {
        this.#cached = undefined;
        this.#known = undefined;
        this.#changed.fire();
      }
    });
  }

  /** Whether credentials exist, if already known without reading the keychain. */
  get known(): boolean | undefined {
    return this.#known;
  }

  get(): Promise<Credentials | undefined> {
    this.#cached ??= Promise.resolve(this.#secrets.get(SECRET_KEY)).then((raw) => {
      const credentials = parse(raw);
      this.#known = credentials !== undefined;
      return credentials;
    });
    return this.#cached;
  }

  async set(credentials: Credentials): Promise<void> {
    this.#cached = Promise.resolve(credentials);
    this.#known = true;
    await this.#secrets.store(SECRET_KEY, JSON.stringify(credentials));
  }

  async clear(): Promise<void> {
    this.#cached = Promise.resolve(undefined);
    this.#known = false;
    await this.#secrets.delete(SECRET_KEY);
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#changed.dispose();
  }
}
