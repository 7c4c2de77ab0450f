import type * as vscode from 'vscode';
import type { Locale } from '../../core/types.ts';
import type { CredentialStore } from '../credentials.ts';
import type { ProfileStore } from '../profiles.ts';
import type { BadgeActions } from '../send/badgeActions.ts';
import type { BadgeService } from '../send/badgeService.ts';
import type { ClientCache } from '../send/clients.ts';
import type { RecipientService } from '../send/recipients.ts';
import type { SettingsWatcher } from '../settings.ts';
import type { BulkCheckpointStore } from '../state/bulkCheckpoints.ts';
import type { HistoryStore } from '../state/history.ts';
import type { RecentUsersStore } from '../state/recentUsers.ts';
import type { BulkResultsView } from '../ui/bulkResultsView.ts';

/** What the command files are given: the host's few services, built once in activate(). */
export interface CommandContext {
  actions: BadgeActions;
  service: BadgeService;
  clients: ClientCache;
  recipients: RecipientService;
  credentials: CredentialStore;
  profiles: ProfileStore;
  settings: SettingsWatcher;
  recent: RecentUsersStore;
  history: HistoryStore;
  checkpoints: BulkCheckpointStore;
  bulkResults: BulkResultsView;
  log: vscode.LogOutputChannel;
  locale: () => Locale;
  /** `publisher.name`, for the walkthrough's id. */
  extensionId: string;
}

/**
 * The second argument in-process callers may pass to setBadge, clearBadge, resendFromHistory and
 * bulkSetBadges (the README's command contract): cancel, no notification, already confirmed.
 */
export interface CallerOptions {
  signal?: AbortSignal;
  silent?: boolean;
  confirmProduction?: boolean;
}
