import type * as vscode from 'vscode';
import type { RememberedBadge, Target } from '../../core/badgeState.ts';
import { runBulk } from '../../core/bulk.ts';
import type { BulkOptions, BulkSummary } from '../../core/bulk.ts';
import { BADGE_PATH } from '../../core/client.ts';
import { checkConnection } from '../../core/connection.ts';
import { toCurl, toHttpFile } from '../../core/export.ts';
import type { BaseUrlResult } from '../../core/baseUrl.ts';
import { describeOutcome, guidanceFor } from '../../core/guidance/guidance.ts';
import type { Guidance } from '../../core/guidance/guidance.ts';
import { formatResultLine, logField, outcomeFields } from '../../core/result.ts';
import type { BadgeCommandResult } from '../../core/result.ts';
import { validateBadge } from '../../core/schema.ts';
import { TOKEN_PATH } from '../../core/token.ts';
import { VersionExhaustedError } from '../../core/versions.ts';
import type { BadgeRequest, BadgeResult, Locale } from '../../core/types.ts';
import type { Settings } from '../settings.ts';
import type { HistoryStore } from '../state/history.ts';
import type { RecentUsersStore } from '../state/recentUsers.ts';
import type { RememberedBadgeStore } from '../state/rememberedBadges.ts';
import type { ClientOrProblem, ClientProblem, ClientSource, ProfileClient } from './clients.ts';
import { localizedIssues, notSentReport, reportOf } from './report.ts';
import type { SendAction, SendReport } from './report.ts';

/** An error by its kind only: its message could quote stored values. */
const errorKind = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

/** What a connection check returns to its caller. */
export interface ConnectionResult {
  ok: boolean;
  code?: number;
  msg?: string;
  logId?: string;
  error?: BadgeCommandResult['error'];
  /** Which call failed: the token fetch, or (for a pasted token) the badge call that checks it. */
  stage?: 'token' | 'badge';
}

export interface BadgeServiceOptions {
  clients: ClientSource;
  history: HistoryStore;
  recent: RecentUsersStore;
  remembered: RememberedBadgeStore;
  /** Writes batched per-user state now (the end of a bulk run); the version maps are the client cache's. */
  flushState?: () => Promise<void>;
  settings: () => Settings;
  /** The active profile's API base (or why it is refused). */
  apiBase: () => BaseUrlResult;
  locale: () => Locale;
  log: vscode.LogOutputChannel;
}

/**
 * The send pipeline: validate → client → record → report. It never asks anything (that is
 * BadgeActions' job, apart from the origin question the client cache owns) and never throws for
 * an expected failure: the report names it.
 */
export class BadgeService {
  readonly #o: BadgeServiceOptions;
  #lastRequest: { baseUrl: string; request: BadgeRequest } | undefined;

  constructor(options: BadgeServiceOptions) {
    this.#o = options;
  }

  #problemGuidance(error: ClientProblem): Guidance | undefined {
    if (error === 'untrusted-origin') return undefined;
    return guidanceFor({ kind: error === 'no-credentials' ? 'no-credentials' : 'bad-base-url' }, this.#o.locale());
  }

  /** The input as it would be sent (validated with the `userIdType` setting as the default). */
  validate(input: unknown): ReturnType<typeof validateBadge> {
    return validateBadge(input, { defaultUserIdType: this.#o.settings().userIdType });
  }

  /** The host (and port) of the active profile's API base, for questions; undefined when it is refused. */
  apiHost(): string | undefined {
    const base = this.#o.apiBase();
    if (!base.ok) return undefined;
    try {
      return new URL(base.baseUrl).host;
    } catch {
      return undefined;
    }
  }

  async send(action: SendAction, input: unknown, signal?: AbortSignal): Promise<SendReport> {
    const { log, locale } = this.#o;
    const validation = this.validate(input);
    if (!validation.ok) {
      const issues = localizedIssues([...validation.errors, ...validation.warnings], locale());
      log.warn(`not sent: ${validation.errors.map((i) => `${i.path || 'body'}: ${i.id}`).join(', ')}`);
      return { action, result: { ok: false, attempts: 0, error: 'validation', issues } };
    }
    const target: Target = { userId: validation.value.body.user_id, userIdType: validation.value.userIdType };
    const built = await this.#o.clients.forNetwork();
    if (!built.ok) {
      log.warn(`not sent: ${built.error}`);
      return notSentReport(action, target, built.error, built.message, this.#problemGuidance(built.error));
    }
    const { client } = built;
    let result: BadgeResult;
    try {
      result = await client.client.setBadge(validation.value, signal === undefined ? {} : { signal });
    } catch (error) {
      // No version newer than this user's last one fits in int64: nothing was sent.
      if (!(error instanceof VersionExhaustedError)) throw error;
      log.warn(`not sent: ${error.issue.id}`);
      return { action, target, result: { ok: false, attempts: 0, error: 'validation', issues: localizedIssues([error.issue], locale()) } };
    }
    this.#lastRequest = { baseUrl: client.baseUrl, request: result.request };
    await this.#record(client, target, result);
    const line = client.tokens.redactSecrets(formatResultLine('POST', BADGE_PATH, result));
    if (result.kind === 'success') log.info(line);
    else log.warn(line);
    // What the server said was scrubbed by the client (src/core/client.ts); the report is built from it.
    return reportOf(action, target, result, validation.warnings, locale());
  }

  /**
   * The request went out: what it did is recorded, each record on its own, and one that cannot be
   * written (a Memento that refuses) is logged and skipped. The caller always gets the report.
   */
  async #record(client: ProfileClient, target: Target, result: BadgeResult): Promise<void> {
    const { body, userIdType } = result.request;
    await this.#keep('the recent user', () => this.#o.recent.remember(target));
    if (result.kind === 'success') {
      await this.#keep('the remembered badge', async () => this.#o.remembered.recordSet(client, userIdType, body, result.version));
    }
    if (result.kind === 'cancelled' || result.kind === 'token-error') return;
    await this.#keep('the history entry', () => this.#o.history.add({
      at: Date.now(),
      baseUrl: client.baseUrl,
      profileId: client.profileId,
      userIdType,
      body,
      ok: result.kind === 'success',
      ...(result.kind === 'api-error' ? { code: result.code } : result.kind === 'superseded' ? { code: result.cause.code } : {}),
      ...('logId' in result && result.logId !== undefined ? { logId: result.logId } : {}),
    }));
  }

  async #keep(what: string, write: () => PromiseLike<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.#o.log.warn(`could not record ${what} (${errorKind(error)}); the result stands`);
    }
  }

  /** A bulk run through the same client (versions, tokens, retries) as single sends. */
  async bulk(items: readonly unknown[], options: Omit<BulkOptions, 'locale'>): Promise<BulkSummary | { error: ClientProblem; msg: string }> {
    const built = await this.#o.clients.forNetwork();
    if (!built.ok) return { error: built.error, msg: built.message };
    const { client } = built;
    const defaultUserIdType = this.#o.settings().userIdType;
    const run = await runBulk(client.client, items, { ...options, locale: this.#o.locale(), defaultUserIdType });
    await this.#keep('the bulk run', () => this.#recordBulk(client, items, run, defaultUserIdType));
    // Per-user state is written in batches: what is pending is written before the caller hears.
    await this.#keep('the per-user state', () => Promise.all([this.#o.remembered.flush(), this.#o.flushState?.()]).then(() => undefined));
    // Each per-user answer was scrubbed by the client that produced it.
    return run;
  }

  async #recordBulk(client: ProfileClient, items: readonly unknown[], run: BulkSummary, defaultUserIdType: Settings['userIdType']): Promise<void> {
    for (const item of run.results) {
      if (item.status !== 'ok' || item.result?.version === undefined) continue;
      const validation = validateBadge(items[item.index], { defaultUserIdType });
      if (!validation.ok) continue;
      const { body, userIdType } = validation.value;
      this.#o.remembered.recordSet(client, userIdType, body, item.result.version);
    }
    const last = run.results.findLast((item) => item.result !== undefined);
    if (last !== undefined) {
      const validation = validateBadge(items[last.index], { defaultUserIdType });
      if (validation.ok) await this.#o.recent.remember({ userId: validation.value.body.user_id, userIdType: validation.value.userIdType });
    }
  }

  async testConnection(signal?: AbortSignal): Promise<ConnectionResult & { guidance?: Guidance }> {
    const built = await this.#o.clients.forNetwork();
    if (!built.ok) return { ok: false, error: built.error, msg: built.message };
    const { client } = built;
    const started = performance.now();
    const check = await checkConnection(client.transport, client.tokens, signal);
    const ms = Math.round(performance.now() - started);
    if (check.ok) {
      this.#o.log.info(`POST ${TOKEN_PATH} connection ok ${ms}ms`);
      return check.logId === undefined ? { ok: true } : { ok: true, logId: check.logId };
    }
    const { response: _response, ...fields } = outcomeFields(check.failure);
    this.#o.log.warn(client.tokens.redactSecrets(`POST ${check.stage === 'token' ? TOKEN_PATH : BADGE_PATH} connection failed: ${fields.httpStatus ?? '-'} code=${fields.code ?? '-'} logId=${logField(fields.logId ?? '-')} ${ms}ms`));
    const result: ConnectionResult & { guidance?: Guidance } = { ok: false, stage: check.stage, guidance: guidanceFor(describeOutcome(check.failure), this.#o.locale()) };
    if (fields.error !== undefined) result.error = fields.error;
    if (fields.code !== undefined) result.code = fields.code;
    if (fields.msg !== undefined) result.msg = fields.msg;
    if (fields.logId !== undefined) result.logId = fields.logId;
    // checkConnection scrubbed the failure this was built from.
    return result;
  }

  /** The version an automatic send to this user would use now (for previews). */
  async peekVersion(target: Target): Promise<string | undefined> {
    const built: ClientOrProblem = await this.#o.clients.active();
    return built.ok ? built.client.client.peekVersion(target.userIdType, target.userId) : undefined;
  }

  /** What the extension last set for this user with the active profile's app, if anything. */
  async remembered(target: Target): Promise<RememberedBadge | undefined> {
    const built = await this.#o.clients.active();
    return built.ok ? this.#o.remembered.get(built.client, target.userIdType, target.userId) : undefined;
  }

  /** A request as it would be sent now, for export (auto version previewed, token redacted). */
  async exportInput(input: unknown, format: 'curl' | 'http'): Promise<{ ok: true; text: string } | { ok: false }> {
    const validation = validateBadge(input, { defaultUserIdType: this.#o.settings().userIdType });
    const base = this.#o.apiBase();
    if (!validation.ok || !base.ok) return { ok: false };
    const { body, userIdType } = validation.value;
    // Without credentials there is no client to ask: the version is then only an example.
    const version = body.version ?? (await this.peekVersion({ userId: body.user_id, userIdType })) ?? String(Date.now());
    const exported = { baseUrl: base.baseUrl, request: { userIdType, body: { ...body, version } } };
    return { ok: true, text: this.#o.clients.redactSecrets(format === 'curl' ? toCurl(exported) : toHttpFile(exported)) };
  }

  /** Whether `exportLast` has something to export. */
  get hasLastRequest(): boolean {
    return this.#lastRequest !== undefined;
  }

  /** The last request as curl or .http, token always redacted (the token is never handed out). */
  exportLast(format: 'curl' | 'http'): string | undefined {
    const last = this.#lastRequest;
    if (last === undefined) return undefined;
    return this.#o.clients.redactSecrets(format === 'curl' ? toCurl(last) : toHttpFile(last));
  }
}
