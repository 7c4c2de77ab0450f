import * as vscode from 'vscode';
import { formatCounts } from '../../core/badgeState.ts';
import type { Target } from '../../core/badgeState.ts';
import { formatMessage } from '../../core/messages.ts';
import { parseCounts } from '../../core/quickInput.ts';
import type { BadgeCommandResult } from '../../core/result.ts';
import { validateBadge } from '../../core/schema.ts';
import type { BadgeInput } from '../../core/schema.ts';
import type { Locale, UserIdType } from '../../core/types.ts';
import { USER_ID_TYPES } from '../../core/types.ts';
import { registerAll } from '../commandIds.ts';
import type { ResendProfile } from '../send/badgeActions.ts';
import type { SendReport } from '../send/report.ts';
import { showSendResult } from '../ui/notify.ts';
import { quickClearTarget } from '../ui/statusBar.ts';
import { clearArgs, parseArgs, parseCallerOptions, resendArgs } from './args.ts';
import type { CallerOptions, CommandContext } from './context.ts';
import { countsInputText } from './countsInput.ts';

function userIdMessage(value: string, userIdType: UserIdType, locale: Locale): vscode.InputBoxValidationMessage | undefined {
  const validation = validateBadge({ user_id: value, user_id_type: userIdType, pc: { web_app: 0 } });
  const issue = validation.ok ? validation.warnings.find((w) => w.path === 'user_id') : validation.errors.find((e) => e.path === 'user_id');
  if (issue === undefined) return undefined;
  return {
    message: formatMessage(issue.id, locale, issue.params),
    severity: issue.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Warning,
  };
}

export async function askUserId(ctx: CommandContext, title: string, step: string): Promise<Target | undefined> {
  const { defaultUserId, userIdType: configured } = ctx.settings.current;
  const last = ctx.recent.last;
  const prefill = defaultUserId !== '' ? defaultUserId : (last?.userId ?? '');
  const userIdType = defaultUserId === '' ? (last?.userIdType ?? configured) : configured;
  const userId = await vscode.window.showInputBox({
    title: `${title} (${step})`,
    prompt: vscode.l10n.t('User ID ({0}). Change the ID type in the setting feishuBadge.userIdType.', userIdType),
    placeHolder: 'ou_…',
    value: prefill,
    ignoreFocusOut: true,
    validateInput: (value) => userIdMessage(value, userIdType, ctx.locale()),
  });
  return userId === undefined ? undefined : { userId: userId.trim(), userIdType };
}

async function askBadge(ctx: CommandContext): Promise<BadgeInput | undefined> {
  const title = vscode.l10n.t('Set Feishu Badge');
  const target = await askUserId(ctx, title, '1/2');
  if (target === undefined) return undefined;
  const counts = await vscode.window.showInputBox({
    title: `${title} (2/2)`,
    ...countsInputText(),
    value: '1',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const parsed = parseCounts(value);
      if (!parsed.ok) return formatMessage(parsed.id, ctx.locale());
      const validation = validateBadge({ user_id: target.userId, user_id_type: target.userIdType, pc: parsed.pc, mobile: parsed.mobile });
      const issue = validation.ok ? validation.warnings.find((w) => w.id === 'count.dot') : validation.errors[0];
      if (issue === undefined) return undefined;
      return {
        message: `${issue.path}: ${formatMessage(issue.id, ctx.locale(), issue.params)}`,
        severity: issue.severity === 'error' ? vscode.InputBoxValidationSeverity.Error : vscode.InputBoxValidationSeverity.Warning,
      };
    },
  });
  const parsed = counts === undefined ? undefined : parseCounts(counts);
  if (parsed === undefined || !parsed.ok) return undefined;
  return { user_id: target.userId, user_id_type: target.userIdType, pc: parsed.pc, mobile: parsed.mobile };
}

function notSent(msg: string): BadgeCommandResult {
  return { ok: false, attempts: 0, error: 'validation', msg };
}

/** Caller options as BadgeActions takes them: a notification with progress unless the caller handles it. */
const sendOptions = (options: CallerOptions): { signal?: AbortSignal; progress: boolean; confirmed?: boolean } => ({
  ...(options.signal === undefined ? {} : { signal: options.signal }),
  progress: options.silent !== true,
  ...(options.confirmProduction === undefined ? {} : { confirmed: options.confirmProduction }),
});

function finish(report: SendReport, options: CallerOptions): BadgeCommandResult {
  if (options.silent !== true) showSendResult(report);
  return report.result;
}

/** Set Badge, Clear Badge (the status bar's quick clear), Undo Last Clear, Re-send from History, Copy as curl. */
export function registerBadgeCommands(ctx: CommandContext): vscode.Disposable[] {
  const { actions, log } = ctx;

  const setBadge = async (args?: unknown, second?: unknown): Promise<BadgeCommandResult | undefined> => {
    const options = parseCallerOptions(second);
    // Only a missing argument asks; `null` or any other value is validated and answered.
    const input = args === undefined ? await askBadge(ctx) : args;
    if (input === undefined) return undefined;
    return finish(await actions.send(input, sendOptions(options)), options);
  };

  const clearBadge = async (args?: unknown, second?: unknown): Promise<BadgeCommandResult | undefined> => {
    const options = parseCallerOptions(second);
    let target: Target | undefined;
    if (args !== undefined) {
      const parsed = parseArgs(clearArgs, args);
      if (parsed === undefined) {
        const result = notSent(vscode.l10n.t('Pass { user_id, user_id_type? } to clear a badge.'));
        log.warn(`clearBadge: ${result.msg ?? ''}`);
        return result;
      }
      const type = parsed.user_id_type ?? ctx.settings.current.userIdType;
      if (!USER_ID_TYPES.includes(type as UserIdType)) return notSent(formatMessage('userIdType.invalid', ctx.locale()));
      target = { userId: parsed.user_id, userIdType: type as UserIdType };
    } else {
      target = quickClearTarget(ctx.settings, ctx.recent) ?? (await askUserId(ctx, vscode.l10n.t('Clear Feishu Badge'), '1/1'));
    }
    if (target === undefined) return undefined;
    const report = await actions.clear(target, sendOptions(options));
    if (report.result.ok && actions.canUndo && options.silent !== true) {
      const undo = vscode.l10n.t('Undo');
      const cleared = target;
      void vscode.window.showInformationMessage(vscode.l10n.t('Cleared the badge of {0}.', cleared.userId), undo).then(async (choice) => {
        if (choice !== undo) return;
        // This notification's user only: another user cleared since is not restored by this button.
        const restored = await actions.undoClear({ progress: true }, cleared);
        if (restored === undefined) void vscode.window.showInformationMessage(vscode.l10n.t('Nothing to undo.'));
        else showSendResult(restored);
      });
      return report.result;
    }
    return finish(report, options);
  };

  const undoClear = async (): Promise<BadgeCommandResult | undefined> => {
    const report = await actions.undoClear({ progress: true });
    if (report === undefined) {
      const elsewhere = actions.undoProfileName;
      void vscode.window.showInformationMessage(
        elsewhere === undefined ? vscode.l10n.t('Nothing to undo.') : vscode.l10n.t('The last clear was made with profile "{0}": switch to it to undo.', elsewhere),
      );
      return undefined;
    }
    return finish(report, {});
  };

  const resendFromHistory = async (args?: unknown, second?: unknown): Promise<BadgeCommandResult | undefined> => {
    const options = parseCallerOptions(second);
    const history = ctx.history.entries;
    let index: number;
    let at: number | undefined;
    let profile: ResendProfile | undefined;
    if (args !== undefined) {
      const parsed = parseArgs(resendArgs, args);
      if (parsed === undefined) return notSent(vscode.l10n.t('Pass { index } of an entry in the history (0 = the latest; {0} entries).', history.length));
      index = parsed.index;
      at = parsed.at;
      profile = parsed.profile;
    } else {
      if (history.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No requests in the history yet.'));
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        history.map((entry, i) => ({
          label: `${entry.ok ? '$(check)' : '$(error)'} ${entry.body.user_id}`,
          description: `pc ${formatCounts(entry.body.pc)} · mobile ${formatCounts(entry.body.mobile)}${entry.code === undefined ? '' : ` · ${entry.code}`}`,
          detail: [new Date(entry.at).toLocaleString(), ctx.profiles.list.find((p) => p.id === entry.profileId)?.name, entry.baseUrl, entry.userIdType].filter((part) => part !== undefined).join(' · '),
          index: i,
          at: entry.at,
        })),
        { title: vscode.l10n.t('Re-send from History'), placeHolder: vscode.l10n.t('Pick a request to send again with a new version'), matchOnDescription: true },
      );
      if (picked === undefined) return undefined;
      index = picked.index;
      at = picked.at;
    }
    return finish(await actions.resend(index, at, { ...sendOptions(options), ...(profile === undefined ? {} : { profile }) }), options);
  };

  const copyLastRequestAsCurl = async (): Promise<string | undefined> => {
    const text = ctx.service.exportLast('curl');
    if (text === undefined) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Nothing sent yet in this window.'));
      return undefined;
    }
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(vscode.l10n.t('Copied as curl. The token is not included: set FEISHU_TENANT_ACCESS_TOKEN before running it.'));
    return text;
  };

  return registerAll({ setBadge, clearBadge, undoClear, resendFromHistory, copyLastRequestAsCurl });
}
