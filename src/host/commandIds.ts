import * as vscode from 'vscode';

/** Every command id, mirroring `contributes.commands` in package.json. */
export const COMMANDS = {
  configureCredentials: 'feishuBadge.configureCredentials',
  useTenantToken: 'feishuBadge.useTenantToken',
  clearCredentials: 'feishuBadge.clearCredentials',
  testConnection: 'feishuBadge.testConnection',
  setBadge: 'feishuBadge.setBadge',
  clearBadge: 'feishuBadge.clearBadge',
  bulkSetBadges: 'feishuBadge.bulkSetBadges',
  resolveUsers: 'feishuBadge.resolveUsers',
  diagnose: 'feishuBadge.diagnose',
  exportBulkResults: 'feishuBadge.exportBulkResults',
  retryFailedBulk: 'feishuBadge.retryFailedBulk',
  copyLogId: 'feishuBadge.copyLogId',
  undoClear: 'feishuBadge.undoClear',
  resendFromHistory: 'feishuBadge.resendFromHistory',
  addProfile: 'feishuBadge.addProfile',
  switchProfile: 'feishuBadge.switchProfile',
  removeProfile: 'feishuBadge.removeProfile',
  copyLastRequestAsCurl: 'feishuBadge.copyLastRequestAsCurl',
  showLog: 'feishuBadge.showLog',
  openForm: 'feishuBadge.openForm',
  openWalkthrough: 'feishuBadge.openWalkthrough',
} as const;

export const SETTINGS_SECTION = 'feishuBadge';

type CommandName = keyof typeof COMMANDS;

/** Registers handlers by command name: one list per feature file, the ids from COMMANDS. */
export function registerAll(handlers: Partial<Record<CommandName, (...args: never[]) => unknown>>): vscode.Disposable[] {
  return Object.entries(handlers).map(([name, handler]) => vscode.commands.registerCommand(COMMANDS[name as CommandName], handler as (...args: unknown[]) => unknown));
}
