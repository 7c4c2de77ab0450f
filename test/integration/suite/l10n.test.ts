/// <reference types="mocha" />
// The display language reaches the extension: in a zh-cn host, results and guidance are Chinese.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import { startSuiteServer } from './server.ts';

const APP = { appId: 'cli_l10n_app', appSecret: 'l10n-secret-a0c3e5f7' };
const chinese = /[\u4e00-\u9fff]/;

describe('display language', function () {
  this.timeout(30_000);

  it('guidance and validation messages follow vscode.env.language', async () => {
    const server = await startSuiteServer({ apps: [APP] });
    const config = vscode.workspace.getConfiguration('feishuBadge');
    await config.update('domain', 'custom', vscode.ConfigurationTarget.Global);
    await config.update('customBaseUrl', server.url, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('feishuBadge.configureCredentials', APP);
      server.setUserStatus('ou_l10n_hidden', 'invisible');
      const failed = await vscode.commands.executeCommand<BadgeCommandResult>('feishuBadge.setBadge', { user_id: 'ou_l10n_hidden', pc: { web_app: 1 } });
      const invalid = await vscode.commands.executeCommand<BadgeCommandResult>('feishuBadge.setBadge', { user_id: '' });
      const zh = vscode.env.language.toLowerCase().startsWith('zh');
      console.log(`[l10n] vscode.env.language=${vscode.env.language}`);
      assert.equal(chinese.test(failed.guidance?.title ?? ''), zh, failed.guidance?.title);
      assert.equal(chinese.test(invalid.issues?.[0]?.message ?? ''), zh, invalid.issues?.[0]?.message);
      assert.equal(chinese.test(vscode.l10n.t('Show Guidance')), false, 'the suite has no bundle of its own');
    } finally {
      await vscode.commands.executeCommand('feishuBadge.clearCredentials');
      await config.update('domain', undefined, vscode.ConfigurationTarget.Global);
      await config.update('customBaseUrl', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
