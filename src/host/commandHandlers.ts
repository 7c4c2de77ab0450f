import * as vscode from 'vscode';
import { originOf } from '../core/http.ts';
import { formatMessage } from '../core/messages.ts';
import { checkPastedToken } from '../core/token.ts';
import type { PastedTokenProblem } from '../core/token.ts';
import { parseCounts } from '../core/quickInput.ts';
import type { BadgeCommandResult } from '../core/result.ts';
import { clearingInput, validateBadge } from '../core/schema.ts';
import type { BadgeInput } from '../core/schema.ts';
import type { ClientBadgeNum, Locale, UserIdType } from '../core/types.ts';
import { USER_ID_TYPES } from '../core/types.ts';
import { COMMANDS } from './commands.ts';
import type { SendOptions } from './formView.ts';
import { confirmProduction } from './profileCommands.ts';
import { showConnectionResult, showSendResult } from './notify.ts';
import type { BadgeService, ConnectionResult, RememberedBadge, SendEvent, Target } from './service.ts';
import type { StatusBarController } from './statusBar.ts';

export interface CommandDeps {
  service: BadgeService;
  statusBar: StatusBarController;
  log: vscode.LogOutputChannel;
  refreshStatus: () => Promise<void>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
// App IDs (cli_…) and App Secrets are printable ASCII; anything else is a copy-paste accident.
const PRINTABLE = /^[\x21-\x7e]{1,512}$/;

/** Runs a send with a cancellable progress notification. */
function withProgress(title: string, run: (signal: AbortSignal) => Promise<SendEvent>): Thenable<SendEvent> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    return run(controller.signal).finally(() => subscription.dispose());
  });
}

function userIdMessage(value: string, userIdType: UserIdType, locale: Locale): vscode.InputBoxValidationMessage | undefined {
  const validation = validateBadge({ user_id: value, user_id_type: userIdType, pc: { web_app: 0 } });
  const issue = validation.ok ? validation.warnings.find((w) => w.path === 'user_id') : validation.errors.find((e) => e.path === 'user_id');
  if (issue === undefined) return undefined;
  return {
    message: formatMessage(issue.id, locale, issue.params),
    severity: issue.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Warning,
  };
}

async function askUserId(service: BadgeService, title: string, step: string): Promise<Target | undefined> {
  const prefill = service.settings.defaultUserId !== '' ? service.settings.defaultUserId : (service.lastTarget?.userId ?? '');
  const userIdType = service.settings.defaultUserId === '' ? (service.lastTarget?.userIdType ?? service.settings.userIdType) : service.settings.userIdType;
  const userId = await vscode.window.showInputBox({
    title: `${title} (${step})`,
    prompt: vscode.l10n.t('User ID ({0}). Change the ID type in the setting feishuBadge.userIdType.', userIdType),
    placeHolder: 'ou_…',
    value: prefill,
    ignoreFocusOut: true,
    validateInput: (value) => userIdMessage(value, userIdType, service.locale),
  });
  return userId === undefined ? undefined : { userId: userId.trim(), userIdType };
}

/** Why a pasted token was refused; never quotes the token. */
function pastedTokenMessage(problem: PastedTokenProblem): string {
  switch (problem) {
    case 'empty':
      return vscode.l10n.t('A token is required.');
    case 'whitespace':
      return vscode.l10n.t('The token contains a space or a line break. Copy only the token itself (it starts with "t-").');
    case 'not-printable-ascii':
      return vscode.l10n.t('The token contains characters a token cannot have (only printable ASCII is allowed). Copy it again from its source.');
    case 'too-long':
      return vscode.l10n.t('The token is longer than 4,096 characters: that is not a tenant_access_token.');
  }
}

function notSent(error: BadgeCommandResult['error'], msg: string): BadgeCommandResult {
  return { ok: false, attempts: 0, error, msg };
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { service, statusBar, log, refreshStatus } = deps;

  const finishSend = (event: SendEvent, quickClear: boolean, silent = false): BadgeCommandResult => {
    if (!silent) showSendResult(event);
    const state = statusBar.state;
    if (event.userId !== undefined && state.kind !== 'hidden') {
      const last = { ok: event.result.ok, userId: event.userId, at: Date.now(), ...(event.result.code === undefined ? {} : { code: event.result.code }) };
      statusBar.update(quickClear ? { kind: 'done', target: state.target, domain: state.domain, last } : { ...state, kind: 'idle', last });
    }
    void refreshStatus();
    return event.result;
  };

  /** Sends with the caller's signal and no progress UI (the form), or with a cancellable notification. */
  const sendWith = async (title: string, input: unknown, options: SendOptions | undefined): Promise<SendEvent> => {
    if (!(await confirmProduction(service.profile, vscode.l10n.t('Send this badge?'), options?.confirmProduction))) {
      log.info(`not sent: production profile ${service.profile.name} not confirmed`);
      return { result: { ok: false, attempts: 0, error: 'cancelled', msg: vscode.l10n.t('Not sent: sending to the production profile was not confirmed.') } };
    }
    return options?.signal !== undefined || options?.silent === true
      ? service.send(input, options.signal)
      : withProgress(title, (signal) => service.send(input, signal));
  };

  const setBadge = async (args?: unknown, options?: SendOptions): Promise<BadgeCommandResult | undefined> => {
    const title = vscode.l10n.t('Set Feishu Badge');
    let input: unknown = args;
    if (args === undefined) {
      const target = await askUserId(service, title, '1/2');
      if (target === undefined) return undefined;
      const counts = await vscode.window.showInputBox({
        title: `${title} (2/2)`,
        prompt: vscode.l10n.t('Counts: one number for the web app badge on PC and mobile, or four: PC web app, PC mini program, mobile web app, mobile mini program.'),
        value: '1',
        ignoreFocusOut: true,
        validateInput: (value) => {
          const parsed = parseCounts(value);
          if (!parsed.ok) return formatMessage(parsed.id, service.locale);
          const validation = validateBadge({ user_id: target.userId, user_id_type: target.userIdType, pc: parsed.pc, mobile: parsed.mobile });
          const issue = validation.ok ? validation.warnings.find((w) => w.id === 'count.dot') : validation.errors[0];
          if (issue === undefined) return undefined;
          return {
            message: `${issue.path}: ${formatMessage(issue.id, service.locale, issue.params)}`,
            severity: issue.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Warning,
          };
        },
      });
      if (counts === undefined) return undefined;
      const parsed = parseCounts(counts);
      if (!parsed.ok) return undefined;
      input = { user_id: target.userId, user_id_type: target.userIdType, pc: parsed.pc, mobile: parsed.mobile } satisfies BadgeInput;
    }
    const userLabel = isRecord(input) && typeof input.user_id === 'string' ? input.user_id : '';
    const event = await sendWith(vscode.l10n.t('Setting the badge of {0}…', userLabel), input, options);
    return finishSend(event, false, options?.silent === true);
  };

  const clearBadge = async (args?: unknown, options?: SendOptions): Promise<BadgeCommandResult | undefined> => {
    let target: Target | undefined;
    if (args !== undefined) {
      if (!isRecord(args) || !nonEmptyString(args.user_id)) {
        const result = notSent('validation', vscode.l10n.t('Pass { user_id, user_id_type? } to clear a badge.'));
        log.warn(`clearBadge: ${result.msg ?? ''}`);
        return result;
      }
      const type = args.user_id_type ?? service.settings.userIdType;
      if (!USER_ID_TYPES.includes(type as UserIdType)) {
        return notSent('validation', formatMessage('userIdType.invalid', service.locale));
      }
      target = { userId: args.user_id.trim(), userIdType: type as UserIdType };
    } else {
      target = service.target ?? (await askUserId(service, vscode.l10n.t('Clear Feishu Badge'), '1/1'));
    }
    if (target === undefined) return undefined;
    const quickClear = args === undefined;
    const state = statusBar.state;
    if (quickClear && state.kind !== 'hidden') statusBar.update({ ...state, kind: 'busy' });
    const before = await service.remembered(target);
    const input = clearingInput(target.userId, target.userIdType);
    const event = await sendWith(vscode.l10n.t('Clearing the badge of {0}…', target.userId), input, options);
    const hadCounts = before !== undefined && [before.pc, before.mobile].some((c) => (c?.web_app ?? 0) > 0 || (c?.gadget ?? 0) > 0);
    if (event.result.ok && hadCounts && options?.silent !== true) {
      lastClear = { target, before };
      const result = finishSend(event, quickClear, true);
      const undo = vscode.l10n.t('Undo');
      void vscode.window.showInformationMessage(vscode.l10n.t('Cleared the badge of {0}.', target.userId), undo).then((choice) => {
        if (choice === undo) return vscode.commands.executeCommand(COMMANDS.undoClear);
        return undefined;
      });
      return result;
    }
    return finishSend(event, quickClear, options?.silent === true);
  };

  let lastClear: { target: Target; before: RememberedBadge } | undefined;

  /** Puts back the counts a clear removed, with a new version. */
  const undoClear = async (): Promise<BadgeCommandResult | undefined> => {
    const undo = lastClear;
    if (undo === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to undo.'));
      return undefined;
    }
    lastClear = undefined;
    const input: BadgeInput = { user_id: undo.target.userId, user_id_type: undo.target.userIdType };
    if (undo.before.pc !== undefined) input.pc = undo.before.pc;
    if (undo.before.mobile !== undefined) input.mobile = undo.before.mobile;
    const event = await sendWith(vscode.l10n.t('Restoring the badge of {0}…', undo.target.userId), input, undefined);
    return finishSend(event, false);
  };

  /** Sends a request from the history again (same body, a new version). */
  const resendFromHistory = async (args?: unknown, options?: SendOptions): Promise<BadgeCommandResult | undefined> => {
    const history = service.history;
    let index: number | undefined;
    if (args !== undefined) {
      const requested = isRecord(args) ? args.index : undefined;
      if (typeof requested !== 'number' || !Number.isInteger(requested) || requested < 0 || requested >= history.length) {
        return notSent('validation', vscode.l10n.t('Pass { index } of an entry in the history (0 = the latest; {0} entries).', history.length));
      }
      index = requested;
      // `at` pins the entry: sends since the list was drawn move indexes, not timestamps.
      const at = isRecord(args) ? args.at : undefined;
      if (typeof at === 'number' && history[index]?.at !== at) {
        const found = history.findIndex((entry) => entry.at === at);
        if (found === -1) return notSent('validation', vscode.l10n.t('That request is no longer in the history.'));
        index = found;
      }
    } else {
      if (history.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No requests in the history yet.'));
        return undefined;
      }
      const counts = (c: ClientBadgeNum | undefined): string => (c === undefined ? '–' : `${c.web_app ?? '–'}/${c.gadget ?? '–'}`);
      const picked = await vscode.window.showQuickPick(
        history.map((entry, i) => ({
          label: `${entry.ok ? '$(check)' : '$(error)'} ${entry.body.user_id}`,
          description: `pc ${counts(entry.body.pc)} · mobile ${counts(entry.body.mobile)}${entry.code === undefined ? '' : ` · ${entry.code}`}`,
          detail: `${new Date(entry.at).toLocaleString()} · ${entry.baseUrl} · ${entry.userIdType}`,
          index: i,
        })),
        { title: vscode.l10n.t('Re-send from History'), placeHolder: vscode.l10n.t('Pick a request to send again with a new version'), matchOnDescription: true },
      );
      if (picked === undefined) return undefined;
      index = picked.index;
    }
    const entry = history[index];
    if (entry === undefined) return undefined;
    const { version: _version, ...body } = entry.body;
    const event = await sendWith(vscode.l10n.t('Setting the badge of {0}…', entry.body.user_id), { ...body, user_id_type: entry.userIdType }, options);
    return finishSend(event, false, options?.silent === true);
  };

  const configureCredentials = async (args?: unknown): Promise<ConnectionResult | undefined> => {
    let appId: string | undefined;
    let appSecret: string | undefined;
    if (args !== undefined) {
      if (!isRecord(args) || !nonEmptyString(args.appId) || !nonEmptyString(args.appSecret)) {
        return { ok: false, error: 'validation', msg: vscode.l10n.t('Pass { appId, appSecret } (both non-empty text).') };
      }
      appId = args.appId.trim();
      appSecret = args.appSecret.trim();
      if (!PRINTABLE.test(appId) || !PRINTABLE.test(appSecret)) {
        return { ok: false, error: 'validation', msg: vscode.l10n.t('App ID and App Secret are printable ASCII without spaces or line breaks; copy them again from the developer console.') };
      }
    } else {
      const title = vscode.l10n.t('Feishu Badge: Configure Credentials');
      appId = (
        await vscode.window.showInputBox({
          title: `${title} (1/2)`,
          prompt: vscode.l10n.t('App ID of your self-built app (developer console → Credentials & Basic Info).'),
          placeHolder: 'cli_…',
          ignoreFocusOut: true,
          validateInput: (value) =>
            value.trim() === ''
              ? vscode.l10n.t('App ID is required.')
              : !PRINTABLE.test(value.trim())
                ? vscode.l10n.t('App ID and App Secret are printable ASCII without spaces or line breaks; copy them again from the developer console.')
              : value.trim().startsWith('cli_')
                ? undefined
                : { message: vscode.l10n.t('App IDs usually start with "cli_".'), severity: vscode.InputBoxValidationSeverity.Warning },
        })
      )?.trim();
      if (appId === undefined || appId === '') return undefined;
      appSecret = (
        await vscode.window.showInputBox({
          title: `${title} (2/2)`,
          prompt: vscode.l10n.t('App Secret of {0}. It is kept in the OS keychain (VS Code SecretStorage) only.', appId),
          password: true,
          ignoreFocusOut: true,
          validateInput: (value) =>
            value.trim() === ''
              ? vscode.l10n.t('App Secret is required.')
              : PRINTABLE.test(value.trim())
                ? undefined
                : vscode.l10n.t('App ID and App Secret are printable ASCII without spaces or line breaks; copy them again from the developer console.'),
        })
      )?.trim();
      if (appSecret === undefined || appSecret === '') return undefined;
    }
    const base = service.baseUrl();
    if (!base.ok) return { ok: false, error: 'bad-settings', msg: base.message };
    // The credentials are bound to the API base they were entered for (see BadgeService).
    await service.credentials.set({ kind: 'self-built', appId, appSecret }, originOf(base.baseUrl));
    service.credentialsChanged();
    log.info(`credentials stored for app ${appId}`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the credentials…') },
      () => service.testConnection(),
    );
    void refreshStatus();
    showConnectionResult(result);
    const { guidance, ...plain } = result;
    return plain;
  };

  const useTenantToken = async (args?: unknown): Promise<ConnectionResult | undefined> => {
    let token: string | undefined;
    if (args !== undefined) {
      if (!isRecord(args) || !nonEmptyString(args.token)) {
        return { ok: false, error: 'validation', msg: vscode.l10n.t('Pass { token } (a tenant_access_token).') };
      }
      token = args.token.trim();
      const problem = checkPastedToken(token);
      if (problem !== undefined) return { ok: false, error: 'validation', msg: pastedTokenMessage(problem) };
    } else {
      token = (
        await vscode.window.showInputBox({
          title: vscode.l10n.t('Feishu Badge: Use a Tenant Access Token'),
          prompt: vscode.l10n.t('Paste a tenant_access_token (store apps). It is kept in the OS keychain only and never refreshed: paste a new one when it expires.'),
          password: true,
          ignoreFocusOut: true,
          validateInput: (value) => {
            const problem = checkPastedToken(value.trim());
            return problem === undefined ? undefined : pastedTokenMessage(problem);
          },
        })
      )?.trim();
      if (token === undefined || token === '') return undefined;
    }
    const base = service.baseUrl();
    if (!base.ok) return { ok: false, error: 'bad-settings', msg: base.message };
    await service.credentials.set({ kind: 'manual', token }, originOf(base.baseUrl));
    service.credentialsChanged();
    log.info('tenant token stored (manual mode)');
    const result = await service.testConnection();
    void refreshStatus();
    showConnectionResult(result);
    const { guidance, ...plain } = result;
    return plain;
  };

  const clearCredentials = async (): Promise<{ ok: true }> => {
    await service.credentials.clear();
    service.credentialsChanged();
    log.info('credentials and cached tokens cleared');
    void vscode.window.showInformationMessage(vscode.l10n.t('Feishu credentials and cached tokens removed.'));
    void refreshStatus();
    return { ok: true };
  };

  const testConnection = async (): Promise<ConnectionResult> => {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the connection…') },
      () => service.testConnection(),
    );
    showConnectionResult(result);
    const { guidance, ...plain } = result;
    return plain;
  };

  const copyLastRequestAsCurl = async (): Promise<string | undefined> => {
    const text = service.exportLast('curl');
    if (text === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing sent yet in this window.'));
      return undefined;
    }
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(vscode.l10n.t('Copied as curl. The token is not included: set FEISHU_TENANT_ACCESS_TOKEN before running it.'));
    return text;
  };

  const openForm = async (): Promise<void> => {
    await vscode.commands.executeCommand('feishuBadge.form.focus');
  };

  return [
    vscode.commands.registerCommand(COMMANDS.setBadge, setBadge),
    vscode.commands.registerCommand(COMMANDS.clearBadge, clearBadge),
    vscode.commands.registerCommand(COMMANDS.undoClear, undoClear),
    vscode.commands.registerCommand(COMMANDS.resendFromHistory, resendFromHistory),
    vscode.commands.registerCommand(COMMANDS.configureCredentials, configureCredentials),
    vscode.commands.registerCommand(COMMANDS.useTenantToken, useTenantToken),
    vscode.commands.registerCommand(COMMANDS.clearCredentials, clearCredentials),
    vscode.commands.registerCommand(COMMANDS.testConnection, testConnection),
    vscode.commands.registerCommand(COMMANDS.copyLastRequestAsCurl, copyLastRequestAsCurl),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true)),
    vscode.commands.registerCommand(COMMANDS.openForm, openForm),
  ];
}
