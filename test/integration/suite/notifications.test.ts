/// <reference types="mocha" />
// What the notifications and the production confirmation say, in the real extension host against
// the local Feishu-like server: the verb follows what the send did, a send that never left says
// "Not sent", and the confirmation names the action, the user, the counts and the host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { ProfileResult } from '../../../src/host/commands/profiles.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { startSuiteServer } from './server.ts';
import { messages, stubWindow, withStubs } from './stubs.ts';
import { waitFor } from './waitFor.ts';

const APP = { appId: 'cli_notify_app', appSecret: 'notify-secret-4be7a0c2d9' };
const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);
const SILENT = { silent: true };

describe('notifications and the production confirmation', function () {
  this.timeout(30_000);
  let server: FeishuServer;
  let api: FeishuBadgeApi;
  let host = '';

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    host = new URL(server.url).host;
    await setting('domain', 'custom');
    await setting('customBaseUrl', server.url);
    await setting('defaultUserId', '');
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    assert.ok(extension);
    api = await extension.activate();
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
  });

  after(async () => {
    await run('feishuBadge.switchProfile', { id: 'default' });
    await run('feishuBadge.clearCredentials');
    for (const key of ['domain', 'customBaseUrl', 'defaultUserId']) await setting(key, undefined);
  });

  it('a clear says "cleared" and an undo "restored", also for a badge that was already empty', async () => {
    const info = stubWindow('showInformationMessage', () => undefined);
    await withStubs([info], async () => {
      assert.equal((await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: 'ou_notify_ann', pc: { web_app: 2 } })).ok, true);
      assert.match(messages(info).at(-1) ?? '', /^Badge set for ou_notify_ann \(version \d+/);
      // A clear that removed something offers Undo; the undo's own message says what it did.
      assert.equal((await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: 'ou_notify_ann' })).ok, true);
      assert.equal(messages(info).at(-1), 'Cleared the badge of ou_notify_ann.');
      const undone = await run<BadgeCommandResult>('feishuBadge.undoClear');
      assert.equal(undone.ok, true);
      assert.match(messages(info).at(-1) ?? '', /^Badge restored for ou_notify_ann \(version \d+/);
      // Nothing remembered for this user: no undo to offer, and still a clear.
      const empty = await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: 'ou_notify_empty' });
      assert.equal(empty.ok, true);
      assert.match(messages(info).at(-1) ?? '', /^Badge cleared for ou_notify_empty \(version \d+/);
      assert.equal(messages(info).filter((m) => m.startsWith('Badge set for')).length, 1, messages(info).join('\n'));
    });
  });

  describe('with a production profile', () => {
    let prodId = '';
    const prefix = '"Prod notify" is a production profile. ';

    before(async () => {
      const prod = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Prod notify', domain: 'custom', customBaseUrl: server.url, production: true });
      assert.equal(prod.ok, true);
      prodId = prod.id ?? '';
      assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
    });

    after(async () => {
      await setting('defaultUserId', '');
      if (prodId !== '') await run('feishuBadge.removeProfile', { id: prodId });
    });

    it('a declined quick clear says "Not sent", asked about clearing, and the status bar returns to idle', async () => {
      await setting('defaultUserId', 'ou_notify_bob');
      await waitFor(() => api.statusBar().visible && api.statusBar().state.kind === 'idle', 'the quick-clear item, idle');
      const warnings = stubWindow('showWarningMessage', () => undefined); // the modal, dismissed
      const info = stubWindow('showInformationMessage', () => undefined);
      await withStubs([warnings, info], async () => {
        const before = server.badgeRequests().length;
        const result = await run<BadgeCommandResult>('feishuBadge.clearBadge'); // what a click runs
        assert.equal(result.ok, false);
        assert.equal(result.error, 'cancelled');
        assert.equal(result.attempts, 0);
        assert.equal(server.badgeRequests().length, before, 'nothing sent');
        assert.deepEqual(messages(warnings), [`${prefix}Clear the badge of ou_notify_bob (PC 0/0, mobile 0/0) on ${host}?`]);
        assert.deepEqual(messages(info), ['Not sent: sending to the production profile was not confirmed.']);
        assert.equal(api.statusBar().state.kind, 'idle');
        assert.match(api.statusBar().text, /Clear badge/);
      });
    });

    it('the question names the action, the user, the counts and the host, for every action and for bulk', async () => {
      const warnings = stubWindow('showWarningMessage', () => 'Send to production');
      const info = stubWindow('showInformationMessage', () => undefined);
      await withStubs([warnings, info], async () => {
        const user = 'ou_notify_cat';
        assert.equal((await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: user, pc: { web_app: 2 }, mobile: { web_app: 1, gadget: 0 } }, SILENT)).ok, true);
        assert.equal((await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: user }, SILENT)).ok, true);
        assert.equal((await run<BadgeCommandResult>('feishuBadge.undoClear')).ok, true);
        assert.equal((await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, SILENT)).ok, true);
        const bulk = await run<{ ok: number }>('feishuBadge.bulkSetBadges', { items: [1, 2].map((i) => ({ user_id: `ou_notify_bulk_${i}`, pc: { web_app: 1 } })) }, SILENT);
        assert.equal(bulk.ok, 2);
        assert.deepEqual(messages(warnings), [
          `${prefix}Set the badge of ${user} (PC 2/–, mobile 1/0) on ${host}?`,
          `${prefix}Clear the badge of ${user} (PC 0/0, mobile 0/0) on ${host}?`,
          `${prefix}Restore the badge of ${user} (PC 2/–, mobile 1/0) on ${host}?`,
          `${prefix}Re-send the badge of ${user} (PC 2/–, mobile 1/0) on ${host}?`,
          `${prefix}Set the badges of 2 users on ${host}?`,
        ]);
      });
    });
  });
});
