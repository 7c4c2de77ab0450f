/** Every command id, mirroring `contributes.commands` in package.json. */
export const COMMANDS = {
  showLog: 'feishuBadge.showLog',
} as const;
