import * as vscode from 'vscode';
import { normalizeLocale } from './core/guidance/guidance.ts';
import { registerBadgeCommands } from './host/commands/badge.ts';
import { registerBulkCommands } from './host/commands/bulk.ts';
import type { CommandContext } from './host/commands/context.ts';
import { registerCredentialCommands } from './host/commands/credentials.ts';
import { registerMiscCommands } from './host/commands/misc.ts';
import { registerProfileCommands } from './host/commands/profiles.ts';
import { registerRecipientCommands } from './host/commands/recipients.ts';
import { CredentialStore } from './host/credentials.ts';
import { FORM_VIEW_ID, FormViewProvider } from './host/form/formView.ts';
import { ProfileStore } from './host/profiles.ts';
import { lineSafeLog } from './host/safeLog.ts';
import { BadgeActions } from './host/send/badgeActions.ts';
import { BadgeService } from './host/send/badgeService.ts';
import { ClientCache } from './host/send/clients.ts';
import { RecipientService } from './host/send/recipients.ts';
import { SettingsWatcher, apiBaseOf } from './host/settings.ts';
import { BulkCheckpointStore } from './host/state/bulkCheckpoints.ts';
import { HistoryStore } from './host/state/history.ts';
import { RecentUsersStore } from './host/state/recentUsers.ts';
import { RememberedBadgeStore } from './host/state/rememberedBadges.ts';
import { VersionStates } from './host/state/versions.ts';
import { BULK_RESULTS_VIEW_ID, BulkResultsView } from './host/ui/bulkResultsView.ts';
import { ContextKeys } from './host/ui/contextKeys.ts';
import { StatusBarController } from './host/ui/statusBar.ts';
import { testApi } from './host/ui/testApi.ts';
import { offerWalkthroughOnce } from './host/ui/walkthrough.ts';
import type { FeishuBadgeApi } from './host/ui/testApi.ts';

export type { FeishuBadgeApi } from './host/ui/testApi.ts';

// Activation stays cheap: nothing here touches the network; the keychain is read only when
// something needs to know whether credentials exist.
export function activate(context: vscode.ExtensionContext): FeishuBadgeApi {
  const { globalState: store, secrets, extensionUri, subscriptions } = context;
  const log = lineSafeLog(vscode.window.createOutputChannel('Feishu Badge', { log: true }));
  const locale = (): ReturnType<typeof normalizeLocale> => normalizeLocale(vscode.env.language);
  const settings = new SettingsWatcher();
  const profiles = new ProfileStore(store, log);
  const credentials = new CredentialStore(secrets, profiles);
  const versions = new VersionStates(store, log);
  const clients = new ClientCache({ credentials, profiles, settings, locale, versions, log });
  const [history, recent, remembered] = [new HistoryStore(store, log), new RecentUsersStore(store, log), new RememberedBadgeStore(store, log)];
  const checkpoints = new BulkCheckpointStore(context.globalStorageUri.fsPath, log, { legacy: store });
  // Per-user state is written in batches; what is pending is written when the extension stops.
  flushState = () => Promise.all([versions.flush(), remembered.flush(), checkpoints.flushAll()]).then(() => undefined);
  const apiBase = (): ReturnType<typeof apiBaseOf> => apiBaseOf(profiles.active, settings.current);
  const service = new BadgeService({ clients, history, recent, remembered, flushState: () => versions.flush(), settings: () => settings.current, apiBase, locale, log });
  const actions = new BadgeActions(service, profiles, history, log);
  const recipients = new RecipientService({ clients, locale, log });
  // A pasted token may belong to another app than the last one: its open_ids would be wrong.
  subscriptions.push(credentials.onDidChange(() => recipients.clearCache()));
  const bulkResults = new BulkResultsView();
  const statusBar = new StatusBarController({ actions, profiles, credentials, settings, recent });
  const contextKeys = new ContextKeys({ actions, service, history, credentials, profiles });
  const form = new FormViewProvider(extensionUri, actions, { credentials, profiles, settings, recent, history, locale, removedProfileLabel: () => vscode.l10n.t('a removed profile') }, log, recipients);
  const extensionId = context.extension.id;
  const ctx: CommandContext = { actions, service, clients, recipients, credentials, profiles, settings, recent, history, checkpoints, bulkResults, log, locale, extensionId };
  subscriptions.push(log, settings, profiles, credentials, clients, actions, bulkResults, statusBar, contextKeys, form);
  subscriptions.push(...registerBadgeCommands(ctx), ...registerCredentialCommands(ctx), ...registerProfileCommands(ctx), ...registerBulkCommands(ctx), ...registerRecipientCommands(ctx), ...registerMiscCommands(ctx));
  subscriptions.push(vscode.window.registerTreeDataProvider(BULK_RESULTS_VIEW_ID, bulkResults));
  subscriptions.push(vscode.window.registerWebviewViewProvider(FORM_VIEW_ID, form, { webviewOptions: { retainContextWhenHidden: false } }));
  void statusBar.refresh();
  void contextKeys.refresh();
  // A first run (nothing configured, never offered) opens the walkthrough once, after the view shows.
  const firstShow = form.onDidShow(() => {
    firstShow.dispose();
    void offerWalkthroughOnce({ extensionId, store, profiles, credentials }).catch((error: unknown) => log.warn(`walkthrough: ${String(error)}`));
  });
  subscriptions.push(firstShow);
  return testApi(statusBar, history, bulkResults, contextKeys, context.extensionMode === vscode.ExtensionMode.Test ? store : undefined);
}

let flushState: (() => Promise<void>) | undefined;

export function deactivate(): Promise<void> | undefined {
  // Everything else is disposed through context.subscriptions.
  return flushState?.();
}
