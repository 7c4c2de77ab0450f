import * as vscode from 'vscode';
import { findResend, formatCounts, hasCounts, sameTarget } from '../../core/badgeState.ts';
import type { HistoryEntry, RememberedBadge, Target } from '../../core/badgeState.ts';
import type { Guidance } from '../../core/guidance/guidance.ts';
import type { BulkOptions, BulkSummary } from '../../core/bulk.ts';
import { clearingInput } from '../../core/schema.ts';
import type { BadgeInput } from '../../core/schema.ts';
import type { Profile, ProfileStore } from '../profiles.ts';
import type { HistoryStore } from '../state/history.ts';
import type { BadgeService, ConnectionResult } from './badgeService.ts';
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

/** Which profile a re-send uses when the entry was sent with another one than the active profile. */
export type ResendProfile = 'entry' | 'active';

export interface ResendOptions extends SendOptions {
  /** Decided by the caller: no question. Without it, a modal asks when the profiles differ. */
  profile?: ResendProfile;
}

/** A send that starts: the status bar spins for a quick clear, the form shows busy. */
export interface SendStart {
  action: SendAction;
  target?: Target;
}

/**
 * Asks before sending to a production profile; `what` names the action, the user, the counts and
 * the host. A caller that asked already (a bulk run asks once) passes `confirmed`. `what` is
 * undefined when nothing can be sent (invalid input, a refused API base): then there is nothing to
 * ask about, and the send path answers why.
 */
export async function confirmProduction(profile: Profile, what: () => string | undefined, confirmed: boolean | undefined): Promise<boolean> {
  if (!profile.production || confirmed === true) return true;
  const question = what();
  if (question === undefined) return true;
  const send = vscode.l10n.t('Send to production');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('"{0}" is a production profile. {1}', profile.name, question), { modal: true }, send);
  return answer === send;
}

/** The question of the production confirmation for one badge: the action, the user, the counts as they would be sent and the host. */
const QUESTIONS: Readonly<Record<SendAction, (user: string, pc: string, mobile: string, host: string) => string>> = {
  send: (user, pc, mobile, host) => vscode.l10n.t('Set the badge of {0} (PC {1}, mobile {2}) on {3}?', user, pc, mobile, host),
  resend: (user, pc, mobile, host) => vscode.l10n.t('Re-send the badge of {0} (PC {1}, mobile {2}) on {3}?', user, pc, mobile, host),
  clear: (user, pc, mobile, host) => vscode.l10n.t('Clear the badge of {0} (PC {1}, mobile {2}) on {3}?', user, pc, mobile, host),
  undo: (user, pc, mobile, host) => vscode.l10n.t('Restore the badge of {0} (PC {1}, mobile {2}) on {3}?', user, pc, mobile, host),
};

const notConfirmed = (): string => vscode.l10n.t('Not sent: sending to the production profile was not confirmed.');

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
  readonly #bulkDone = new vscode.EventEmitter<BulkOutcome>();
  readonly #connected = new vscode.EventEmitter<ConnectionResult>();
  /** The counts the last successful clear removed, whatever surface cleared, and the profile it cleared with. */
  #lastClear: { target: Target; before: RememberedBadge; profileId: string } | undefined;

  readonly onDidStartSend = this.#started.event;
  readonly onDidSend = this.#sent.event;
  /** Remembered state or history changed (after any send, single or bulk). */
  readonly onDidChangeState = this.#changed.event;
  /** A bulk run finished (or was refused). */
  readonly onDidRunBulk = this.#bulkDone.event;
  /** A connection check finished (Test Connection, or the check after new credentials). */
  readonly onDidTestConnection = this.#connected.event;

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

  /** The profile whose clear could be undone after switching to it (undefined: none, or the active one). */
  get undoProfileName(): string | undefined {
    const undo = this.#lastClear;
    if (undo === undefined || undo.profileId === this.#profiles.active.id) return undefined;
    return this.#profiles.list.find((profile) => profile.id === undo.profileId)?.name;
  }

  /** Whether an undo would restore something: a clear made with the active profile (another app's counts are not this one's). */
  get canUndo(): boolean {
    return this.#lastClear !== undefined && this.#lastClear.profileId === this.#profiles.active.id;
  }

  send(input: unknown, options: SendOptions = {}): Promise<SendReport> {
    return this.#run('send', input, options);
  }

  /** Sets every count of `target` to zero; the counts it removed can be put back with `undoClear`. */
  async clear(target: Target, options: SendOptions = {}): Promise<SendReport> {
    const before = await this.#service.remembered(target);
    const profileId = this.#profiles.active.id;
    // Decided before the events fire, so everything that follows them sees the new `canUndo`.
    return this.#run('clear', clearingInput(target.userId, target.userIdType), options, (report) => {
      if (!report.result.ok) return;
      // Undo belongs to the last clear that removed something, from any surface; clearing the
      // same user again (now empty) leaves nothing to put back for them.
      if (hasCounts(before) && before !== undefined) this.#lastClear = { target, before, profileId };
      else if (this.#lastClear !== undefined && sameTarget(this.#lastClear.target, target)) this.#lastClear = undefined;
    });
  }

  /**
   * Puts back the counts the last clear removed, with a new version; undefined when there is
   * nothing to undo. `of`: only if that clear was of this user (a notification's Undo button must
   * not restore another user cleared since).
   */
  async undoClear(options: SendOptions = {}, of?: Target): Promise<SendReport | undefined> {
    const undo = this.#lastClear;
    if (undo === undefined || !this.canUndo || (of !== undefined && !sameTarget(of, undo.target))) return undefined;
    const input: BadgeInput = { user_id: undo.target.userId, user_id_type: undo.target.userIdType };
    if (undo.before.pc !== undefined) input.pc = undo.before.pc;
    if (undo.before.mobile !== undefined) input.mobile = undo.before.mobile;
    // Used up only by an undo that worked: a declined confirmation, a timeout or no credentials
    // leave it to try again (unless another clear replaced it meanwhile).
    return this.#run('undo', input, options, (report) => {
      if (report.result.ok && this.#lastClear === undo) this.#lastClear = undefined;
    });
  }

  /**
   * Sends a history entry again (same body, a new version); `at` pins the entry as listed. When
   * the entry was sent with another profile than the active one (and that profile still exists),
   * `options.profile` decides, or a modal asks: switch to the entry's profile and send, or send
   * with the active one; no answer sends nothing.
   */
  async resend(index: number, at: number | undefined, options: ResendOptions = {}): Promise<SendReport> {
    const found = findResend(this.#history.entries, index, at);
    if (!found.ok) {
      const msg =
        found.reason === 'gone'
          ? vscode.l10n.t('That request is no longer in the history.')
          : vscode.l10n.t('Pass { index } of an entry in the history (0 = the latest; {0} entries).', this.#history.entries.length);
      return notSentReport('resend', undefined, 'validation', msg);
    }
    const { version: _version, ...body } = found.entry.body;
    const input = { ...body, user_id_type: found.entry.userIdType };
    if (!(await this.#resendProfile(found.entry, options.profile))) {
      this.#log.info('re-send not sent: no profile chosen');
      return notSentReport('resend', targetOf(input), 'cancelled', vscode.l10n.t('Not sent: the profile to re-send with was not chosen.'));
    }
    return this.#run('resend', input, options);
  }

  /** Makes the profile a re-send uses active (asking when the caller did not say); false: cancelled. */
  async #resendProfile(entry: HistoryEntry, wanted: ResendProfile | undefined): Promise<boolean> {
    const active = this.#profiles.active;
    // Entries from before profiles were recorded say nothing: the active profile it is.
    if (entry.profileId === undefined || entry.profileId === active.id) return true;
    const original = this.#profiles.list.find((p) => p.id === entry.profileId);
    if (original === undefined) {
      // Sent with a profile since removed: it cannot go there; the active one only if the person says so.
      if (wanted !== undefined) return wanted === 'active';
      const useActive = vscode.l10n.t('Send with "{0}"', active.name);
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('This request was sent with a profile that no longer exists; the active profile is "{0}".', active.name),
        { modal: true },
        useActive,
      );
      return answer === useActive;
    }
    let choice = wanted;
    if (choice === undefined) {
      const switchTo = vscode.l10n.t('Switch to "{0}" and send', original.name);
      const useActive = vscode.l10n.t('Send with "{0}"', active.name);
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('This request was sent with profile "{0}"; the active profile is "{1}".', original.name, active.name),
        { modal: true },
        switchTo,
        useActive,
      );
      choice = answer === switchTo ? 'entry' : answer === useActive ? 'active' : undefined;
    }
    if (choice === undefined) return false;
    if (choice === 'entry') {
      await this.#profiles.activate(original.id);
      this.#log.info(`re-send: switched to the entry's profile ${original.name} (${original.id})`);
    }
    return true;
  }

  /** Checks the active profile's credentials (a token fetch, or the gateway for a pasted token). */
  async testConnection(signal?: AbortSignal): Promise<ConnectionResult & { guidance?: Guidance }> {
    const result = await this.#service.testConnection(signal);
    this.#connected.fire(result);
    return result;
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
    const question = (): string | undefined => {
      const host = this.#service.apiHost();
      return host === undefined ? undefined : vscode.l10n.t('Set the badges of {0} users on {1}?', count, host);
    };
    if (!(await confirmProduction(this.#profiles.active, question, options.confirmed))) {
      this.#log.info(`bulk not sent: production profile ${this.#profiles.active.name} not confirmed`);
      const refused: BulkOutcome = { error: 'cancelled', msg: notConfirmed() };
      this.#bulkDone.fire(refused);
      return refused;
    }
    const summary = await runner((signal, onProgress) =>
      this.#service.bulk(items, { ...options, ...(signal === undefined ? {} : { signal }), ...(onProgress === undefined ? {} : { onProgress }) }),
    );
    this.#bulkDone.fire(summary);
    this.#changed.fire();
    return summary;
  }

  /** The production question for one badge, from the input as it would be sent; undefined when it would not be sent. */
  #question(action: SendAction, input: unknown): string | undefined {
    const validation = this.#service.validate(input);
    const host = this.#service.apiHost();
    if (!validation.ok || host === undefined) return undefined;
    const { body } = validation.value;
    return QUESTIONS[action](body.user_id, formatCounts(body.pc), formatCounts(body.mobile), host);
  }

  /** `settle` updates what depends on the report (undo) before anyone hears about it. */
  async #run(action: SendAction, input: unknown, options: SendOptions, settle?: (report: SendReport) => void): Promise<SendReport> {
    const target = targetOf(input);
    this.#started.fire({ action, ...(target === undefined ? {} : { target }) });
    let report: SendReport;
    if (!(await confirmProduction(this.#profiles.active, () => this.#question(action, input), options.confirmed))) {
      this.#log.info(`not sent: production profile ${this.#profiles.active.name} not confirmed`);
      report = notSentReport(action, target, 'cancelled', notConfirmed());
    } else if (options.progress === true && options.signal === undefined) {
      report = await withProgress(progressTitle(action, target), (signal) => this.#service.send(action, input, signal));
    } else {
      report = await this.#service.send(action, input, options.signal);
    }
    settle?.(report);
    this.#sent.fire(report);
    this.#changed.fire();
    return report;
  }

  dispose(): void {
    this.#started.dispose();
    this.#sent.dispose();
    this.#changed.dispose();
    this.#bulkDone.dispose();
    this.#connected.dispose();
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
