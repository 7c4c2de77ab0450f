import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { contactKind, draftToInput, mobileDigits, parseFromWebview } from '../../shared/protocol.ts';
import type { Diagnosis, FromHost, FromWebview, LookupAnswer, LookupStatus, LookupUser } from '../../shared/protocol.ts';
import { COMMANDS } from '../commandIds.ts';
import type { BadgeActions } from '../send/badgeActions.ts';
import type { RecipientService } from '../send/recipients.ts';
import type { SendReport } from '../send/report.ts';
import { hostStateOf, rememberedInfo } from './hostState.ts';
import type { HostStateSources } from './hostState.ts';
import { renderFormHtml } from './html.ts';

export const FORM_VIEW_ID = 'feishuBadge.form';

/**
 * The message of a send that threw. The result carries no `error` kind: the form shows such a
 * result as a failure of unknown kind ("Failed" / "失败"), and this fixed text points to the log.
 */
const unexpectedFailure = (): string => vscode.l10n.t('Internal error: see the Feishu Badge log (Feishu Badge: Show Log).');

/** What the form needs of the recipient service: resolving one email or phone number, and diagnosing one person. */
export type FormRecipients = Pick<RecipientService, 'resolve' | 'diagnose'>;

type ResolveUsers = Awaited<ReturnType<FormRecipients['resolve']>>;
type Diagnosed = Awaited<ReturnType<FormRecipients['diagnose']>>;

/** A resolved person as the form shows them: ID, name, and the account flags that stop a badge. */
function lookupUser(user: ResolveUsers['users'][number]): LookupUser {
  const out: LookupUser = { id: user.id, idType: user.idType };
  if (typeof user.name === 'string' && user.name !== '') out.name = user.name;
  const raw = user.status;
  if (raw !== undefined) {
    const status: LookupStatus = {};
    if (typeof raw.is_resigned === 'boolean') status.resigned = raw.is_resigned;
    if (typeof raw.is_frozen === 'boolean') status.frozen = raw.is_frozen;
    if (typeof raw.is_activated === 'boolean') status.notActivated = !raw.is_activated;
    if (typeof raw.is_exited === 'boolean') status.exited = raw.is_exited;
    if (typeof raw.is_unjoin === 'boolean') status.unjoined = raw.is_unjoin;
    // No flag at all is "not reported", never "active".
    if (Object.keys(status).length > 0) out.status = status;
  }
  return out;
}

/** The lookup's answer for the form: found people (each once), why nobody was found, or why it stopped. */
function lookupAnswer(requestId: string, query: string, resolved: ResolveUsers): LookupAnswer {
  const byId = new Map<string, LookupUser>();
  for (const user of resolved.users) {
    const key = `${user.idType}:${user.id}`;
    if (!byId.has(key)) byId.set(key, lookupUser(user));
  }
  const users = [...byId.values()];
  const answer: LookupAnswer = { requestId, query, users };
  const [missing] = resolved.notFound;
  if (users.length === 0 && missing !== undefined) answer.notFound = { detail: missing.detail };
  if (!resolved.ok) {
    answer.error = { msg: resolved.msg ?? '' };
    if (resolved.error !== undefined) answer.error.kind = resolved.error;
    if (resolved.code !== undefined) answer.error.code = resolved.code;
    if (resolved.logId !== undefined) answer.error.logId = resolved.logId;
    if (resolved.missingScopes !== undefined && resolved.missingScopes.length > 0) answer.error.missingScopes = [...resolved.missingScopes];
  }
  return answer;
}

/** The diagnosis field by field: only what the protocol declares reaches the webview. */
function diagnosisOf(result: Diagnosed): Diagnosis {
  const checks = result.checks.map((check) => {
    const out: Diagnosis['checks'][number] = { id: check.id, status: check.status, title: check.title, detail: check.detail };
    if (check.fix !== undefined) out.fix = check.fix;
    if (check.code !== undefined) out.code = check.code;
    if (check.logId !== undefined) out.logId = check.logId;
    if (check.missingScopes !== undefined) out.missingScopes = [...check.missingScopes];
    if (check.permissionPage !== undefined) out.permissionPage = check.permissionPage;
    return out;
  });
  return result.cancelled === true ? { ok: result.ok, checks, cancelled: true } : { ok: result.ok, checks };
}

/**
 * The sidebar form. The webview is untrusted: every message is checked with the protocol's
 * schema, and it never receives a secret or a token (only whether credentials exist). Sends go
 * straight to BadgeActions, as the palette's do; the report comes back as the form shows it.
 * Finding an ID by email or phone and diagnosing a missing badge go to the recipient service,
 * one of each at a time (a newer one stops the older), answered with what was asked echoed.
 */
export class FormViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  readonly #extensionUri: vscode.Uri;
  readonly #actions: BadgeActions;
  readonly #sources: HostStateSources;
  readonly #log: vscode.LogOutputChannel;
  readonly #pending = new Map<string, { controller: AbortController; action: 'send' | 'clear' }>();
  readonly #recipients: FormRecipients | undefined;
  /** The lookup and the diagnosis running for the form: one of each, a newer one stops the older. */
  readonly #queries = new Map<'lookup' | 'diagnose', { requestId: string; controller: AbortController }>();
  readonly #disposables: vscode.Disposable[] = [];
  readonly #shown = new vscode.EventEmitter<void>();
  /** The view was opened (resolved): a first run's walkthrough follows it. */
  readonly onDidShow = this.#shown.event;
  #view: vscode.WebviewView | undefined;
  #ready = false;
  #queue: FromHost[] = [];

  constructor(extensionUri: vscode.Uri, actions: BadgeActions, sources: HostStateSources, log: vscode.LogOutputChannel, recipients?: FormRecipients) {
    this.#extensionUri = extensionUri;
    this.#recipients = recipients;
    this.#actions = actions;
    this.#sources = sources;
    this.#log = log;
    const post = (): void => void this.#postState();
    this.#disposables.push(
      // Sends from any surface, profile switches, new credentials and settings all reach the form.
      actions.onDidChangeState(post),
      sources.profiles.onDidChange(post),
      sources.credentials.onDidChange(post),
      sources.settings.onDidChange(post),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.#view = view;
    this.#ready = false;
    const dist = vscode.Uri.joinPath(this.#extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.#extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    view.webview.html = this.#html(view.webview, dist, media);
    this.#disposables.push(
      view.webview.onDidReceiveMessage((message: unknown) => void this.#receive(message)),
      view.onDidDispose(() => {
        this.#view = undefined;
        this.#ready = false;
      }),
    );
    this.#shown.fire();
  }

  #html(webview: vscode.Webview, dist: vscode.Uri, media: vscode.Uri): string {
    return renderFormHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'form.css')).toString(),
      lang: this.#sources.locale() === 'zh-cn' ? 'zh-CN' : 'en',
    });
  }

  #post(message: FromHost): void {
    if (!this.#ready || this.#view === undefined) {
      // Until the webview says it is ready, a posted message would be lost.
      this.#queue.push(message);
      return;
    }
    void this.#view.webview.postMessage(message);
  }

  async #postState(): Promise<void> {
    if (this.#view === undefined) return;
    this.#post({ type: 'state', state: await hostStateOf(this.#sources) });
  }

  async #receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (message === undefined) {
      this.#log.warn(`form: ignored a malformed message (${typeof raw === 'object' && raw !== null && 'type' in raw ? String((raw as { type: unknown }).type).slice(0, 40) : typeof raw})`);
      return;
    }
    await this.#handle(message);
  }

  async #handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.#ready = true;
        const queued = this.#queue;
        this.#queue = [];
        this.#post({ type: 'state', state: await hostStateOf(this.#sources) });
        // A view reloaded mid-request learns it is still running.
        for (const [requestId, { action }] of this.#pending) this.#post({ type: 'busy', requestId, action });
        for (const item of queued) this.#post(item);
        return;
      }
      case 'send':
      case 'clear':
      case 'resend': {
        const action = message.type === 'clear' ? 'clear' : 'send';
        const controller = new AbortController();
        this.#pending.set(message.requestId, { controller, action });
        this.#post({ type: 'busy', requestId: message.requestId, action });
        const options = { signal: controller.signal };
        let report: SendReport;
        try {
          report =
            message.type === 'send'
              ? await this.#actions.send(draftToInput(message.draft), options)
              : message.type === 'resend'
                ? await this.#actions.resend(message.index, message.at, options)
                : await this.#actions.clear(message.target, options);
        } catch (error) {
          // A bug, not an expected failure (those are values): the form still ends the send,
          // showing a failure of unknown kind, and the log says where without quoting anything.
          this.#log.error(`form: ${message.type} ended by an unexpected ${error instanceof Error ? error.name : typeof error}`);
          this.#post({ type: 'result', payload: { requestId: message.requestId, action, result: { ok: false, attempts: 0, msg: unexpectedFailure() } } });
          return;
        } finally {
          this.#pending.delete(message.requestId);
        }
        // The body travels once, as `raw`: not also inside the result.
        const { response: _response, ...result } = report.result;
        this.#post({ type: 'result', payload: { requestId: message.requestId, action, result, ...(report.raw === undefined ? {} : { raw: report.raw }) } });
        return;
      }
      case 'cancel':
        this.#pending.get(message.requestId)?.controller.abort();
        for (const query of this.#queries.values()) if (query.requestId === message.requestId) query.controller.abort();
        return;
      case 'lookup': {
        const signal = this.#startQuery('lookup', message.requestId);
        const { requestId, query, userIdType } = message;
        let answer: LookupAnswer;
        try {
          if (this.#recipients === undefined) {
            answer = { requestId, query, users: [], error: { kind: 'unavailable', msg: '' } };
          } else {
            const input = contactKind(query) === 'email' ? { emails: [query.trim()] } : { mobiles: [mobileDigits(query)] };
            answer = lookupAnswer(requestId, query, await this.#recipients.resolve({ ...input, userIdType, includeResigned: true }, { signal }));
          }
        } catch (error) {
          this.#log.error(`form: lookup ended by an unexpected ${error instanceof Error ? error.name : typeof error}`);
          answer = { requestId, query, users: [], error: { kind: 'internal', msg: unexpectedFailure() } };
        } finally {
          this.#endQuery('lookup', requestId);
        }
        this.#post({ type: 'lookupResult', ...answer });
        return;
      }
      case 'diagnose': {
        const signal = this.#startQuery('diagnose', message.requestId);
        const { requestId, target, counts } = message;
        try {
          if (this.#recipients === undefined) {
            this.#post({ type: 'diagnosis', requestId, target, result: { ok: false, checks: [] }, error: { kind: 'unavailable' } });
            return;
          }
          const result = await this.#recipients.diagnose({ userId: target.userId, userIdType: target.userIdType, ...(counts === undefined ? {} : { counts }) }, { signal });
          this.#post({ type: 'diagnosis', requestId, target, result: diagnosisOf(result) });
        } catch (error) {
          this.#log.error(`form: diagnose ended by an unexpected ${error instanceof Error ? error.name : typeof error}`);
          this.#post({ type: 'diagnosis', requestId, target, result: { ok: false, checks: [] }, error: { kind: 'internal', msg: unexpectedFailure() } });
        } finally {
          this.#endQuery('diagnose', requestId);
        }
        return;
      }
      case 'copy': {
        const exported = await this.#actions.exportInput(draftToInput(message.draft), message.format);
        if (exported.ok) {
          await vscode.env.clipboard.writeText(exported.text);
          this.#post({ type: 'copied', what: message.format });
        }
        return;
      }
      case 'copyLogId':
        await vscode.env.clipboard.writeText(message.logId);
        this.#post({ type: 'copied', what: 'logId' });
        return;
      case 'peekVersion': {
        const [version, remembered] = await Promise.all([this.#actions.peekVersion(message.target), this.#actions.remembered(message.target)]);
        this.#post({
          type: 'version',
          target: message.target,
          version,
          ...(remembered === undefined ? {} : { remembered: rememberedInfo(remembered) }),
          ...(message.seq === undefined ? {} : { seq: message.seq }),
        });
        return;
      }
      case 'runCommand':
        await vscode.commands.executeCommand(COMMANDS[message.command]);
        await this.#postState();
        return;
      case 'openDocs':
        await vscode.env.openExternal(vscode.Uri.parse(message.url));
        return;
      case 'openGuide':
        // The README ships in the package: its sandbox section needs no network.
        await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(this.#extensionUri, 'README.md'));
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  /** Starts the form's lookup or diagnosis, stopping the one before it (the form shows only the latest). */
  #startQuery(kind: 'lookup' | 'diagnose', requestId: string): AbortSignal {
    this.#queries.get(kind)?.controller.abort();
    const controller = new AbortController();
    this.#queries.set(kind, { requestId, controller });
    return controller.signal;
  }

  #endQuery(kind: 'lookup' | 'diagnose', requestId: string): void {
    if (this.#queries.get(kind)?.requestId === requestId) this.#queries.delete(kind);
  }

  dispose(): void {
    for (const { controller } of this.#pending.values()) controller.abort();
    for (const { controller } of this.#queries.values()) controller.abort();
    for (const disposable of this.#disposables) disposable.dispose();
    this.#shown.dispose();
  }
}
