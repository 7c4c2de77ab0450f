import * as vscode from 'vscode';
import { COMMANDS } from './commands.ts';
import type { RememberedBadge, Target } from './service.ts';

/** Everything the status item can show; `update(state)` is the only way it changes. */
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

export class StatusBarController implements vscode.Disposable {
  readonly #item: vscode.StatusBarItem;
  #state: StatusState = { kind: 'hidden' };
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.#item = vscode.window.createStatusBarItem('feishuBadge.quickClear', vscode.StatusBarAlignment.Right, 100);
    this.#item.name = vscode.l10n.t('Feishu Badge: Quick Clear');
    this.#item.command = COMMANDS.clearBadge;
  }

  get state(): StatusState {
    return this.#state;
  }

  /** For tests and automation: what the item shows now. */
  get view(): { visible: boolean; text: string; tooltip: string } {
    return {
      visible: this.#state.kind !== 'hidden',
      text: this.#item.text,
      tooltip: typeof this.#item.tooltip === 'string' ? this.#item.tooltip : (this.#item.tooltip?.value ?? ''),
    };
  }

  update(state: StatusState): void {
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
        this.#timer = setTimeout(() => this.update({ ...state, kind: 'idle' }), OUTCOME_DISPLAY_MS);
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
    const counts = (c: { web_app?: number; gadget?: number } | undefined): string => (c === undefined ? '–' : `${c.web_app ?? '–'}/${c.gadget ?? '–'}`);
    const rememberedLine =
      remembered === undefined
        ? vscode.l10n.t('Badge last set by this extension: unknown.')
        : vscode.l10n.t('Badge last set: PC {0}, mobile {1} (web app/mini program), version {2}, {3}', counts(remembered.pc), counts(remembered.mobile), remembered.version, new Date(remembered.at).toLocaleString());
    this.#item.tooltip = [vscode.l10n.t('Click to clear the badge of {0}', user), vscode.l10n.t('Domain: {0}', state.domain), rememberedLine, lastLine].join('\n');
    this.#item.accessibilityInformation = { label: vscode.l10n.t('Clear the Feishu badge of {0}', user) };
    this.#item.show();
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#item.dispose();
  }
}
