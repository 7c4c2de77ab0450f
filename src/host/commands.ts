/** Every command id, mirroring `contributes.commands` in package.json. */
export const COMMANDS = {
  configureCredentials: 'feishuBadge.configureCredentials',
  useTenantToken: 'feishuBadge.useTenantToken',
  clearCredentials: 'feishuBadge.clearCredentials',
  testConnection: 'feishuBadge.testConnection',
  setBadge: 'feishuBadge.setBadge',
  clearBadge: 'feishuBadge.clearBadge',
  bulkSetBadges: 'feishuBadge.bulkSetBadges',
  exportBulkResults: 'feishuBadge.exportBulkResults',
  copyLogId: 'feishuBadge.copyLogId',
  undoClear: 'feishuBadge.undoClear',
  resendFromHistory: 'feishuBadge.resendFromHistory',
  addProfile: 'feishuBadge.addProfile',
  switchProfile: 'feishuBadge.switchProfile',
  removeProfile: 'feishuBadge.removeProfile',
  copyLastRequestAsCurl: 'feishuBadge.copyLastRequestAsCurl',
  showLog: 'feishuBadge.showLog',
  openForm: 'feishuBadge.openForm',
} as const;

export const SETTINGS_SECTION = 'feishuBadge';
