import * as vscode from 'vscode';
import { registerBulkCommand } from './host/bulkCommand.ts';
import { registerCommands } from './host/commandHandlers.ts';
import { CredentialStore } from './host/credentials.ts';
import { FORM_VIEW_ID, FormViewProvider } from './host/formView.ts';
import { BadgeService } from './host/service.ts';
import { StatusBarController } from './host/statusBar.ts';
import type { StatusState } from './host/statusBar.ts';

/** What activate() returns: the extension's own API for tests and other extensions. */
export interface FeishuBadgeApi {
  statusBar: () => { state: StatusState; visible: boolean; text: string; tooltip: string };
}

// Activation stays cheap: nothing here touches the network; the keychain is read only when
// something needs to know whether credentials exist.
export function activate(context: vscode.ExtensionContext): FeishuBadgeApi {
  const log = vscode.window.createOutputChannel('Feishu Badge', { log: true });
  const credentials = new CredentialStore(context.secrets);
  const service = new BadgeService(credentials, context.globalState, log);
  const statusBar = new StatusBarController();
  const form = new FormViewProvider(context.extensionUri, service, credentials, log);

  const refreshStatus = async (): Promise<void> => {
    const settings = service.settings;
    const target = service.target;
    const hasCredentials = (credentials.known ?? (await credentials.get()) !== undefined) === true;
    if (!settings.statusBarEnabled || !hasCredentials || target === undefined) {
      statusBar.update({ kind: 'hidden' });
      return;
    }
    const domain = settings.domain === 'custom' ? settings.customBaseUrl : settings.domain;
    const remembered = await service.remembered(target);
    const latest = statusBar.state; // the await above may have let a click change it
    if ((latest.kind === 'busy' || latest.kind === 'done') && latest.target.userId === target.userId && latest.domain === domain) {
      if (latest.kind === 'done') statusBar.update({ ...latest, ...(remembered === undefined ? {} : { remembered }) });
      return;
    }
    const last = latest.kind === 'hidden' ? undefined : latest.last;
    statusBar.update({ kind: 'idle', target, domain, ...(last === undefined ? {} : { last }), ...(remembered === undefined ? {} : { remembered }) });
  };

  context.subscriptions.push(
    log,
    credentials,
    service,
    statusBar,
    ...registerCommands({ service, statusBar, log, refreshStatus }),
    registerBulkCommand(service, context.globalState, log),
    form,
    vscode.window.registerWebviewViewProvider(FORM_VIEW_ID, form, { webviewOptions: { retainContextWhenHidden: false } }),
    service.onDidChange(() => void refreshStatus()),
  );
  void refreshStatus();

  return {
    statusBar: () => ({ state: statusBar.state, ...statusBar.view }),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
