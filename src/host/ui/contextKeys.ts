import * as vscode from 'vscode';
import type { CredentialStore } from '../credentials.ts';
import type { ProfileStore } from '../profiles.ts';
import type { BadgeActions } from '../send/badgeActions.ts';
import type { BadgeService } from '../send/badgeService.ts';
import type { HistoryStore } from '../state/history.ts';

/**
 * The context keys the host sets, for `when` clauses (palette commands with nothing to act on are
 * hidden) and for the walkthrough's completion events (`onContext:…`).
 */
export const CONTEXT_KEYS = {
  /** An undo would restore something (BadgeActions.canUndo). */
  canUndo: 'feishuBadge.canUndo',
  /** The request history has entries. */
  hasHistory: 'feishuBadge.hasHistory',
  /** "Copy Last Request as curl" has something to copy. */
  hasLastRequest: 'feishuBadge.hasLastRequest',
  /** There is a profile besides Default (Remove Profile has something to remove). */
  hasProfiles: 'feishuBadge.hasProfiles',
  /** The active profile has credentials. */
  hasCredentials: 'feishuBadge.hasCredentials',
  /** A connection check succeeded in this window (walkthrough). */
  connected: 'feishuBadge.connected',
  /** A badge was sent successfully in this window, from any surface (walkthrough). */
  sentBadge: 'feishuBadge.sentBadge',
  /** An undo of a clear succeeded in this window (walkthrough). */
  clearedAndUndone: 'feishuBadge.clearedAndUndone',
} as const;

export type ContextKeyName = keyof typeof CONTEXT_KEYS;

export interface ContextKeySources {
  actions: BadgeActions;
  service: BadgeService;
  history: HistoryStore;
  credentials: CredentialStore;
  profiles: ProfileStore;
}

/** Follows the events BadgeActions, the credentials and the profiles fire, and keeps the keys in step. */
export class ContextKeys implements vscode.Disposable {
  readonly #sources: ContextKeySources;
  readonly #values = new Map<ContextKeyName, boolean>();
  readonly #subscriptions: vscode.Disposable[];
  #credentialReads = 0;

  constructor(sources: ContextKeySources) {
    this.#sources = sources;
    const { actions, credentials, profiles } = sources;
    const credentialsChanged = (): void => void this.#refreshCredentials();
    this.#subscriptions = [
      actions.onDidSend((report) => {
        this.#set('canUndo', actions.canUndo);
        if (!report.result.ok) return;
        // The walkthrough's steps tick on their own event: a clear or an undo is not a first badge.
        if (report.action === 'send' || report.action === 'resend') this.#set('sentBadge', true);
        if (report.action === 'undo') this.#set('clearedAndUndone', true);
      }),
      actions.onDidRunBulk((outcome) => {
        if (!('error' in outcome) && outcome.ok > 0) this.#set('sentBadge', true);
      }),
      actions.onDidChangeState(() => this.#refreshState()),
      actions.onDidTestConnection((result) => {
        if (result.ok) this.#set('connected', true);
        credentialsChanged();
      }),
      credentials.onDidChange(credentialsChanged),
      profiles.onDidChange(() => {
        credentialsChanged();
        // Undo belongs to the profile that cleared; Remove Profile needs a profile to remove.
        this.#refreshState();
      }),
    ];
  }

  /** Sets every key once (activation): the session's events start false. */
  async refresh(): Promise<void> {
    for (const name of ['connected', 'sentBadge', 'clearedAndUndone'] as const) {
      if (!this.#values.has(name)) this.#set(name, false);
    }
    this.#refreshState();
    await this.#refreshCredentials();
  }

  /** The values the host set, by key (for tests and automation). */
  get values(): Record<string, boolean> {
    return Object.fromEntries([...this.#values].map(([name, value]) => [CONTEXT_KEYS[name], value]));
  }

  #refreshState(): void {
    const { actions, history, service } = this.#sources;
    this.#set('canUndo', actions.canUndo);
    this.#set('hasHistory', history.entries.length > 0);
    this.#set('hasLastRequest', service.hasLastRequest);
    this.#set('hasProfiles', this.#sources.profiles.list.length > 1);
  }

  async #refreshCredentials(): Promise<void> {
    // Only the latest read counts: an earlier one may answer after a switch.
    const read = ++this.#credentialReads;
    const has = (await this.#sources.credentials.get()) !== undefined;
    if (read === this.#credentialReads) this.#set('hasCredentials', has);
  }

  #set(name: ContextKeyName, value: boolean): void {
    if (this.#values.get(name) === value) return;
    this.#values.set(name, value);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS[name], value);
  }

  dispose(): void {
    for (const subscription of this.#subscriptions) subscription.dispose();
  }
}
