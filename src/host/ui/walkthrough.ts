import * as vscode from 'vscode';

/** `contributes.walkthroughs[0].id`, qualified by the extension's id when opened. */
export const WALKTHROUGH_ID = 'gettingStarted';

/**
 * Opens the walkthrough on its first step. VS Code lists it on the Welcome page (marked New) and
 * opens it itself when the extension is installed from the Extensions view; the form's first-run
 * state and the view's menu open it from here.
 */
export function openWalkthrough(extensionId: string): Thenable<unknown> {
  const category = `${extensionId}#${WALKTHROUGH_ID}`;
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', { category, step: `${category}#connect` }, false);
}
