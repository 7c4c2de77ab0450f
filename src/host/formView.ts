import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { BadgeCommandResult } from '../core/result.ts';
import type { ClientBadgeNum } from '../core/types.ts';
import { FORM_HISTORY_MAX, draftToInput, formCsp, parseFromWebview } from '../shared/protocol.ts';
import type { FromHost, FromWebview, HistoryItem, HostState, RememberedInfo } from '../shared/protocol.ts';
import { COMMANDS } from './commands.ts';
import type { CredentialStore } from './credentials.ts';
import type { BadgeService, HistoryEntry, RememberedBadge } from './service.ts';

export const FORM_VIEW_ID = 'feishuBadge.form';

/** Options in-process callers (this view) pass as a command's second argument. */
export interface SendOptions {
  signal?: AbortSignal;
  /** The caller shows the outcome itself: no notification. */
  silent?: boolean;
  /** The caller already confirmed sending to a production profile. */
  confirmProduction?: boolean;
}

function rawOf(result: BadgeCommandResult): string | undefined {
  if (result.response !== undefined) return JSON.stringify(result.response, null, 2);
  if (result.error === 'invalid-response') return result.msg;
  return undefined;
}

/** Only the counts, whatever else a stored object holds. */
function counts(value: ClientBadgeNum | undefined): ClientBadgeNum | undefined {
  if (value === undefined) return undefined;
  const out: ClientBadgeNum = {};
  if (typeof value.web_app === 'number') out.web_app = value.web_app;
  if (typeof value.gadget === 'number') out.gadget = value.gadget;
  return out;
}

function rememberedInfo(badge: RememberedBadge): RememberedInfo {
  const info: RememberedInfo = { version: badge.version, at: badge.at };
  const pc = counts(badge.pc);
  const mobile = counts(badge.mobile);
  if (pc !== undefined) info.pc = pc;
  if (mobile !== undefined) info.mobile = mobile;
  return info;
}

/** A history entry as the form lists it: ids, counts and outcome (no base URL, extra or log ID). */
function historyItem(entry: HistoryEntry, index: number): HistoryItem {
  const item: HistoryItem = { index, at: entry.at, userId: entry.body.user_id, userIdType: entry.userIdType, ok: entry.ok };
  const pc = counts(entry.body.pc);
  const mobile = counts(entry.body.mobile);
  if (pc !== undefined) item.pc = pc;
  if (mobile !== undefined) item.mobile = mobile;
  if (entry.code !== undefined) item.code = entry.code;
  return item;
}

/**
 * The sidebar form. The webview is untrusted: every message is checked with the protocol's
 * schema, and it never receives a secret or a token (only whether credentials exist). Sends go
 * through the same commands as the palette.
 */
export class FormViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  readonly #extensionUri: vscode.Uri;
  readonly #service: BadgeService;
  readonly #credentials: CredentialStore;
  readonly #log: vscode.LogOutputChannel;
  readonly #pending = new Map<string, { controller: AbortController; action: 'send' | 'clear' }>();
  readonly #disposables: vscode.Disposable[] = [];
  #view: vscode.WebviewView | undefined;
  #ready = false;
  #queue: FromHost[] = [];

  constructor(extensionUri: vscode.Uri, service: BadgeService, credentials: CredentialStore, log: vscode.LogOutputChannel) {
    this.#extensionUri = extensionUri;
    this.#service = service;
    this.#credentials = credentials;
    this.#log = log;
    this.#disposables.push(
      service.onDidChange(() => void this.#postState()),
      // Sends from the palette or the status bar add to the history the form lists.
      service.onDidSend(() => void this.#postState()),
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
  }

  #html(webview: vscode.Webview, dist: vscode.Uri, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'form.css'));
    const csp = formCsp(webview.cspSource, nonce);
    const lang = this.#service.locale === 'zh-cn' ? 'zh-CN' : 'en';
    return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Feishu Badge</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  #post(message: FromHost): void {
    if (!this.#ready || this.#view === undefined) {
      // Until the webview says it is ready, a posted message would be lost.
      this.#queue.push(message);
      return;
    }
    void this.#view.webview.postMessage(message);
  }

  async #hostState(): Promise<HostState> {
    const settings = this.#service.settings;
    const credentials = await this.#credentials.get();
    const base = this.#service.baseUrl();
    const state: HostState = {
      locale: this.#service.locale,
      profile: { name: this.#service.profile.name, production: this.#service.profile.production },
      domain: this.#service.profile.domain ?? settings.domain,
      hasCredentials: credentials !== undefined,
      userIdType: settings.userIdType,
      recentUsers: this.#service.recentUsers,
      history: this.#service.history.slice(0, FORM_HISTORY_MAX).map(historyItem),
    };
    if (base.ok) state.baseUrl = base.baseUrl;
    else state.settingsProblem = base.message;
    if (credentials !== undefined) {
      state.credentialKind = credentials.kind;
      if (credentials.kind === 'self-built') state.appId = credentials.appId;
    }
    const target = this.#service.target;
    if (target !== undefined) state.defaultTarget = target;
    return state;
  }

  async #postState(): Promise<void> {
    if (this.#view === undefined) return;
    this.#post({ type: 'state', state: await this.#hostState() });
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
        this.#post({ type: 'state', state: await this.#hostState() });
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
        const options: SendOptions = { signal: controller.signal, silent: true };
        const result =
          message.type === 'send'
            ? await vscode.commands.executeCommand<BadgeCommandResult | undefined>(COMMANDS.setBadge, draftToInput(message.draft), options)
            : message.type === 'resend'
              ? await vscode.commands.executeCommand<BadgeCommandResult | undefined>(COMMANDS.resendFromHistory, { index: message.index, ...(message.at === undefined ? {} : { at: message.at }) }, options)
              : await vscode.commands.executeCommand<BadgeCommandResult | undefined>(
                  COMMANDS.clearBadge,
                  { user_id: message.target.userId, user_id_type: message.target.userIdType },
                  options,
                );
        this.#pending.delete(message.requestId);
        const final: BadgeCommandResult = result ?? { ok: false, attempts: 0, error: 'cancelled' };
        const raw = rawOf(final);
        this.#post({ type: 'result', payload: { requestId: message.requestId, action, result: final, ...(raw === undefined ? {} : { raw }) } });
        await this.#postState();
        return;
      }
      case 'cancel':
        this.#pending.get(message.requestId)?.controller.abort();
        return;
      case 'copy': {
        const exported = await this.#service.exportInput(draftToInput(message.draft), message.format);
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
        const [version, remembered] = await Promise.all([this.#service.peekVersion(message.target), this.#service.remembered(message.target)]);
        this.#post({ type: 'version', target: message.target, version, ...(remembered === undefined ? {} : { remembered: rememberedInfo(remembered) }) });
        return;
      }
      case 'runCommand':
        await vscode.commands.executeCommand(COMMANDS[message.command]);
        await this.#postState();
        return;
      case 'openDocs':
        await vscode.env.openExternal(vscode.Uri.parse(message.url));
        return;
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  dispose(): void {
    for (const { controller } of this.#pending.values()) controller.abort();
    for (const disposable of this.#disposables) disposable.dispose();
  }
}
