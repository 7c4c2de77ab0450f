import * as vscode from 'vscode';

/**
 * The prompt and placeholder of the counts input (Set Badge… and bulk paste): one number means
 * what it means in the form, the web-app count on PC and mobile with the mini-program count left
 * out of the body (see parseCounts).
 */
export function countsInputText(): { prompt: string; placeHolder: string } {
  return {
    prompt: vscode.l10n.t('One number sets the web app badge on PC and mobile and leaves the mini program badge as it is. Four numbers set PC web app, PC mini program, mobile web app, mobile mini program.'),
    placeHolder: vscode.l10n.t('3 (web app only), or 3 0 3 0'),
  };
}
