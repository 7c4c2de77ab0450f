import * as vscode from 'vscode';
import { formatCounts, sameTarget } from '../../core/badgeState.ts';
import type { RememberedBadge, Target } from '../../core/badgeState.ts';
import { COMMANDS } from '../commandIds.ts';
import type { CredentialStore } from '../credentials.ts';
import { DEFAULT_PROFILE_ID } from '../profiles.ts';
import type { ProfileStore } from '../profiles.ts';
import type { BadgeActions } from '../send/badgeActions.ts';
import type { SendReport } from '../send/report.ts';
import { domainLabelOf } from '../settings.ts';
import type { SettingsWatcher } from '../settings.ts';
import type { RecentUsersStore } from '../state/recentUsers.ts';

/** Everything the quick-clear item can show; `#show(state)` is the only way it changes. */
export type StatusState =
  | { kind: 'hidden' }
  | { kind: 'idle'; target: Target; domain: string; last?: LastOutcome; remembered?: RememberedBadge }
  | { kind: 'busy'; target: Target; domain: string; last?: LastOutcome; remembered?: RememberedBadge }
  | { kind: 'done'; target: Target; domain: string; last: LastOutcome; remembered?: RememberedBadge };

export interface LastOutcome {
  ok: boolean;
  code?: number;
  userId: string;
  at: number;
}

/** How long a ✓ / ✗ stays before the item returns to its idle label. */
export const OUTCOME_DISPLAY_MS = 4_000;

/** The user a quick clear targets: the default user, else the last one a badge was sent to. */
export function quickClearTarget(settings: SettingsWatcher, recent: RecentUsersStore): Target | undefined {
  const { defaultUserId, userIdType } = settings.current;
  return defaultUserId !== '' ? { userId: defaultUserId, userIdType } : recent.last;
}

export interface StatusBarDeps {
  actions: BadgeActions;
  profiles: ProfileStore;
  credentials: CredentialStore;
  settings: SettingsWatcher;
  recent: RecentUsersStore;
}

/**
 * Owns both status-bar items (the quick clear, and the profile switcher once there are two
 * profiles) and every transition: it follows the send, profile, credential and settings events.
 * A clear of the item's own user spins, then shows ✓ or ✗ with the code for a few seconds.
 */
export class StatusBarController implements vscode.Disposable {
  readonly #deps: StatusBarDeps;
  readonly #item: vscode.StatusBarItem;
  readonly #profileItem: vscode.StatusBarItem;
  readonly #subscriptions: vscode.Disposable[];
  #state: StatusState = { kind: 'hidden' };
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: StatusBarDeps) {
    this.#deps = deps;
    this.#item = vscode.window.createStatusBarItem('feishuBadge.quickClear', vscode.StatusBarAlignment.Right, 100);
    this.#item.name = vscode.l10n.t('Feishu Badge: Quick Clear');
    this.#item.command = COMMANDS.clearBadge;
    this.#profileItem = vscode.window.createStatusBarItem('feishuBadge.profile', vscode.StatusBarAlignment.Right, 101);
    this.#profileItem.name = vscode.l10n.t('Feishu Badge: Profile');
    this.#profileItem.command = COMMANDS.switchProfile;
    const refresh = (): void => void this.refresh();
    this.#subscriptions = [
      deps.actions.onDidStartSend((start) => {
        const state = this.#state;
        if (start.action === 'clear' && state.kind !== 'hidden' && start.target !== undefined && sameTarget(start.target, state.target)) {
          this.#show({ ...state, kind: 'busy' });
        }
      }),
      deps.actions.onDidSend((report) => this.#finished(report)),
      deps.actions.onDidChangeState(refresh),
      deps.profiles.onDidChange(refresh),
      deps.credentials.onDidChange(refresh),
      deps.settings.onDidChange(refresh),
    ];
  }

  get state(): StatusState {
    return this.#state;
  }

  /** For tests and automation: what the quick-clear item shows now. */
  get view(): { visible: boolean; text: string; tooltip: string } {
    return {
      visible: this.#state.kind !== 'hidden',
      text: this.#item.text,
      tooltip: typeof this.#item.tooltip === 'string' ? this.#item.tooltip : (this.#item.tooltip?.value ?? ''),
    };
  }

  /** Re-reads what the items show: target, domain, remembered counts, profile. */
  async refresh(): Promise<void> {
    const { profiles, credentials, settings, recent, actions } = this.#deps;
    this.#showProfile();
    const target = quickClearTarget(settings, recent);
    const hasCredentials = (credentials.known ?? (await credentials.get()) !== undefined) === true;
    if (!settings.current.statusBarEnabled || !hasCredentials || target === undefined) {
      this.#show({ kind: 'hidden' });
      return;
    }
    const label = domainLabelOf(profiles.active, settings.current);
    const domain = profiles.active.id === DEFAULT_PROFILE_ID ? label : `${profiles.active.name} · ${label}`;
    const remembered = await actions.remembered(target);
    const latest = this.#state; // the awaits above may have let a click change it
    const withRemembered = remembered === undefined ? {} : { remembered };
    if ((latest.kind === 'busy' || latest.kind === 'done') && sameTarget(latest.target, target) && latest.domain === domain) {
      if (latest.kind === 'done') this.#show({ ...latest, ...withRemembered });
      return;
    }
    const last = latest.kind === 'hidden' ? undefined : latest.last;
    this.#show({ kind: 'idle', target, domain, ...(last === undefined ? {} : { last }), ...withRemembered });
  }

  #finished(report: SendReport): void {
    const state = this.#state;
    if (state.kind === 'hidden' || report.target === undefined) return;
    const { result } = report;
    const notSent = result.error === 'cancelled' && result.attempts === 0;
    const last: LastOutcome = { ok: result.ok, userId: report.target.userId, at: Date.now(), ...(result.code === undefined ? {} : { code: result.code }) };
    if (state.kind === 'busy' && report.action === 'clear' && sameTarget(report.target, state.target)) {
      // Nothing was sent (a declined confirmation): back to idle, not ✗.
      if (notSent) this.#show({ ...state, kind: 'idle' });
      else this.#show({ ...state, kind: 'done', last });
      return;
    }
    // Another send: a clear's ✓/✗ still showing gives way to idle, a running spinner keeps
    // spinning, and a send that never left is not a "last result".
    const kind = state.kind === 'done' ? 'idle' : state.kind;
    this.#show(notSent ? { ...state, kind } : { ...state, kind, last });
  }

  #showProfile(): void {
    const { profiles } = this.#deps;
    const active = profiles.active;
    const item = this.#profileItem;
    if (profiles.list.length < 2) {
      item.hide();
      return;
    }
    item.text = `${active.production ? '$(warning)' : '$(organization)'} ${active.name}`;
    item.tooltip = active.production
      ? vscode.l10n.t('Production profile "{0}": sends ask first. Click to switch.', active.name)
      : vscode.l10n.t('Feishu Badge profile "{0}". Click to switch.', active.name);
    item.backgroundColor = active.production ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  }

  #show(state: StatusState): void {
    this.#state = state;
    clearTimeout(this.#timer);
    if (state.kind === 'hidden') {
      this.#item.hide();
      return;
    }
    const user = state.target.userId;
    switch (state.kind) {
      case 'idle':
        this.#item.text = `$(bell-slash) ${vscode.l10n.t('Clear badge')}`;
        break;
      case 'busy':
        this.#item.text = `$(sync~spin) ${vscode.l10n.t('Clearing…')}`;
        break;
      case 'done':
        this.#item.text = state.last.ok ? `$(check) ${vscode.l10n.t('Cleared')}` : `$(error) ${state.last.code ?? vscode.l10n.t('Failed')}`;
        this.#timer = setTimeout(() => this.#show({ ...state, kind: 'idle' }), OUTCOME_DISPLAY_MS);
        break;
    }
    const last = state.last;
    const lastLine =
      last === undefined
        ? vscode.l10n.t('No badge sent yet in this window.')
        : last.ok
          ? vscode.l10n.t('Last result: ✓ {0} at {1}', last.userId, new Date(last.at).toLocaleTimeString())
          : vscode.l10n.t('Last result: ✗ {0} ({1}) at {2}', last.userId, String(last.code ?? '-'), new Date(last.at).toLocaleTimeString());
    const remembered = state.remembered;
    const rememberedLine =
      remembered === undefined
        ? vscode.l10n.t('Badge last set by this extension: unknown.')
        : vscode.l10n.t('Badge last set: PC {0}, mobile {1} (web app/mini program), version {2}, {3}', formatCounts(remembered.pc), formatCounts(remembered.mobile), remembered.version, new Date(remembered.at).toLocaleString());
    this.#item.tooltip = [vscode.l10n.t('Click to clear the badge of {0}', user), vscode.l10n.t('Domain: {0}', state.domain), rememberedLine, lastLine].join('\n');
    this.#item.accessibilityInformation = { label: vscode.l10n.t('Clear the Feishu badge of {0}', user) };
    this.#item.show();
  }

  dispose(): void {
    clearTimeout(this.#timer);
    for (const subscription of this.#subscriptions) subscription.dispose();
    this.#item.dispose();
    this.#profileItem.dispose();
  }
}
