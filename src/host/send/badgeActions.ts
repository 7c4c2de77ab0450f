import * as vscode from 'vscode';
import { findResend, hasCounts, sameTarget } from '../../core/badgeState.ts';
import type { RememberedBadge, Target } from '../../core/badgeState.ts';
import type { BulkOptions, BulkSummary } from '../../core/bulk.ts';
import { clearingInput } from '../../core/schema.ts';
import type { BadgeInput } from '../../core/schema.ts';
import type { Profile, ProfileStore } from '../profiles.ts';
import type { HistoryStore } from '../state/history.ts';
import type { BadgeService } from './badgeService.ts';
import type { ClientProblem } from './clients.ts';
import { notSentReport } from './report.ts';
import type { SendAction, SendReport } from './report.ts';

export type BulkOutcome = BulkSummary | { error: ClientProblem | 'cancelled'; msg: string };

/** How a surface asks for a send. */
export interface SendOptions {
  signal?: AbortSignal;
  /** Show a cancellable progress notification (palette sends); the form shows its own. */
  progress?: boolean;
  /** The caller already confirmed sending to a production profile. */
  confirmed?: boolean;
}

/** A send that starts: the status bar spins for a quick clear, the form shows busy. */
export interface SendStart {
  action: SendAction;
  target?: Target;
}

/**
 * Asks before sending to a production profile, naming the action, the user and the host. A
 * caller that asked already (a bulk run asks once) passes `confirmed`.
 */
export async function confirmProduction(profile: Profile, what: string, confirmed: boolean | undefined): Promise<boolean> {
  if (!profile.production || confirmed === true) return true;
  const send = vscode.l10n.t('Send to production');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('"{0}" is a production profile. {1}', profile.name, what), { modal: true }, send);
  return answer === send;
}

/**
 * Every badge action, for every surface (form, palette, status bar, other extensions): one typed
 * call each, the production confirmation, and the events the status bar and the form follow.
 */
export class BadgeActions implements vscode.Disposable {
  readonly #service: BadgeService;
  readonly #profiles: ProfileStore;
  readonly #history: HistoryStore;
  readonly #log: vscode.LogOutputChannel;
  readonly #started = new vscode.EventEmitter<SendStart>();
  readonly #sent = new vscode.EventEmitter<SendReport>();
  readonly #changed = new vscode.EventEmitter<void>();
  /** The counts the last successful clear removed, whatever surface cleared. */
  #lastClear: { target: Target; before: RememberedBadge } | undefined;

  readonly onDidStartSend = this.#started.event;
  readonly onDidSend = this.#sent.event;
  /** Remembered state or history changed (after any send, single or bulk). */
  readonly onDidChangeState = this.#changed.event;

  constructor(service: BadgeService, profiles: ProfileStore, history: HistoryStore, log: vscode.LogOutputChannel) {
    this.#service = service;
    this.#profiles = profiles;
    this.#history = history;
    this.#log = log;
  }

  /** What the extension last set for this user with the active profile (for the form and the status bar). */
  remembered(target: Target): Promise<RememberedBadge | undefined> {
    return this.#service.remembered(target);
  }

  /** The version an automatic send to this user would use now. */
  peekVersion(target: Target): Promise<string | undefined> {
    return this.#service.peekVersion(target);
  }

  /** A request as it would be sent now, as curl or .http (token redacted). */
  exportInput(input: unknown, format: 'curl' | 'http'): Promise<{ ok: true; text: string } | { ok: false }> {
    return this.#service.exportInput(input, format);
  }

  /** Whether an undo would restore something. */
  get canUndo(): boolean {
    return this.#lastClear !== undefined;
  }

  send(input: unknown, options: SendOptions = {}): Promise<SendReport> {
    return this.#run('send', input, vscode.l10n.t('Send this badge?'), options);
  }

  /** Sets every count of `target` to zero; the counts it removed can be put back with `undoClear`. */
  async clear(target: Target, options: SendOptions = {}): Promise<SendReport> {
    const before = await this.#service.remembered(target);
    const report = await this.#run('clear', clearingInput(target.userId, target.userIdType), vscode.l10n.t('Clear the badge of {0}?', target.userId), options);
    if (report.result.ok) {
      // Undo belongs to the last clear that removed something, from any surface; clearing the
      // same user again (now empty) leaves nothing to put back for them.
      if (hasCounts(before) && before !== undefined) this.#lastClear = { target, before };
      else if (this.#lastClear !== undefined && sameTarget(this.#lastClear.target, target)) this.#lastClear = undefined;
    }
    return report;
  }

  /**
   * Puts back the counts the last clear removed, with a new version; undefined when there is
   * nothing to undo. `of`: only if that clear was of this user (a notification's Undo button must
   * not restore another user cleared since).
   */
  async undoClear(options: SendOptions = {}, of?: Target): Promise<SendReport | undefined> {
    const undo = this.#lastClear;
    if (undo === undefined || (of !== undefined && !sameTarget(of, undo.target))) return undefined;
    this.#lastClear = undefined;
    const input: BadgeInput = { user_id: undo.target.userId, user_id_type: undo.target.userIdType };
    if (undo.before.pc !== undefined) input.pc = undo.before.pc;
    if (undo.before.mobile !== undefined) input.mobile = undo.before.mobile;
    return this.#run('undo', input, vscode.l10n.t('Restore the badge of {0}?', undo.target.userId), options);
  }

  /** Sends a history entry again (same body, a new version); `at` pins the entry as listed. */
  async resend(index: number, at: number | undefined, options: SendOptions = {}): Promise<SendReport> {
    const found = findResend(this.#history.entries, index, at);
    if (!found.ok) {
      const msg =
        found.reason === 'gone'
          ? vscode.l10n.t('That request is no longer in the history.')
          : vscode.l10n.t('Pass { index } of an entry in the history (0 = the latest; {0} entries).', this.#history.entries.length);
      return notSentReport('resend', undefined, 'validation', msg);
    }
    const { version: _version, ...body } = found.entry.body;
    return this.#run('resend', { ...body, user_id_type: found.entry.userIdType }, vscode.l10n.t('Send this badge?'), options);
  }

  /**
   * A bulk run of `count` valid items; a production profile asks once for the run (unless the
   * caller asked already). `runner` wraps the run (the command shows a progress notification).
   */
  async bulk(
    items: readonly unknown[],
    count: number,
    options: Omit<BulkOptions, 'locale'> & { confirmed?: boolean },
    runner: (run: (signal?: AbortSignal, onProgress?: BulkOptions['onProgress']) => Promise<BulkOutcome>) => Thenable<BulkOutcome> = (run) => run(options.signal),
  ): Promise<BulkOutcome> {
    if (!(await confirmProduction(this.#profiles.active, vscode.l10n.t('Send {0} badges?', count), options.confirmed))) {
      this.#log.info(`bulk not sent: production profile ${this.#profiles.active.name} not confirmed`);
      return { error: 'cancelled', msg: vscode.l10n.t('Not sent: sending to the production profile was not confirmed.') };
    }
    const summary = await runner((signal, onProgress) =>
      this.#service.bulk(items, { ...options, ...(signal === undefined ? {} : { signal }), ...(onProgress === undefined ? {} : { onProgress }) }),
    );
    this.#changed.fire();
    return summary;
  }

  async #run(action: SendAction, input: unknown, question: string, options: SendOptions): Promise<SendReport> {
    const target = targetOf(input);
    this.#started.fire({ action, ...(target === undefined ? {} : { target }) });
    let report: SendReport;
    if (!(await confirmProduction(this.#profiles.active, question, options.confirmed))) {
      this.#log.info(`not sent: production profile ${this.#profiles.active.name} not confirmed`);
      report = notSentReport(action, target, 'cancelled', vscode.l10n.t('Not sent: sending to the production profile was not confirmed.'));
    } else if (options.progress === true && options.signal === undefined) {
      report = await withProgress(progressTitle(action, target), (signal) => this.#service.send(action, input, signal));
    } else {
      report = await this.#service.send(action, input, options.signal);
    }
    this.#sent.fire(report);
    this.#changed.fire();
    return report;
  }

  dispose(): void {
    this.#started.dispose();
    this.#sent.dispose();
    this.#changed.dispose();
  }
}

function targetOf(input: unknown): Target | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const { user_id: userId, user_id_type: userIdType } = input as { user_id?: unknown; user_id_type?: unknown };
  if (typeof userId !== 'string' || userId.trim() === '') return undefined;
  return { userId: userId.trim(), userIdType: userIdType === 'union_id' || userIdType === 'user_id' ? userIdType : 'open_id' };
}

const PROGRESS_TITLES: Readonly<Record<SendAction, (user: string) => string>> = {
  send: (user) => vscode.l10n.t('Setting the badge of {0}…', user),
  resend: (user) => vscode.l10n.t('Setting the badge of {0}…', user),
  clear: (user) => vscode.l10n.t('Clearing the badge of {0}…', user),
  undo: (user) => vscode.l10n.t('Restoring the badge of {0}…', user),
};

function progressTitle(action: SendAction, target: Target | undefined): string {
  return PROGRESS_TITLES[action](target?.userId ?? '');
}

/** Runs a send with a cancellable progress notification. */
function withProgress(title: string, run: (signal: AbortSignal) => Promise<SendReport>): Thenable<SendReport> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    return run(controller.signal).finally(() => subscription.dispose());
  });
}
