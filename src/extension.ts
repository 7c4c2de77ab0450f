import * as vscode from 'vscode';
import { COMMANDS } from './host/commands.ts';

// Activation stays cheap: no network or disk work here; services are built on first use.
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Feishu Badge', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand(COMMANDS.showLog, () => {
      log.show(true);
    }),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
