import * as vscode from 'vscode';
import { COMMANDS } from './host/commands.ts';
import { registerBulkCommand } from './host/bulkCommand.ts';
import { BULK_RESULTS_VIEW_ID, BulkResultsView } from './host/bulkResultsView.ts';
import { registerCommands } from './host/commandHandlers.ts';
import { CredentialStore } from './host/credentials.ts';
import { FORM_VIEW_ID, FormViewProvider } from './host/formView.ts';
import { registerProfileCommands } from './host/profileCommands.ts';
import { DEFAULT_PROFILE_ID, ProfileStore } from './host/profiles.ts';
import { BadgeService } from './host/service.ts';
import { StatusBarController } from './host/statusBar.ts';
import type { StatusState } from './host/statusBar.ts';
import { lineSafeLog } from './host/safeLog.ts';

/** What activate() returns: the extension's own API for tests and other extensions. */
export interface FeishuBadgeApi {
  statusBar: () => { state: StatusState; visible: boolean; text: string; tooltip: string };
  /** The request history, most recent first: user and when it was sent. */
  history: () => Array<{ userId: string; at: number }>;
  /** The bulk-results view as labels: groups with their items' labels and descriptions. */
  bulkResults: () => Array<{ label: string; items: Array<{ label: string; description: string }> }>;
}

// Activation stays cheap: nothing here touches the network; the keychain is read only when
// something needs to know whether credentials exist.
export function activate(context: vscode.ExtensionContext): FeishuBadgeApi {
  const log = lineSafeLog(vscode.window.createOutputChannel('Feishu Badge', { log: true }));
  const profiles = new ProfileStore(context.globalState);
  const credentials = new CredentialStore(context.secrets, profiles);
  const service = new BadgeService(credentials, profiles, context.globalState, log);
  const statusBar = new StatusBarController();
  const bulkResults = new BulkResultsView();
  const form = new FormViewProvider(context.extensionUri, service, credentials, log);

  // A second item names the active profile (only once there is more than one) and switches it.
  const profileItem = vscode.window.createStatusBarItem('feishuBadge.profile', vscode.StatusBarAlignment.Right, 101);
  profileItem.name = vscode.l10n.t('Feishu Badge: Profile');
  profileItem.command = COMMANDS.switchProfile;
  const refreshProfileItem = (): void => {
    const active = profiles.active;
    if (profiles.list.length < 2) {
      profileItem.hide();
      return;
    }
    profileItem.text = `${active.production ? '$(warning)' : '$(organization)'} ${active.name}`;
    profileItem.tooltip = active.production ? vscode.l10n.t('Production profile "{0}": sends ask first. Click to switch.', active.name) : vscode.l10n.t('Feishu Badge profile "{0}". Click to switch.', active.name);
    profileItem.backgroundColor = active.production ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    profileItem.show();
  };

  const refreshStatus = async (): Promise<void> => {
    refreshProfileItem();
    const settings = service.settings;
    const target = service.target;
    const hasCredentials = (credentials.known ?? (await credentials.get()) !== undefined) === true;
    if (!settings.statusBarEnabled || !hasCredentials || target === undefined) {
      statusBar.update({ kind: 'hidden' });
      return;
    }
    const domain = service.profile.id === DEFAULT_PROFILE_ID ? service.domainLabel : `${service.profile.name} · ${service.domainLabel}`;
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
    profiles,
    credentials,
    service,
    statusBar,
    ...registerCommands({ service, statusBar, log, refreshStatus }),
    bulkResults,
    vscode.window.registerTreeDataProvider(BULK_RESULTS_VIEW_ID, bulkResults),
    registerBulkCommand(service, context.globalState, log, bulkResults),
    vscode.commands.registerCommand(COMMANDS.exportBulkResults, () => bulkResults.exportCsv()),
    vscode.commands.registerCommand(COMMANDS.copyLogId, async (logId: unknown) => {
      if (typeof logId !== 'string' || logId === '') return;
      await vscode.env.clipboard.writeText(logId);
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied log ID {0}.', logId));
    }),
    ...registerProfileCommands(profiles, credentials, log),
    profileItem,
    form,
    vscode.window.registerWebviewViewProvider(FORM_VIEW_ID, form, { webviewOptions: { retainContextWhenHidden: false } }),
    service.onDidChange(() => void refreshStatus()),
    profiles.onDidChange(() => void refreshStatus()),
  );
  void refreshStatus();

  return {
    statusBar: () => ({ state: statusBar.state, ...statusBar.view }),
    history: () => service.history.map((entry) => ({ userId: entry.body.user_id, at: entry.at })),
    bulkResults: () =>
      bulkResults.getChildren().map((group) => ({
        label: String(bulkResults.getTreeItem(group).label ?? ''),
        items: bulkResults.getChildren(group).map((node) => {
          const item = bulkResults.getTreeItem(node);
          return { label: String(item.label ?? ''), description: String(item.description ?? '') };
        }),
      })),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
