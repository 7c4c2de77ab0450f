import * as vscode from 'vscode';
import type { Guidance } from '../../core/guidance/guidance.ts';
import { COMMANDS } from '../commandIds.ts';
import type { ConnectionResult } from '../send/badgeService.ts';
import type { SendAction, SendReport } from '../send/report.ts';

function guidanceDetail(guidance: Guidance): string {
  return [guidance.explanation, '', ...guidance.steps.map((step, index) => `${index + 1}. ${step}`)].join('\n');
}

/** An error with the actions every failure offers: the guidance, the log ID, the docs. */
async function showFailure(message: string, guidance: Guidance | undefined, logId: string | undefined, extra: Array<[string, () => unknown]> = []): Promise<void> {
  const showGuidance = vscode.l10n.t('Show Guidance');
  const copyLogId = vscode.l10n.t('Copy Log ID');
  const openDocs = vscode.l10n.t('Open Docs');
  const actions = [
    ...(guidance === undefined ? [] : [showGuidance]),
    ...(logId === undefined ? [] : [copyLogId]),
    ...extra.map(([label]) => label),
    ...(guidance === undefined ? [] : [openDocs]),
  ];
  const choice = await vscode.window.showErrorMessage(message, ...actions);
  if (choice === showGuidance && guidance !== undefined) {
    const again = await vscode.window.showErrorMessage(guidance.title, { modal: true, detail: guidanceDetail(guidance) }, openDocs, ...(logId === undefined ? [] : [copyLogId]));
    if (again === openDocs) await vscode.env.openExternal(vscode.Uri.parse(guidance.docUrl));
    if (again === copyLogId && logId !== undefined) await vscode.env.clipboard.writeText(logId);
  } else if (choice === copyLogId && logId !== undefined) {
    await vscode.env.clipboard.writeText(logId);
  } else if (choice === openDocs && guidance !== undefined) {
    await vscode.env.openExternal(vscode.Uri.parse(guidance.docUrl));
  } else {
    extra.find(([label]) => label === choice)?.[1]();
  }
}

/** What a success says, by what the send did (a clear of an already-empty badge is still a clear). */
const SUCCESS: Readonly<Record<SendAction, (user: string, version: string, ms: number, attempts: number) => string>> = {
  send: (user, version, ms, attempts) => vscode.l10n.t('Badge set for {0} (version {1}, {2} ms, attempts: {3}).', user, version, ms, attempts),
  resend: (user, version, ms, attempts) => vscode.l10n.t('Badge set for {0} (version {1}, {2} ms, attempts: {3}).', user, version, ms, attempts),
  clear: (user, version, ms, attempts) => vscode.l10n.t('Badge cleared for {0} (version {1}, {2} ms, attempts: {3}).', user, version, ms, attempts),
  undo: (user, version, ms, attempts) => vscode.l10n.t('Badge restored for {0} (version {1}, {2} ms, attempts: {3}).', user, version, ms, attempts),
};

export function showSendResult(report: SendReport): void {
  const { result } = report;
  const guidance = result.guidance;
  const user = report.target?.userId ?? '';
  if (result.ok) {
    void vscode.window.showInformationMessage(SUCCESS[report.action](user, result.version ?? '', result.durationMs ?? 0, result.attempts));
    return;
  }
  switch (result.error) {
    case 'validation': {
      const first = result.issues?.find((issue) => issue.severity === 'error');
      void showFailure(vscode.l10n.t('Not sent: {0} {1}', first?.path ?? '', first?.message ?? ''), undefined, undefined);
      return;
    }
    case 'no-credentials':
      void showFailure(vscode.l10n.t('Not sent: no Feishu credentials yet.'), guidance, undefined, [
        [vscode.l10n.t('Configure Credentials'), () => vscode.commands.executeCommand(COMMANDS.configureCredentials)],
      ]);
      return;
    case 'bad-settings':
      void showFailure(result.msg ?? '', undefined, undefined, [
        [vscode.l10n.t('Open Settings'), () => vscode.commands.executeCommand('workbench.action.openSettings', 'feishuBadge')],
      ]);
      return;
    case 'cancelled':
      // No attempt made (a declined confirmation, or cancelled before the badge call): nothing left.
      if (result.attempts === 0) void vscode.window.showInformationMessage(result.msg ?? vscode.l10n.t('Cancelled before the request left: the badge was not changed.'));
      else void vscode.window.showInformationMessage(vscode.l10n.t('Cancelled. The badge may or may not have been set if the request had already left.'));
      return;
    case 'superseded':
      // Not a failure: a newer badge for this user went out after this one, and it stands.
      void vscode.window.showInformationMessage(vscode.l10n.t('Not re-sent for {0}: a newer badge was sent after this one and stays.', user));
      return;
    default: {
      const code = result.code === undefined ? '' : ` (${result.code})`;
      const title = guidance?.title ?? vscode.l10n.t('The badge was not set');
      void showFailure(`${title}${code}: ${user}`, guidance, result.logId);
    }
  }
}

export function showConnectionResult(result: ConnectionResult & { guidance?: Guidance }): void {
  if (result.ok) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Connected: the credentials work.'));
    return;
  }
  if (result.error === 'no-credentials' || result.error === 'bad-settings') {
    void showFailure(result.msg ?? '', undefined, undefined, [
      [vscode.l10n.t('Configure Credentials'), () => vscode.commands.executeCommand(COMMANDS.configureCredentials)],
    ]);
    return;
  }
  const code = result.code === undefined ? '' : ` (${result.code})`;
  void showFailure(vscode.l10n.t('Connection failed: {0}', `${result.guidance?.title ?? ''}${code}`), result.guidance, result.logId);
}
