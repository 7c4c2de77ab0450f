import * as vscode from 'vscode';
import { checkpointKey, planBulk } from '../../core/bulk.ts';
import type { BulkItemResult, BulkOptions, BulkStop } from '../../core/bulk.ts';
import { bulkRunId } from '../../core/badgeState.ts';
import { contactOf, itemsForUsers, parseBulkCsv, parseBulkJson } from '../../core/bulkInput.ts';
import { BULK_RESULTS_VIEW_ID } from '../ui/bulkResultsView.ts';
import type { RowProblem } from '../../core/bulkInput.ts';
import { formatMessage } from '../../core/messages.ts';
import type { Locale } from '../../core/types.ts';
import { parseCounts } from '../../core/quickInput.ts';
import { registerAll } from '../commandIds.ts';
import type { ClientProblem } from '../send/clients.ts';
import { apiBaseOf } from '../settings.ts';
import { bulkArgs, parseArgs, parseCallerOptions } from './args.ts';
import type { CommandContext } from './context.ts';
import { countsInputText } from './countsInput.ts';
import { prepareRecipients } from './bulkRecipients.ts';
import type { PreflightCounts } from './bulkRecipients.ts';

/** What `feishuBadge.bulkSetBadges` returns. */
export interface BulkCommandResult {
  total: number;
  /** Set successfully in this run. */
  ok: number;
  failed: number;
  /** Already done in an earlier, interrupted run of the same items: not sent again. */
  skipped: number;
  cancelled?: boolean;
  /** The run stopped by itself after failures in a row that affect every user; run the same list again to resume. */
  stopped?: BulkStop;
  /** Valid users not sent (cancelled or stopped before their turn). */
  notSent?: number;
  /** Not re-sent: a newer badge for the same user went out meanwhile, and stays. */
  superseded?: number;
  dryRun?: boolean;
  /** Items that would be sent (dry run). */
  valid?: number;
  /** Held back, not sent: emails or mobiles that found nobody, and recipients the pre-flight ruled out (see `results`, statuses unresolved, not-visible, inactive, unknown). */
  held?: number;
  /** With `preflight: true`: how the recipients split; only `sendable` were sent. */
  preflight?: PreflightCounts;
  /** Items that named their person by email or mobile, and how many were found. */
  contacts?: { total: number; resolved: number };
  /** Why the pre-flight stopped before checking everyone (those not checked were held as unknown). */
  preflightError?: { error?: string; code?: number; msg: string; logId?: string };
  /** `busy`: the same list is being sent already in this window. */
  error?: 'validation' | 'busy' | ClientProblem;
  msg?: string;
  results: BulkItemResult[];
}

/** Hold reasons that say nothing about the person, only that this run could not learn it. */
const TRANSIENT_HOLDS: ReadonlySet<string> = new Set(['recipient.lookup-failed', 'preflight.check-failed', 'preflight.cancelled', 'preflight.no-credentials', 'preflight.bad-settings', 'preflight.untrusted-origin']);

/** The first problems, in the display language where the core has the message (column problems). */
function describeProblems(problems: RowProblem[], locale: Locale): string {
  return problems
    .slice(0, 3)
    .map((problem) => {
      const text =
        problem.params !== undefined && (problem.id === 'csv.unknownColumn' || problem.id === 'csv.duplicateColumn') ? formatMessage(problem.id, locale, problem.params) : problem.detail;
      return vscode.l10n.t('line {0}: {1}', problem.line, text);
    })
    .join('; ');
}

/** Why the breaker stopped a run, in the display language (codes and HTTP statuses read the same in both). */
function stopReason(stop: BulkStop): string {
  if (stop.code !== undefined || stop.httpStatus !== undefined) return stop.reason;
  const network: Record<string, string> = {
    timeout: vscode.l10n.t('no answer in time'),
    refused: vscode.l10n.t('connection refused'),
    dns: vscode.l10n.t('host name not found'),
    reset: vscode.l10n.t('connection reset'),
    tls: vscode.l10n.t('TLS failure'),
  };
  return network[stop.reason] ?? vscode.l10n.t('network failure');
}

/** The bulk flow's checkbox: check every recipient's status and visibility before sending (on by default). */
async function askPreflight(ctx: CommandContext): Promise<boolean | undefined> {
  // Ticked by default only where it can work: a pasted token cannot check visibility.
  const built = await ctx.clients.active();
  const canCheck = built.ok && built.client.credentials.kind === 'self-built';
  const check: vscode.QuickPickItem = {
    label: vscode.l10n.t('Pre-flight: check status and visibility first'),
    detail: vscode.l10n.t('Recipients who left, are frozen, or cannot see the app are listed and not sent. Needs the App ID and App Secret, and the contact and app-visibility scopes.'),
    picked: canCheck,
  };
  const picked = await vscode.window.showQuickPick([check], { title: vscode.l10n.t('Bulk Set Badges: before sending'), canPickMany: true, ignoreFocusOut: true });
  if (picked === undefined) return undefined;
  // A multi-select answers a list; anything else (a caller's stand-in) counts as the item itself.
  return (Array.isArray(picked) ? picked : [picked]).includes(check);
}

async function askItems(ctx: CommandContext): Promise<{ items: unknown[]; problems: RowProblem[] } | undefined> {
  const paste = vscode.l10n.t('Paste user IDs (one set of counts for all)');
  const file = vscode.l10n.t('Open a CSV or JSON file (counts per user)');
  const choice = await vscode.window.showQuickPick([paste, file], { title: vscode.l10n.t('Bulk Set Badges'), ignoreFocusOut: true });
  if (choice === undefined) return undefined;
  if (choice === file) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { [vscode.l10n.t('CSV or JSON')]: ['csv', 'json'] },
      openLabel: vscode.l10n.t('Use for bulk badges'),
    });
    const uri = picked?.[0];
    if (uri === undefined) return undefined;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const parsed = uri.path.toLowerCase().endsWith('.json') ? parseBulkJson(text) : parseBulkCsv(text);
    return { items: parsed.items, problems: parsed.problems };
  }
  const ids = await vscode.window.showInputBox({
    title: vscode.l10n.t('Bulk Set Badges (1/2)'),
    prompt: vscode.l10n.t('User IDs ({0}), emails, or mobile numbers with +country code, separated by spaces, commas or new lines.', ctx.settings.current.userIdType),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter at least one user ID.') : undefined),
  });
  if (ids === undefined) return undefined;
  const counts = await vscode.window.showInputBox({
    title: vscode.l10n.t('Bulk Set Badges (2/2)'),
    ...countsInputText(),
    value: '1',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseCounts(value);
      return parsed.ok ? undefined : formatMessage(parsed.id, ctx.locale());
    },
  });
  const parsed = counts === undefined ? undefined : parseCounts(counts);
  if (parsed === undefined || !parsed.ok) return undefined;
  return { items: itemsForUsers(ids, { pc: parsed.pc, mobile: parsed.mobile }, ctx.settings.current.userIdType), problems: [] };
}

/**
 * Bulk Set Badges (list, CSV or JSON; dry run; progress with cancel; resume after an
 * interruption), and Retry Failed (the failed items of the last run, through the same path).
 */
export function registerBulkCommands(ctx: CommandContext): vscode.Disposable[] {
  const { actions, log, bulkResults: view } = ctx;
  /**
   * One run. `args` undefined asks for the items (palette); `retry` is the Bulk Results view's
   * button: its items need no question, but its failures are shown as the palette's are.
   * The second argument: in-process callers (and tests) can cancel a run as the progress notification does.
   */
  const runBulk = async (args: unknown, second: unknown, retry: boolean): Promise<BulkCommandResult | undefined> => {
    const options = parseCallerOptions(second);
    const interactive = args === undefined;
    const showErrors = interactive || retry;
    let items: unknown[];
    let concurrency = 4;
    let dryRun = false;
    let preflight = false;
    let problems: RowProblem[] = [];
    if (interactive) {
      const asked = await askItems(ctx);
      if (asked === undefined) return undefined;
      items = asked.items;
      problems = asked.problems;
      const check = await askPreflight(ctx);
      if (check === undefined) return undefined;
      preflight = check;
    } else {
      const parsed = parseArgs(bulkArgs, args);
      if (parsed === undefined) {
        return { total: 0, ok: 0, failed: 0, skipped: 0, error: 'validation', msg: vscode.l10n.t('Pass { items: [...], concurrency?, dryRun?, preflight? }.'), results: [] };
      }
      items = parsed.items;
      if (parsed.concurrency !== undefined) concurrency = Math.min(16, Math.max(1, Math.floor(parsed.concurrency)));
      dryRun = parsed.dryRun === true;
      preflight = parsed.preflight === true && !retry;
    }

    // Emails and mobiles become IDs, and the pre-flight holds back who cannot get a badge, before
    // anything is validated or sent. The resume key stays the list as given.
    const givenItems = items;
    const needsLookup = preflight || items.some((item) => contactOf(item) !== undefined);
    const prepared = needsLookup
      ? await (options.silent === true
          ? prepareRecipients(ctx, items, { preflight, ...(options.signal === undefined ? {} : { signal: options.signal }) })
          : vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Bulk badges: recipients'), cancellable: true }, (progress, token) => {
              const controller = new AbortController();
              const subscription = token.onCancellationRequested(() => controller.abort());
              options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
              if (options.signal?.aborted === true) controller.abort();
              return prepareRecipients(ctx, items, { preflight, signal: controller.signal, report: (message) => progress.report({ message }) }).finally(() => subscription.dispose());
            }))
      : undefined;
    if (prepared?.cancelled === true) return { total: items.length, ok: 0, failed: 0, skipped: 0, cancelled: true, msg: vscode.l10n.t('Cancelled while checking the recipients: nothing was sent.'), results: [] };
    const hold = prepared?.hold ?? new Map();
    if (prepared !== undefined) items = prepared.items;
    const recipientFields = {
      ...(hold.size === 0 ? {} : { held: hold.size }),
      ...(prepared?.preflight === undefined ? {} : { preflight: prepared.preflight }),
      ...(prepared?.contacts === undefined ? {} : { contacts: prepared.contacts }),
      ...(prepared?.preflightError === undefined ? {} : { preflightError: prepared.preflightError }),
    };
    if (prepared !== undefined) {
      log.info(
        `bulk recipients: ${prepared.contacts === undefined ? 'no emails or phones' : `${prepared.contacts.resolved} of ${prepared.contacts.total} emails and phones found`}` +
          `${prepared.preflight === undefined ? '' : `; pre-flight ${prepared.preflight.sendable} sendable, ${prepared.preflight.notVisible} not visible, ${prepared.preflight.inactive} inactive, ${prepared.preflight.unknown} unknown`}` +
          `${prepared.preflightError === undefined ? '' : `; pre-flight stopped: ${prepared.preflightError.error ?? ''}${prepared.preflightError.code === undefined ? '' : ` ${prepared.preflightError.code}`}${prepared.preflightError.logId === undefined ? '' : ` log_id=${prepared.preflightError.logId}`}`}; ${hold.size} held`,
      );
    }
    const heldResults = (): BulkItemResult[] =>
      [...hold.entries()].map(([index, why]) => {
        const raw = items[index] as { user_id?: unknown; user_id_type?: unknown } | undefined;
        return { index, userId: typeof raw?.user_id === 'string' ? raw.user_id : '', userIdType: typeof raw?.user_id_type === 'string' ? raw.user_id_type : ctx.settings.current.userIdType, status: why.status, hold: why };
      });

    // Everything is validated before anything is sent.
    const fullPlan = planBulk(items, { defaultUserIdType: ctx.settings.current.userIdType });
    const plan = hold.size === 0 ? fullPlan : { ...fullPlan, valid: fullPlan.valid.filter((entry) => !hold.has(entry.index)), invalid: fullPlan.invalid.filter((entry) => !hold.has(entry.index)) };
    const invalidText = plan.invalid
      .slice(0, 3)
      .map((item) => {
        const issue = item.issues?.[0];
        return `#${item.index + 1} ${item.userId || '?'}: ${issue === undefined ? '' : formatMessage(issue.id, ctx.locale(), issue.params)}`;
      })
      .join('\n');
    if (dryRun) {
      return { dryRun: true, total: plan.total, ok: 0, valid: plan.valid.length, failed: plan.invalid.length, skipped: 0, ...recipientFields, results: [...plan.invalid, ...heldResults()].sort((a, b) => a.index - b.index) };
    }
    if (plan.valid.length === 0 && hold.size > 0) {
      const msg = vscode.l10n.t('Nothing sent: none of the {0} recipient(s) can get a badge now ({1} held back: not found, not visible, not active or not checked).', plan.total, hold.size);
      const results = [...plan.invalid, ...heldResults()].sort((a, b) => a.index - b.index);
      if (showErrors) void vscode.window.showWarningMessage(msg);
      view.show({ total: plan.total, ok: 0, failed: plan.invalid.length, skipped: 0, cancelled: false, durationMs: 0, rateLimited: 0, held: hold.size, results }, items);
      return { total: plan.total, ok: 0, failed: plan.invalid.length, skipped: 0, ...recipientFields, error: 'validation', msg, results };
    }
    if (plan.valid.length === 0) {
      // A header problem (an unknown or repeated column) stops the whole file: say that, not "none valid".
      const header = plan.total === 0 && problems.some((problem) => problem.line === 1);
      const msg = header ? vscode.l10n.t('Nothing sent: the header of the file has a problem.') : vscode.l10n.t('Nothing to send: {0} item(s), none valid.', plan.total);
      if (showErrors) void vscode.window.showErrorMessage(msg, { modal: true, detail: [invalidText, describeProblems(problems, ctx.locale())].filter((t) => t !== '').join('\n') });
      return { total: plan.total, ok: 0, failed: plan.invalid.length, skipped: 0, error: 'validation', msg, results: plan.invalid };
    }
    // Resume is keyed by the list and by where it goes: the profile, its app and its API base
    // (never the secret). A list cancelled on one profile is sent in full on another.
    const profile = ctx.profiles.active;
    const base = apiBaseOf(profile, ctx.settings.current);
    const built = await ctx.clients.active();
    const where = [profile.id, built.ok ? built.client.appId : '', base.ok ? base.baseUrl : ''].join('\n');
    const runId = bulkRunId(givenItems, where);
    if (ctx.checkpoints.isOpen(runId)) {
      const msg = vscode.l10n.t('This list is being sent already with profile "{0}": wait for that run to end.', profile.name);
      if (showErrors) void vscode.window.showWarningMessage(msg);
      return { total: plan.total, ok: 0, failed: 0, skipped: 0, error: 'busy', msg, results: [] };
    }
    const checkpoint = await ctx.checkpoints.open(runId);
    // Only this list's users count (the checkpoint is this list's, but a file may hold anything).
    const resumable = plan.valid.filter((entry) => checkpoint.isDone(checkpointKey(entry.index, entry.badge))).length;
    const runWithCheckpoint = async (): Promise<BulkCommandResult | undefined> => {
      if (interactive) {
        const send = vscode.l10n.t('Send {0}', plan.valid.length - resumable);
        const detail = [
          vscode.l10n.t('{0} valid, {1} invalid (not sent), {2} unreadable line(s).', plan.valid.length, plan.invalid.length, problems.length),
          hold.size > 0 ? vscode.l10n.t('{0} held back and not sent: not found by email or phone, cannot see the app, not active, or not checked.', hold.size) : '',
          resumable > 0 ? vscode.l10n.t('{0} were already set by an interrupted run of this list with profile "{1}" and will be skipped.', resumable, profile.name) : '',
          invalidText,
          describeProblems(problems, ctx.locale()),
        ]
          .filter((line) => line !== '')
          .join('\n');
        const answer = await vscode.window.showInformationMessage(vscode.l10n.t('Bulk set badges for {0} user(s)?', plan.valid.length), { modal: true, detail }, send);
        if (answer !== send) return undefined;
      }

      // A production profile asks once per run, not per user (BadgeActions asks).
      const summary = await actions.bulk(items, plan.valid.length, { concurrency, checkpoint, ...(hold.size === 0 ? {} : { hold }), ...(options.confirmProduction === undefined ? {} : { confirmed: options.confirmProduction }) }, (run) =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Bulk badges'), cancellable: true }, (progress, token) => {
          const controller = new AbortController();
          const subscription = token.onCancellationRequested(() => controller.abort());
          options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
          if (options.signal?.aborted === true) controller.abort();
          let reported = 0;
          let reportedAt = 0;
          // Every report crosses to the workbench: at most ten a second (and the last one), so a
          // 100,000-user run does not flood it.
          const onProgress: NonNullable<BulkOptions['onProgress']> = (p) => {
            const now = Date.now();
            if (p.done < p.total && now - reportedAt < 100) return;
            reportedAt = now;
            const fraction = p.total === 0 ? 0 : (p.done / p.total) * 100;
            progress.report({ message: vscode.l10n.t('{0}/{1} · {2} set · {3} failed · {4} skipped', p.done, p.total, p.ok, p.failed, p.skipped), increment: fraction - reported });
            reported = fraction;
          };
          return run(controller.signal, onProgress).finally(() => subscription.dispose());
        }),
      );
      // The checkpoint's last batch is on disk before the run is reported (a cancelled run resumes from it).
      await checkpoint.flush();
      if ('error' in summary) {
        if (summary.error === 'cancelled') return { total: plan.total, ok: 0, failed: 0, skipped: 0, cancelled: true, msg: summary.msg, results: [] };
        if (showErrors) void vscode.window.showErrorMessage(summary.msg);
        return { total: plan.total, ok: 0, failed: 0, skipped: 0, error: summary.error, msg: summary.msg, results: [] };
      }
      const { stopped } = summary;
      const notSent = summary.notSent ?? 0;
      // A cancelled or stopped run keeps its checkpoint: the same list resumes.
      // Rows held for a passing reason (the lookup or the pre-flight failed for them) keep the
      // checkpoint too: running the same list again sends them and skips those already set.
      const passing = [...hold.values()].filter((why) => TRANSIENT_HOLDS.has(why.reason)).length;
      if (!summary.cancelled && stopped === undefined && passing === 0) await checkpoint.clear();
      log.info(`bulk: ${summary.total} items, ${summary.ok} set, ${summary.failed} failed, ${summary.skipped} skipped, ${notSent} not sent, ${summary.rateLimited} rate-limited answers, ${summary.durationMs}ms${summary.cancelled ? ', cancelled' : ''}${stopped === undefined ? '' : `, stopped after ${stopped.after} systemic failures in a row (${stopped.stage}: ${stopped.reason})`}`);
      const text =
        stopped !== undefined
          ? vscode.l10n.t('Bulk run stopped after {0} failures in a row that affect every user ({1}): {2} set, {3} failed, {4} not sent. Fix the cause (see Show Results), then run the same list again to resume.', stopped.after, stopReason(stopped), summary.ok, summary.failed, notSent)
          : summary.cancelled
            ? vscode.l10n.t('Bulk run cancelled: {0} set, {1} failed. Run the same list again to resume.', summary.ok, summary.failed)
            : vscode.l10n.t('Bulk run done: {0} set, {1} failed, {2} skipped.', summary.ok, summary.failed, summary.skipped);
      const supersededText = summary.superseded === undefined ? text : `${text} ${vscode.l10n.t('{0} not re-sent: a newer badge for the same user went out meanwhile.', summary.superseded)}`;
      const heldText = hold.size === 0 ? supersededText : `${supersededText} ${vscode.l10n.t('{0} held back, not sent (see Show Results).', hold.size)}`;
      const fullText = passing === 0 ? heldText : `${heldText} ${vscode.l10n.t('{0} of them could not be looked up or checked this time: run the same list again to send them (those set are skipped).', passing)}`;
      // Every row names the email or phone it was given by, sent or held (the CSV's recipient column).
      for (const row of summary.results) {
        const input = prepared?.inputs.get(row.index);
        if (input !== undefined) row.recipient = input;
      }
      view.show(summary, items);
      const result: BulkCommandResult = {
        total: summary.total,
        ok: summary.ok,
        failed: summary.failed,
        skipped: summary.skipped,
        cancelled: summary.cancelled,
        notSent,
        ...(summary.superseded === undefined ? {} : { superseded: summary.superseded }),
        ...(stopped === undefined ? {} : { stopped }),
        ...recipientFields,
        results: summary.results,
      };
      if (options.silent === true) return result;
      const show = vscode.l10n.t('Show Results');
      const exportCsv = vscode.l10n.t('Export CSV…');
      void (summary.failed > 0 || stopped !== undefined || hold.size > 0 ? vscode.window.showWarningMessage(fullText, show, exportCsv) : vscode.window.showInformationMessage(fullText, show, exportCsv)).then((choice) => {
        if (choice === show) return vscode.commands.executeCommand(`${BULK_RESULTS_VIEW_ID}.focus`);
        if (choice === exportCsv) return view.exportCsv();
        return undefined;
      });
      return result;
    };
    try {
      return await runWithCheckpoint();
    } finally {
      // Finished, cancelled, stopped, declined or thrown: what is pending is on disk, and the list may run again.
      await checkpoint.close();
    }
  };

  const bulkSetBadges = (args?: unknown, second?: unknown): Promise<BulkCommandResult | undefined> => runBulk(args, second, false);

  const retryFailedBulk = async (_args?: unknown, second?: unknown): Promise<BulkCommandResult | undefined> => {
    const failed = view.failedItems;
    if (failed.length === 0) {
      if (parseCallerOptions(second).silent !== true) void vscode.window.showInformationMessage(vscode.l10n.t('The last bulk run has no failed items to retry.'));
      return undefined;
    }
    log.info(`bulk: retrying ${failed.length} failed item(s) of the last run`);
    return runBulk({ items: failed }, second, true);
  };

  return registerAll({ bulkSetBadges, retryFailedBulk });
}
