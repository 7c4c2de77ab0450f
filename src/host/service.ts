import * as vscode from 'vscode';
import { describeOutcome, describeResult, guidanceFor, normalizeLocale } from '../core/catalog.ts';
import type { FailureDescriptor, Guidance } from '../core/catalog.ts';
import { runBulk } from '../core/bulk.ts';
import type { BulkOptions, BulkSummary } from '../core/bulk.ts';
import { BADGE_PATH, BadgeClient } from '../core/client.ts';
import { checkConnection } from '../core/connection.ts';
import { toCurl, toHttpFile } from '../core/export.ts';
import { createTransport, originOf, resolveBaseUrl } from '../core/http.ts';
import type { Transport } from '../core/http.ts';
import { formatMessage } from '../core/messages.ts';
import { formatAttemptLine, formatResultLine, logField, outcomeFields, toCommandResult } from '../core/result.ts';
import type { BadgeCommandResult } from '../core/result.ts';
import { validateBadge } from '../core/schema.ts';
import { TOKEN_PATH, TokenManager } from '../core/token.ts';
import type { BadgeBody, BadgeRequest, BadgeResult, ClientBadgeNum, Locale, UserIdType } from '../core/types.ts';
import { VersionClock, versionKey } from '../core/versions.ts';
import type { VersionStore } from '../core/versions.ts';
import type { CredentialStore, Credentials } from './credentials.ts';
import { DEFAULT_PROFILE_ID } from './profiles.ts';
import type { Profile, ProfileStore } from './profiles.ts';
import { baseUrlOf, describeBaseUrlProblem, readSettings } from './settings.ts';
import type { Settings } from './settings.ts';

export interface ConnectionResult {
  ok: boolean;
  code?: number;
  msg?: string;
  logId?: string;
  error?: BadgeCommandResult['error'];
  /** Which call failed: the token fetch, or (for a pasted token) the badge call that checks it. */
  stage?: 'token' | 'badge';
}

/** A finished send, for notifications, the status bar and (later) the form. */
export interface SendEvent {
  result: BadgeCommandResult;
  guidance?: Guidance;
  userId?: string;
  userIdType?: UserIdType;
}

export interface Target {
  userId: string;
  userIdType: UserIdType;
}

/** What the extension last set for a user (the API cannot read a badge back). */
export interface RememberedBadge {
  pc?: ClientBadgeNum;
  mobile?: ClientBadgeNum;
  version: string;
  at: number;
}

/** One sent request, kept for re-sending: the body as sent, never a token. */
export interface HistoryEntry {
  at: number;
  baseUrl: string;
  userIdType: UserIdType;
  body: BadgeBody;
  ok: boolean;
  code?: number;
  logId?: string;
}

interface Core {
  baseUrl: string;
  appId: string;
  transport: Transport;
  tokens: TokenManager;
  client: BadgeClient;
  /** The origin of `baseUrl`: where this client sends the App Secret and tokens. */
  origin: string;
  profileId: string;
  credentials: Credentials;
  /** The origin the credentials are bound to; nothing goes over the network until it equals `origin`. */
  boundOrigin?: string;
  /** The user is being asked whether the credentials may go to `origin`. */
  confirming?: Promise<boolean> | undefined;
}

type CoreProblem = 'no-credentials' | 'bad-settings' | 'untrusted-origin';
type CoreOrProblem = { ok: true; core: Core } | { ok: false; error: CoreProblem; message: string };


const LAST_TARGET_KEY = 'feishuBadge.lastTarget';
const HISTORY_KEY = 'feishuBadge.history';
const HISTORY_MAX = 50;
const BADGE_STATE_PREFIX = 'feishuBadge.badge:';
const RECENT_KEY = 'feishuBadge.recentUsers';
const RECENT_MAX = 10;
const VERSION_PREFIX = 'feishuBadge.version:';

/** globalState as the version store, so versions keep increasing across restarts. */
function globalStateVersions(memento: vscode.Memento): VersionStore {
  return {
    get: (key) => memento.get<string>(VERSION_PREFIX + key),
    set: (key, version) => memento.update(VERSION_PREFIX + key, version),
  };
}

/**
 * The one path every surface sends through: builds the core from settings and credentials
 * (lazily, again after either changes), validates, sends, logs, and keeps the last request for
 * export. Holds tokens only inside the core's TokenManager.
 */
export class BadgeService implements vscode.Disposable {
  readonly #credentials: CredentialStore;
  readonly #profiles: ProfileStore;
  readonly #memento: vscode.Memento;
  readonly #log: vscode.LogOutputChannel;
  readonly #versions: VersionClock;
  readonly #sent = new vscode.EventEmitter<SendEvent>();
  readonly #changed = new vscode.EventEmitter<void>();
  readonly #disposables: vscode.Disposable[] = [];
  #settings: Settings;
  /** One client per profile, so switching back and forth keeps each profile's cached token. */
  readonly #cores = new Map<string, Promise<CoreOrProblem>>();
  /** The token manager last built per profile: it knows the secrets to scrub from what leaves. */
  readonly #tokensOf = new Map<string, TokenManager>();
  #lastRequest: { baseUrl: string; request: BadgeRequest } | undefined;

  /** Fires after every send, success or not. */
  readonly onDidSend = this.#sent.event;
  /** Fires when settings or credentials change. */
  readonly onDidChange = this.#changed.event;

  constructor(credentials: CredentialStore, profiles: ProfileStore, memento: vscode.Memento, log: vscode.LogOutputChannel) {
    this.#credentials = credentials;
    this.#profiles = profiles;
    this.#memento = memento;
    this.#log = log;
    this.#versions = new VersionClock(globalStateVersions(memento));
    this.#settings = readSettings();
    this.#disposables.push(
      this.#sent,
      this.#changed,
      credentials.onDidChange((why) => (why === 'profile' ? this.#changed.fire() : this.#invalidate('credentials changed', this.#profiles.active.id))),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('feishuBadge')) {
          this.#settings = readSettings();
          this.#invalidate('settings changed');
          const base = this.baseUrl();
          if (!base.ok && this.#profiles.active.id === DEFAULT_PROFILE_ID) {
            void vscode.window.showWarningMessage(base.message);
          }
        }
      }),
    );
  }

  get settings(): Settings {
    return this.#settings;
  }

  get locale(): Locale {
    return normalizeLocale(vscode.env.language);
  }

  get credentials(): CredentialStore {
    return this.#credentials;
  }

  /** The user a quick clear targets: the default user, else the last one a badge was sent to. */
  get target(): Target | undefined {
    if (this.#settings.defaultUserId !== '') {
      return { userId: this.#settings.defaultUserId, userIdType: this.#settings.userIdType };
    }
    return this.#memento.get<Target>(LAST_TARGET_KEY);
  }

  get lastTarget(): Target | undefined {
    return this.#memento.get<Target>(LAST_TARGET_KEY);
  }

  /** Users badges were sent to, most recent first (ids only: not secret). */
  get recentUsers(): Target[] {
    return this.#memento.get<Target[]>(RECENT_KEY) ?? [];
  }

  async #remember(target: Target): Promise<void> {
    const recent = [target, ...this.recentUsers.filter((t) => t.userId !== target.userId || t.userIdType !== target.userIdType)].slice(0, RECENT_MAX);
    await this.#memento.update(LAST_TARGET_KEY, target);
    await this.#memento.update(RECENT_KEY, recent);
  }

  get profile(): Profile {
    return this.#profiles.active;
  }

  get profiles(): ProfileStore {
    return this.#profiles;
  }

  /** The domain shown to people: the active profile's (the default profile follows the settings). */
  get domainLabel(): string {
    const profile = this.#profiles.active;
    const domain = profile.domain ?? this.#settings.domain;
    const custom = profile.domain === undefined ? this.#settings.customBaseUrl : (profile.customBaseUrl ?? '');
    return domain === 'custom' ? custom : domain;
  }

  /** The API base of the active profile, or the problem with it. */
  baseUrl(): { ok: true; baseUrl: string } | { ok: false; message: string } {
    const profile = this.#profiles.active;
    const base = profile.domain === undefined ? baseUrlOf(this.#settings) : resolveBaseUrl(profile.domain, profile.customBaseUrl);
    return base.ok ? base : { ok: false, message: describeBaseUrlProblem(base.problem, base.input) };
  }

  /** A request as it would be sent now, for export (auto version previewed, token redacted). */
  async exportInput(input: unknown, format: 'curl' | 'http'): Promise<{ ok: true; text: string } | { ok: false }> {
    const validation = validateBadge(input, { defaultUserIdType: this.#settings.userIdType });
    const base = this.baseUrl();
    if (!validation.ok || !base.ok) return { ok: false };
    const { body, userIdType } = validation.value;
    const version = body.version ?? (await this.peekVersion({ userId: body.user_id, userIdType })) ?? String(Date.now());
    const request: BadgeRequest = { userIdType, body: { ...body, version } };
    const exported = { baseUrl: base.baseUrl, request };
    return { ok: true, text: this.#redact(format === 'curl' ? toCurl(exported) : toHttpFile(exported)) };
  }

  /** Called when credentials were replaced in this window (the store's own event covers others). */
  credentialsChanged(): void {
    this.#invalidate('credentials replaced', this.#profiles.active.id);
  }

  #invalidate(reason: string, profileId?: string): void {
    if (profileId === undefined) this.#cores.clear();
    else this.#cores.delete(profileId);
    this.#log.debug(`rebuilding client: ${reason}`);
    this.#changed.fire();
  }

  #ensureCore(): Promise<CoreOrProblem> {
    const id = this.#profiles.active.id;
    let core = this.#cores.get(id);
    if (core === undefined) {
      core = this.#buildCore();
      this.#cores.set(id, core);
    }
    return core;
  }

  /**
   * The core, for a call that goes over the network: the credentials must be bound to the API
   * base's origin, or the user confirms sending them there (once per client; concurrent sends
   * share one question). Previews and remembered state use `#ensureCore` and never ask.
   */
  async #networkCore(): Promise<CoreOrProblem> {
    const built = await this.#ensureCore();
    if (!built.ok) return built;
    const { core } = built;
    if (core.boundOrigin === core.origin) return built;
    core.confirming ??= this.#originConfirmed(core).finally(() => {
      core.confirming = undefined;
    });
    if (await core.confirming) {
      core.boundOrigin = core.origin;
      return built;
    }
    return { ok: false, error: 'untrusted-origin', message: vscode.l10n.t('Not sent: the credentials were saved for another API base, and sending them to {0} was not confirmed.', core.origin) };
  }

  /**
   * Whether the credentials may go to `origin`: yes when they were stored for it; otherwise the
   * user is asked (modal), and a yes binds them to it (credentials stored before origins were
   * remembered included).
   */
  async #originConfirmed(core: Core): Promise<boolean> {
    const { origin, profileId, credentials } = core;
    const bound = core.boundOrigin;
    const bind = async (): Promise<boolean> => {
      // Bound for the profile that was asked about, and only if its credentials are still these.
      await this.#credentials.bindFor(profileId, credentials, origin);
      return true;
    };
    // Credentials from before origins were remembered are asked about once too, even for the
    // official hosts: older releases let a workspace choose the API base, so they may belong to
    // another one (a private deployment) that the settings no longer show.
    const profile = this.#profiles.list.find((p) => p.id === profileId)?.name ?? profileId;
    const send = vscode.l10n.t('Send to {0}', origin);
    const detail = bound === undefined
      ? vscode.l10n.t('The credentials of profile "{0}" have not been used with {1} before. Feishu Badge will send the App Secret or token there. Continue only if you set this API base yourself.', profile, origin)
      : vscode.l10n.t('The credentials of profile "{0}" were saved for {1}, but the API base is now {2}. Feishu Badge will send the App Secret or token there. Continue only if you changed this API base yourself.', profile, bound, origin);
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Send your Feishu credentials to {0}?', origin), { modal: true, detail }, send);
    if (choice !== send) {
      this.#log.warn(`not sent: credentials are bound to ${bound ?? 'no origin'}, API base is ${origin}; not confirmed`);
      return false;
    }
    this.#log.info(`credentials bound to ${origin} (confirmed)`);
    return bind();
  }

  async #buildCore(): Promise<CoreOrProblem> {
    const settings = this.#settings;
    const base = this.baseUrl();
    if (!base.ok) {
      return { ok: false, error: 'bad-settings', message: base.message };
    }
    const stored = await this.#credentials.stored();
    if (stored === undefined) {
      return { ok: false, error: 'no-credentials', message: guidanceFor({ kind: 'no-credentials' }, this.locale).explanation };
    }
    const { credentials } = stored;
    const transport = createTransport({ baseUrl: base.baseUrl, timeoutMs: settings.timeoutMs });
    const tokens = new TokenManager({ transport, source: credentials });
    this.#tokensOf.set(this.#profiles.active.id, tokens);
    // Versions, tokens and remembered state are per profile; the default profile keeps the keys
    // it had before profiles existed.
    const profile = this.#profiles.active;
    const app = credentials.kind === 'self-built' ? credentials.appId : 'tenant-token';
    const appId = profile.id === DEFAULT_PROFILE_ID ? app : `${profile.id}/${app}`;
    const client = new BadgeClient({
      transport,
      tokens,
      versions: this.#versions,
      appId,
      retry: { maxAttempts: settings.maxRetries },
      onAttempt: (event) => this.#log.debug(formatAttemptLine(event)),
    });
    const core: Core = { baseUrl: base.baseUrl, appId, transport, tokens, client, origin: originOf(base.baseUrl), profileId: profile.id, credentials };
    if (stored.origin !== undefined) core.boundOrigin = stored.origin;
    return { ok: true, core };
  }

  guidance(descriptor: FailureDescriptor | undefined): Guidance | undefined {
    return descriptor === undefined ? undefined : guidanceFor(descriptor, this.locale);
  }

  /** The version an automatic send to this user would use now (for previews). */
  async peekVersion(target: Target): Promise<string | undefined> {
    const core = await this.#ensureCore();
    return core.ok ? core.core.client.peekVersion(target.userIdType, target.userId) : undefined;
  }

  /** Validates and sends. Never throws for expected failures; the result names the problem. */
  async send(input: unknown, signal?: AbortSignal): Promise<SendEvent> {
    const validation = validateBadge(input, { defaultUserIdType: this.#settings.userIdType });
    if (!validation.ok) {
      const issues = [...validation.errors, ...validation.warnings].map((issue) => ({
        ...issue,
        message: formatMessage(issue.id, this.locale, issue.params),
      }));
      const event: SendEvent = { result: { ok: false, attempts: 0, error: 'validation', issues } };
      this.#log.warn(`not sent: ${issues.filter((i) => i.severity === 'error').map((i) => `${i.path || 'body'}: ${i.id}`).join(', ')}`);
      this.#sent.fire(event);
      return event;
    }
    const target: Target = { userId: validation.value.body.user_id, userIdType: validation.value.userIdType };
    const core = await this.#networkCore();
    if (!core.ok) {
      const guidance = core.error === 'untrusted-origin' ? undefined : guidanceFor({ kind: core.error === 'no-credentials' ? 'no-credentials' : 'bad-base-url' }, this.locale);
      const result: BadgeCommandResult = { ok: false, attempts: 0, error: core.error, msg: core.message, ...(guidance === undefined ? {} : { guidance }) };
      const event: SendEvent = { result, ...(guidance === undefined ? {} : { guidance }), ...target };
      this.#log.warn(`not sent: ${core.error}`);
      this.#sent.fire(event);
      return event;
    }
    const result: BadgeResult = await core.core.client.setBadge(validation.value, signal === undefined ? {} : { signal });
    this.#lastRequest = { baseUrl: core.core.baseUrl, request: result.request };
    await this.#remember(target);
    await this.#record(core.core, result);
    const line = core.core.tokens.redactSecrets(formatResultLine('POST', BADGE_PATH, result));
    if (result.kind === 'success') this.#log.info(line);
    else this.#log.warn(line);
    const commandResult = toCommandResult(result);
    if (validation.warnings.length > 0) {
      commandResult.issues = validation.warnings.map((issue) => ({ ...issue, message: formatMessage(issue.id, this.locale, issue.params) }));
    }
    const guidance = this.guidance(describeResult(result));
    if (guidance !== undefined) commandResult.guidance = guidance;
    // The last scrub before the result reaches people, the form and other extensions.
    const event: SendEvent = { ...core.core.tokens.redact({ result: commandResult, ...(guidance === undefined ? {} : { guidance }) }), ...target };
    this.#sent.fire(event);
    return event;
  }

  /** Scrubs text with the active profile's secrets when its client was built, else by shape only. */
  #redact(text: string): string {
    // Exports are the user's own request: only real secrets are removed, never look-alikes.
    const tokens = this.#tokensOf.get(this.#profiles.active.id);
    return tokens === undefined ? text : tokens.redactSecrets(text);
  }

  #badgeKey(core: Core, target: Target): string {
    return BADGE_STATE_PREFIX + versionKey(core.baseUrl, core.appId, target.userIdType, target.userId);
  }

  /** Keeps what was set, merged: a request without pc leaves pc as it was on the server. */
  async #rememberSet(core: Core, userIdType: UserIdType, body: Pick<BadgeBody, 'user_id' | 'pc' | 'mobile'>, version: string): Promise<void> {
    const key = this.#badgeKey(core, { userId: body.user_id, userIdType });
    const previous = this.#memento.get<RememberedBadge>(key);
    const pc = body.pc ?? previous?.pc;
    const mobile = body.mobile ?? previous?.mobile;
    await this.#memento.update(key, { version, at: Date.now(), ...(pc === undefined ? {} : { pc }), ...(mobile === undefined ? {} : { mobile }) } satisfies RememberedBadge);
  }

  /** Keeps what was set and the history. */
  async #record(core: Core, result: BadgeResult): Promise<void> {
    const { body, userIdType } = result.request;
    if (result.kind === 'success') {
      await this.#rememberSet(core, userIdType, body, result.version);
    }
    if (result.kind === 'cancelled' || result.kind === 'token-error') return;
    const entry: HistoryEntry = { at: Date.now(), baseUrl: core.baseUrl, userIdType, body, ok: result.kind === 'success' };
    if (result.kind === 'api-error') entry.code = result.code;
    if ('logId' in result && result.logId !== undefined) entry.logId = result.logId;
    await this.#memento.update(HISTORY_KEY, [entry, ...this.history].slice(0, HISTORY_MAX));
  }

  /** The last requests sent (most recent first), at most 50. */
  get history(): HistoryEntry[] {
    return this.#memento.get<HistoryEntry[]>(HISTORY_KEY) ?? [];
  }

  /** What the extension last set for this user with the current app, if anything. */
  async remembered(target: Target): Promise<RememberedBadge | undefined> {
    const core = await this.#ensureCore();
    return core.ok ? this.#memento.get<RememberedBadge>(this.#badgeKey(core.core, target)) : undefined;
  }

  /** A bulk run through the same client (versions, tokens, retries) as single sends. */
  async bulk(items: readonly unknown[], options: Omit<BulkOptions, 'locale'>): Promise<BulkSummary | { error: CoreProblem; msg: string }> {
    const core = await this.#networkCore();
    if (!core.ok) return { error: core.error, msg: core.message };
    const run = await runBulk(core.core.client, items, { ...options, locale: this.locale, defaultUserIdType: this.#settings.userIdType });
    // The per-user answers are scrubbed once more; the user IDs are the caller's and stay as given.
    const summary: BulkSummary = { ...run, results: run.results.map((item) => (item.result === undefined ? item : { ...item, result: core.core.tokens.redact(item.result) })) };
    for (const item of summary.results) {
      if (item.status !== 'ok' || item.result?.version === undefined) continue;
      const validation = validateBadge(items[item.index], { defaultUserIdType: this.#settings.userIdType });
      if (!validation.ok) continue;
      await this.#rememberSet(core.core, validation.value.userIdType, validation.value.body, item.result.version);
    }
    const last = summary.results.findLast((item) => item.result !== undefined);
    if (last !== undefined) await this.#remember({ userId: last.userId, userIdType: last.userIdType as UserIdType });
    this.#changed.fire();
    return summary;
  }

  async testConnection(signal?: AbortSignal): Promise<ConnectionResult & { guidance?: Guidance }> {
    const core = await this.#networkCore();
    if (!core.ok) {
      return { ok: false, error: core.error, msg: core.message };
    }
    const started = performance.now();
    const check = await checkConnection(core.core.transport, core.core.tokens, signal);
    const ms = Math.round(performance.now() - started);
    if (check.ok) {
      this.#log.info(`POST ${TOKEN_PATH} connection ok ${ms}ms`);
      return check.logId === undefined ? { ok: true } : { ok: true, logId: check.logId };
    }
    const failure = check.failure;
    const { response: _response, ...fields } = outcomeFields(failure);
    this.#log.warn(core.core.tokens.redactSecrets(`POST ${check.stage === 'token' ? TOKEN_PATH : BADGE_PATH} connection failed: ${fields.httpStatus ?? '-'} code=${fields.code ?? '-'} logId=${logField(fields.logId ?? '-')} ${ms}ms`));
    const result: ConnectionResult & { guidance?: Guidance } = { ok: false, stage: check.stage, guidance: guidanceFor(describeOutcome(failure), this.locale) };
    if (fields.error !== undefined) result.error = fields.error;
    if (fields.code !== undefined) result.code = fields.code;
    if (fields.msg !== undefined) result.msg = fields.msg;
    if (fields.logId !== undefined) result.logId = fields.logId;
    return core.core.tokens.redact(result);
  }

  /** The last request as curl or .http, token always redacted (the token is never handed out). */
  exportLast(format: 'curl' | 'http'): string | undefined {
    const last = this.#lastRequest;
    if (last === undefined) {
      return undefined;
    }
    return this.#redact(format === 'curl' ? toCurl(last) : toHttpFile(last));
  }

  dispose(): void {
    for (const disposable of this.#disposables) disposable.dispose();
  }
}
