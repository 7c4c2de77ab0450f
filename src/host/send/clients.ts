import * as vscode from 'vscode';
import { guidanceFor } from '../../core/guidance/guidance.ts';
import { BadgeClient } from '../../core/client.ts';
import { createTransport } from '../../core/http.ts';
import { originOf } from '../../core/baseUrl.ts';
import type { Transport } from '../../core/http.ts';
import { formatAttemptLine } from '../../core/result.ts';
import { TokenManager } from '../../core/token.ts';
import type { Locale } from '../../core/types.ts';
import { VersionClock } from '../../core/versions.ts';
import type { VersionStates } from '../state/versions.ts';
import type { CredentialStore, Credentials } from '../credentials.ts';
import { DEFAULT_PROFILE_ID } from '../profiles.ts';
import type { ProfileStore } from '../profiles.ts';
import { apiBaseOf, describeBaseUrlProblem } from '../settings.ts';
import type { SettingsWatcher } from '../settings.ts';

/** The core objects of one profile: where it sends, with which credentials. */
export interface ProfileClient {
  profileId: string;
  baseUrl: string;
  /** The origin of `baseUrl`: where this client sends the App Secret and tokens. */
  origin: string;
  /** The origin the credentials are bound to; nothing goes over the network until it equals `origin`. */
  boundOrigin?: string;
  credentials: Credentials;
  /** Identifies the app in version keys and remembered state. */
  appId: string;
  transport: Transport;
  tokens: TokenManager;
  client: BadgeClient;
  /** The user is being asked whether the credentials may go to `origin`. */
  confirming?: Promise<boolean> | undefined;
}

const sameCredentials = (a: Credentials, b: Credentials): boolean =>
  a.kind === 'self-built' ? b.kind === 'self-built' && a.appId === b.appId && a.appSecret === b.appSecret : b.kind === 'manual' && a.token === b.token;

export type ClientProblem = 'no-credentials' | 'bad-settings' | 'untrusted-origin';
export type ClientOrProblem = { ok: true; client: ProfileClient } | { ok: false; error: ClientProblem; message: string };

/** What the send pipeline needs of the cache (the fast host tests give it real core clients). */
export interface ClientSource {
  active(): Promise<ClientOrProblem>;
  forNetwork(): Promise<ClientOrProblem>;
  redactSecrets(text: string): string;
}

/**
 * One client per profile, built lazily from the settings and the profile's credentials, and
 * rebuilt after either changes; switching back and forth keeps each profile's cached token.
 */
export class ClientCache implements ClientSource, vscode.Disposable {
  readonly #credentials: CredentialStore;
  readonly #profiles: ProfileStore;
  readonly #settings: SettingsWatcher;
  readonly #subscriptions: vscode.Disposable[];
  readonly #locale: () => Locale;
  readonly #log: vscode.LogOutputChannel;
  readonly #versions: VersionStates;
  readonly #clients = new Map<string, Promise<ClientOrProblem>>();
  /** The token manager last built per profile: it knows the secrets to scrub from exports. */
  readonly #tokensOf = new Map<string, TokenManager>();

  constructor(options: { credentials: CredentialStore; profiles: ProfileStore; settings: SettingsWatcher; locale: () => Locale; versions: VersionStates; log: vscode.LogOutputChannel }) {
    this.#credentials = options.credentials;
    this.#profiles = options.profiles;
    this.#settings = options.settings;
    this.#locale = options.locale;
    this.#log = options.log;
    this.#versions = options.versions;
    this.#subscriptions = [
      // Another window (or this one) replaced the secret: that profile's client is rebuilt.
      options.credentials.onDidChange((why) => {
        if (why === 'secret') this.invalidate('credentials changed', this.#profiles.active.id);
      }),
      options.settings.onDidChange(() => this.invalidate('settings changed')),
    ];
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
  }

  /** Forgets the clients (all, or one profile's): the next use rebuilds them. */
  invalidate(reason: string, profileId?: string): void {
    if (profileId === undefined) this.#clients.clear();
    else this.#clients.delete(profileId);
    this.#log.debug(`rebuilding client: ${reason}`);
  }

  /** The active profile's client, for previews and remembered state: never asks anything. */
  active(): Promise<ClientOrProblem> {
    const id = this.#profiles.active.id;
    let client = this.#clients.get(id);
    if (client === undefined) {
      client = this.#build();
      this.#clients.set(id, client);
    }
    return client;
  }

  /**
   * The active profile's client, for a call that goes over the network: the credentials must be
   * bound to the API base's origin, or the user confirms sending them there (once per client;
   * concurrent sends share one question).
   */
  async forNetwork(): Promise<ClientOrProblem> {
    const built = await this.active();
    if (!built.ok) return built;
    const { client } = built;
    if (client.boundOrigin === client.origin) return built;
    // This client may have been built between the credentials being stored and being bound (one
    // step for the person, two writes to the keychain): read the binding again before asking.
    const stored = await this.#credentials.stored();
    if (stored !== undefined && stored.origin === client.origin && sameCredentials(stored.credentials, client.credentials)) {
      client.boundOrigin = client.origin;
      return built;
    }
    client.confirming ??= this.#originConfirmed(client).finally(() => {
      client.confirming = undefined;
    });
    if (await client.confirming) {
      client.boundOrigin = client.origin;
      return built;
    }
    return { ok: false, error: 'untrusted-origin', message: vscode.l10n.t('Not sent: the credentials were saved for another API base, and sending them to {0} was not confirmed.', client.origin) };
  }

  /** Only the active profile's known secrets removed (exports are the user's own request). */
  redactSecrets(text: string): string {
    return this.#tokensOf.get(this.#profiles.active.id)?.redactSecrets(text) ?? text;
  }

  /**
   * Asks whether the credentials may go to `origin` (credentials stored before origins were
   * remembered included: older releases let a workspace choose the API base, so they may belong
   * to another host that the settings no longer show). A yes binds the profile that was asked
   * about, and only if its credentials are unchanged.
   */
  async #originConfirmed(client: ProfileClient): Promise<boolean> {
    const { origin, profileId, credentials } = client;
    const bound = client.boundOrigin;
    const profile = this.#profiles.list.find((p) => p.id === profileId)?.name ?? profileId;
    const send = vscode.l10n.t('Send to {0}', origin);
    const detail =
      bound === undefined
        ? vscode.l10n.t('The credentials of profile "{0}" have not been used with {1} before. Feishu Badge will send the App Secret or token there. Continue only if you set this API base yourself.', profile, origin)
        : vscode.l10n.t('The credentials of profile "{0}" were saved for {1}, but the API base is now {2}. Feishu Badge will send the App Secret or token there. Continue only if you changed this API base yourself.', profile, bound, origin);
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Send your Feishu credentials to {0}?', origin), { modal: true, detail }, send);
    if (choice !== send) {
      this.#log.warn(`not sent: credentials are bound to ${bound ?? 'no origin'}, API base is ${origin}; not confirmed`);
      return false;
    }
    this.#log.info(`credentials bound to ${origin} (confirmed)`);
    await this.#credentials.bindFor(profileId, credentials, origin);
    return true;
  }

  async #build(): Promise<ClientOrProblem> {
    const settings = this.#settings.current;
    const profile = this.#profiles.active;
    const base = apiBaseOf(profile, settings);
    if (!base.ok) {
      return { ok: false, error: 'bad-settings', message: describeBaseUrlProblem(base.problem, base.input) };
    }
    const stored = await this.#credentials.stored();
    if (stored === undefined) {
      return { ok: false, error: 'no-credentials', message: guidanceFor({ kind: 'no-credentials' }, this.#locale()).explanation };
    }
    const { credentials } = stored;
    const transport = createTransport({ baseUrl: base.baseUrl, timeoutMs: settings.timeoutMs });
    const tokens = new TokenManager({ transport, source: credentials });
    this.#tokensOf.set(profile.id, tokens);
    // Versions, tokens and remembered state are per profile; the default profile keeps the keys
    // it had before profiles existed.
    const app = credentials.kind === 'self-built' ? credentials.appId : 'tenant-token';
    const appId = profile.id === DEFAULT_PROFILE_ID ? app : `${profile.id}/${app}`;
    const client = new BadgeClient({
      transport,
      tokens,
      // One clock per client over its app's bounded version map (globalState, so versions keep
      // increasing across restarts).
      versions: new VersionClock(this.#versions.storeFor({ baseUrl: base.baseUrl, appId })),
      appId,
      retry: { maxAttempts: settings.maxRetries },
      // Formatted (and scrubbed) only when the log shows debug lines: most sends never pay for it.
      onAttempt: (event) => {
        if (this.#log.logLevel !== vscode.LogLevel.Off && this.#log.logLevel <= vscode.LogLevel.Debug) this.#log.debug(formatAttemptLine(event));
      },
    });
    const built: ProfileClient = { profileId: profile.id, baseUrl: base.baseUrl, origin: originOf(base.baseUrl), credentials, appId, transport, tokens, client };
    if (stored.origin !== undefined) built.boundOrigin = stored.origin;
    return { ok: true, client: built };
  }
}
