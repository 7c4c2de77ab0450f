import * as vscode from 'vscode';
import { COMMANDS } from '../commandIds.ts';
import { DEFAULT_PROFILE_ID } from '../profiles.ts';
import { apiBaseOf, describeBaseUrlProblem } from '../settings.ts';
import { FORM_VIEW_ID } from '../form/formView.ts';
import { openWalkthrough } from '../ui/walkthrough.ts';
import type { CommandContext } from './context.ts';

/** Show Log, Open Form, Get Started, Copy Log ID, Export Bulk Results; and a warning when the settings' API base is refused. */
export function registerMiscCommands(ctx: CommandContext): vscode.Disposable[] {
  const { log, bulkResults, settings, profiles } = ctx;
  return [
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true)),
    vscode.commands.registerCommand(COMMANDS.openForm, () => vscode.commands.executeCommand(`${FORM_VIEW_ID}.focus`)),
    vscode.commands.registerCommand(COMMANDS.openWalkthrough, () => openWalkthrough(ctx.extensionId)),
    vscode.commands.registerCommand(COMMANDS.exportBulkResults, () => bulkResults.exportCsv()),
    vscode.commands.registerCommand(COMMANDS.copyLogId, async (logId: unknown) => {
      if (typeof logId !== 'string' || logId === '') return;
      await vscode.env.clipboard.writeText(logId);
      void vscode.window.showInformationMessage(vscode.l10n.t('Copied log ID {0}.', logId));
    }),
    settings.onDidChange((current) => {
      const base = apiBaseOf(profiles.active, current);
      if (!base.ok && profiles.active.id === DEFAULT_PROFILE_ID) void vscode.window.showWarningMessage(describeBaseUrlProblem(base.problem, base.input));
    }),
  ];
}
