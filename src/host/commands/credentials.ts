import * as vscode from 'vscode';
import { originOf } from '../../core/baseUrl.ts';
import { checkPastedToken } from '../../core/token.ts';
import type { PastedTokenProblem } from '../../core/token.ts';
import { registerAll } from '../commandIds.ts';
import type { Credentials } from '../credentials.ts';
import type { ConnectionResult } from '../send/badgeService.ts';
import { apiBaseOf, describeBaseUrlProblem } from '../settings.ts';
import { showConnectionResult } from '../ui/notify.ts';
import { credentialArgs, parseArgs, tokenArgs } from './args.ts';
import type { CommandContext } from './context.ts';

// App IDs (cli_…) and App Secrets are printable ASCII; anything else is a copy-paste accident.
const PRINTABLE = /^[\x21-\x7e]{1,512}$/;

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

const notPrintable = (): string => vscode.l10n.t('App ID and App Secret are printable ASCII without spaces or line breaks; copy them again from the developer console.');

async function askAppCredentials(): Promise<{ appId: string; appSecret: string } | undefined> {
  const title = vscode.l10n.t('Feishu Badge: Configure Credentials');
  const appId = (
    await vscode.window.showInputBox({
      title: `${title} (1/2)`,
      prompt: vscode.l10n.t('App ID of your self-built app (developer console → Credentials & Basic Info).'),
      placeHolder: 'cli_…',
      ignoreFocusOut: true,
      validateInput: (value) =>
        value.trim() === ''
          ? vscode.l10n.t('App ID is required.')
          : !PRINTABLE.test(value.trim())
            ? notPrintable()
            : value.trim().startsWith('cli_')
              ? undefined
              : { message: vscode.l10n.t('App IDs usually start with "cli_".'), severity: vscode.InputBoxValidationSeverity.Warning },
    })
  )?.trim();
  if (appId === undefined || appId === '') return undefined;
  const appSecret = (
    await vscode.window.showInputBox({
      title: `${title} (2/2)`,
      prompt: vscode.l10n.t('App Secret of {0}. It is kept in the OS keychain (VS Code SecretStorage) only.', appId),
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('App Secret is required.') : PRINTABLE.test(value.trim()) ? undefined : notPrintable()),
    })
  )?.trim();
  if (appSecret === undefined || appSecret === '') return undefined;
  return { appId, appSecret };
}

/** Configure Credentials, Use a Tenant Access Token, Clear Credentials, Test Connection. */
export function registerCredentialCommands(ctx: CommandContext): vscode.Disposable[] {
  const { credentials, clients, actions, log } = ctx;

  /** Stores credentials bound to the current API base (see ClientCache), then checks them. */
  const store = async (value: Credentials, withProgress: boolean): Promise<ConnectionResult> => {
    const base = apiBaseOf(ctx.profiles.active, ctx.settings.current);
    if (!base.ok) return { ok: false, error: 'bad-settings', msg: describeBaseUrlProblem(base.problem, base.input) };
    await credentials.set(value, originOf(base.baseUrl));
    log.info(value.kind === 'self-built' ? `credentials stored for app ${value.appId}` : 'tenant token stored (manual mode)');
    clients.invalidate('credentials replaced', ctx.profiles.active.id);
    const result = withProgress
      ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the credentials…') }, () => actions.testConnection())
      : await actions.testConnection();
    showConnectionResult(result);
    const { guidance: _guidance, ...plain } = result;
    return plain;
  };

  const configureCredentials = async (args?: unknown): Promise<ConnectionResult | undefined> => {
    let given: { appId: string; appSecret: string } | undefined;
    if (args !== undefined) {
      given = parseArgs(credentialArgs, args);
      if (given === undefined) return { ok: false, error: 'validation', msg: vscode.l10n.t('Pass { appId, appSecret } (both non-empty text).') };
      if (!PRINTABLE.test(given.appId) || !PRINTABLE.test(given.appSecret)) return { ok: false, error: 'validation', msg: notPrintable() };
    } else {
      given = await askAppCredentials();
      if (given === undefined) return undefined;
    }
    return store({ kind: 'self-built', ...given }, true);
  };

  const useTenantToken = async (args?: unknown): Promise<ConnectionResult | undefined> => {
    let token: string | undefined;
    if (args !== undefined) {
      token = parseArgs(tokenArgs, args)?.token;
      if (token === undefined) return { ok: false, error: 'validation', msg: vscode.l10n.t('Pass { token } (a tenant_access_token).') };
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
    return store({ kind: 'manual', token }, false);
  };

  const clearCredentials = async (): Promise<{ ok: true }> => {
    await credentials.clear();
    clients.invalidate('credentials cleared', ctx.profiles.active.id);
    log.info('credentials and cached tokens cleared');
    void vscode.window.showInformationMessage(vscode.l10n.t('Feishu credentials and cached tokens removed.'));
    return { ok: true };
  };

  const testConnection = async (): Promise<ConnectionResult> => {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the connection…') }, () => actions.testConnection());
    showConnectionResult(result);
    const { guidance: _guidance, ...plain } = result;
    return plain;
  };

  return registerAll({ configureCredentials, useTenantToken, clearCredentials, testConnection });
}
