import * as vscode from 'vscode';
import type { DiagnoseCheck, DiagnoseResult } from '../../core/diagnose.ts';
import type { PersonStatus, ResolvedUser } from '../../core/recipients.ts';
import type { UserIdType } from '../../core/types.ts';
import { normalizeMobile, splitEntries } from '../../core/bulkInput.ts';
import { registerAll } from '../commandIds.ts';
import type { ResolveUsersInput, ResolveUsersResult } from '../send/recipients.ts';
import { diagnoseArgs, parseArgs, parseCallerOptions, resolveUsersArgs } from './args.ts';
import { askUserId } from './badge.ts';
import type { CallerOptions, CommandContext } from './context.ts';

/** A person's status in a few words, in the display language (empty for an active person). */
export function statusText(status: PersonStatus | undefined): string {
  if (status === undefined) return '';
  const parts: string[] = [];
  if (status.is_resigned === true) parts.push(vscode.l10n.t('resigned'));
  if (status.is_frozen === true) parts.push(vscode.l10n.t('frozen'));
  if (status.is_activated === false) parts.push(vscode.l10n.t('not activated'));
  if (status.is_exited === true) parts.push(vscode.l10n.t('exited'));
  if (status.is_unjoin === true) parts.push(vscode.l10n.t('not joined'));
  return parts.join(', ');
}

/** Splits pasted text into emails and phone numbers (anything with an @ is an email; `Ann <ann@x.com>` gives the address). */
export function splitContacts(text: string): { emails: string[]; mobiles: string[] } {
  const entries = splitEntries(text);
  return { emails: entries.filter((item) => item.includes('@')), mobiles: entries.filter((item) => !item.includes('@')).map(normalizeMobile).filter((item) => item !== '') };
}

/** What `feishuBadge.diagnose` returns: the diagnosis, or why the arguments were refused. */
export type DiagnoseCommandResult = DiagnoseResult & { error?: 'validation'; msg?: string };

const ICONS: Record<DiagnoseCheck['status'], string> = { pass: '$(pass)', warn: '$(warning)', fail: '$(error)', skip: '$(circle-slash)' };

async function askResolve(ctx: CommandContext): Promise<ResolveUsersInput | undefined> {
  const byContact = vscode.l10n.t('By email or phone number');
  const byDepartment = vscode.l10n.t('By department');
  const how = await vscode.window.showQuickPick([byContact, byDepartment], { title: vscode.l10n.t('Find User IDs'), ignoreFocusOut: true });
  if (how === undefined) return undefined;
  const userIdType = ctx.settings.current.userIdType;
  if (how === byContact) {
    const text = await vscode.window.showInputBox({
      title: vscode.l10n.t('Find User IDs'),
      prompt: vscode.l10n.t('Emails or phone numbers, separated by spaces, commas or new lines. Numbers outside mainland China need +country code.'),
      placeHolder: 'ann@example.com, +14155550100',
      ignoreFocusOut: true,
      validateInput: (value) => (splitContacts(value).emails.length + splitContacts(value).mobiles.length === 0 ? vscode.l10n.t('Enter at least one email or phone number.') : undefined),
    });
    if (text === undefined) return undefined;
    return { ...splitContacts(text), userIdType };
  }
  const departmentId = await vscode.window.showInputBox({
    title: vscode.l10n.t('Find User IDs: department'),
    prompt: vscode.l10n.t('open_department_id (od-…) or department_id; 0 is the whole company (needs the all-members contact range).'),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a department ID.') : undefined),
  });
  if (departmentId === undefined) return undefined;
  const direct = vscode.l10n.t('Direct members only');
  const all = vscode.l10n.t('Include sub-departments');
  const depth = await vscode.window.showQuickPick([direct, all], { title: vscode.l10n.t('Find User IDs: department'), ignoreFocusOut: true });
  if (depth === undefined) return undefined;
  const id = departmentId.trim();
  return { departmentId: id, departmentIdType: /^od[-_]/.test(id) || id === '0' ? 'open_department_id' : 'department_id', recursive: depth === all, userIdType };
}

async function showResolved(result: ResolveUsersResult): Promise<void> {
  type Item = vscode.QuickPickItem & { user?: ResolvedUser; all?: true };
  const items: Item[] = [];
  if (result.users.length > 1) items.push({ label: `$(copy) ${vscode.l10n.t('Copy all {0} IDs', result.users.length)}`, all: true });
  for (const user of result.users) {
    const who = user.email ?? user.mobile ?? user.name ?? user.id;
    const status = statusText(user.status);
    items.push({ label: who, description: user.id, ...(status === '' ? {} : { detail: `$(warning) ${status}` }), user });
  }
  for (const missing of result.notFound) items.push({ label: `$(question) ${missing.input}`, description: vscode.l10n.t('not found'), detail: missing.detail });
  if (!result.ok) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The lookup stopped: {0}', `${result.msg ?? result.error ?? ''}${result.code === undefined ? '' : ` (${result.code})`}`));
  }
  if (result.note !== undefined) void vscode.window.showInformationMessage(result.note);
  if (items.length === 0) return;
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('{0} found, {1} not found: pick one to copy its ID', result.users.length, result.notFound.length),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked?.all === true) {
    await vscode.env.clipboard.writeText(result.users.map((user) => user.id).join('\n'));
    void vscode.window.showInformationMessage(vscode.l10n.t('Copied {0} IDs.', result.users.length));
  } else if (picked?.user !== undefined) {
    await vscode.env.clipboard.writeText(picked.user.id);
    void vscode.window.showInformationMessage(vscode.l10n.t('Copied {0}.', picked.user.id));
  }
}

async function showDiagnosis(result: DiagnoseResult): Promise<void> {
  type Item = vscode.QuickPickItem & { link?: string };
  const items: Item[] = result.checks.map((check) => {
    // Only the platform's own pages are opened (the form allows the same hosts).
    const link = /https:\/\/open\.(?:feishu\.cn|larksuite\.com|larkoffice\.com)\/\S*/.exec(`${check.fix ?? ''} ${check.detail}`)?.[0];
    return {
      label: `${ICONS[check.status]} ${check.title}`,
      detail: [check.detail, check.fix, check.code === undefined ? undefined : `code ${check.code}`, check.logId === undefined ? undefined : `log_id ${check.logId}`].filter((part) => part !== undefined && part !== '').join(' · '),
      ...(link === undefined ? {} : { link }),
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: result.ok ? vscode.l10n.t('Diagnosis: nothing blocks the badge that the API can see') : vscode.l10n.t('Diagnosis: found what blocks the badge'),
    matchOnDetail: true,
  });
  if (picked?.link !== undefined) await vscode.env.openExternal(vscode.Uri.parse(picked.link));
}

/** Find User IDs (emails, phone numbers, departments) and Why No Red Dot? (issue 10). */
export function registerRecipientCommands(ctx: CommandContext): vscode.Disposable[] {
  const { recipients, log } = ctx;

  /** A cancellable notification with progress, unless the caller handles it (silent) or brings its own signal only. */
  const withProgress = async <T>(title: string, options: CallerOptions, run: (signal: AbortSignal | undefined, report: (message: string) => void) => Promise<T>): Promise<T> => {
    if (options.silent === true) return run(options.signal, () => undefined);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const forward = (): void => controller.abort();
      options.signal?.addEventListener('abort', forward, { once: true });
      const cancel = token.onCancellationRequested(forward);
      try {
        if (options.signal?.aborted === true) controller.abort();
        return await run(controller.signal, (message) => progress.report({ message }));
      } finally {
        cancel.dispose();
        options.signal?.removeEventListener('abort', forward);
      }
    });
  };

  const resolveUsers = async (args?: unknown, second?: unknown): Promise<ResolveUsersResult | undefined> => {
    const options = parseCallerOptions(second);
    let input: ResolveUsersInput | undefined;
    if (args === undefined) {
      input = await askResolve(ctx);
      if (input === undefined) return undefined;
    } else {
      const parsed = parseArgs(resolveUsersArgs, args);
      if (parsed === undefined) {
        const msg = vscode.l10n.t('Pass { emails?, mobiles? } or { departmentId, departmentIdType?, recursive? }, with userIdType? (open_id, union_id or user_id).');
        log.warn(`resolveUsers: ${msg}`);
        return { ok: false, users: [], notFound: [], error: 'validation', msg };
      }
      input = Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined)) as ResolveUsersInput;
    }
    const request = input;
    const result = await withProgress(vscode.l10n.t('Finding user IDs'), args === undefined ? {} : options, (signal, report) =>
      recipients.resolve(request, {
        ...(signal === undefined ? {} : { signal }),
        onProgress: (p) => report(vscode.l10n.t('{0} departments of {1} read, {2} people', p.departmentsDone, p.departmentsSeen, p.users)),
      }),
    );
    if (args === undefined) await showResolved(result);
    return result;
  };

  const diagnose = async (args?: unknown, second?: unknown): Promise<DiagnoseCommandResult | undefined> => {
    const options = parseCallerOptions(second);
    let input: { userId: string; userIdType: UserIdType; counts?: { pc?: { web_app?: number; gadget?: number }; mobile?: { web_app?: number; gadget?: number } } };
    if (args === undefined) {
      const target = await askUserId(ctx, vscode.l10n.t('Why No Red Dot?'), '1/1');
      if (target === undefined) return undefined;
      input = target;
    } else {
      const parsed = parseArgs(diagnoseArgs, args);
      if (parsed === undefined) {
        const msg = vscode.l10n.t('Pass { user_id, user_id_type?, pc?, mobile? } to diagnose a badge.');
        log.warn(`diagnose: ${msg}`);
        return { ok: false, checks: [], error: 'validation', msg };
      }
      input = { userId: parsed.user_id, userIdType: parsed.user_id_type ?? ctx.settings.current.userIdType };
      if (parsed.pc !== undefined || parsed.mobile !== undefined) input.counts = { ...(parsed.pc === undefined ? {} : { pc: parsed.pc }), ...(parsed.mobile === undefined ? {} : { mobile: parsed.mobile }) };
    }
    const request = input;
    const result = await withProgress(vscode.l10n.t('Checking why there is no red dot'), args === undefined ? {} : options, (signal) =>
      recipients.diagnose(request, signal === undefined ? {} : { signal }),
    );
    if (args === undefined) await showDiagnosis(result);
    return result;
  };

  return registerAll({ resolveUsers, diagnose });
}
