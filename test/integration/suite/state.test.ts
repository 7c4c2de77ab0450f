/// <reference types="mocha" />
// Remembered badge state, undo after a quick clear, and re-sending from the history, in the real
// extension host against the local Feishu-like server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { startSuiteServer } from './server.ts';
import { waitFor } from './waitFor.ts';

const APP = { appId: 'cli_state_app', appSecret: 'state-secret-58c1e0b2aa' };
const USER = 'ou_state_carol';
const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);
const bodyOf = (server: FeishuServer, at = -1): Record<string, unknown> => (server.badgeRequests().at(at)?.body ?? {}) as Record<string, unknown>;


describe('remembered state, undo and history', function () {
  this.timeout(30_000);
  let server: FeishuServer;
  let api: FeishuBadgeApi;

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', server.url);
    await setting('defaultUserId', USER);
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    assert.ok(extension);
    api = await extension.activate();
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
  });

  after(async () => {
    await run('feishuBadge.clearCredentials');
    for (const key of ['domain', 'customBaseUrl', 'defaultUserId']) await setting(key, undefined);
  });

  it('the status-bar tooltip shows what was last set for the target user', async () => {
    const set = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 3, gadget: 1 }, mobile: { web_app: 2, gadget: 0 } });
    assert.equal(set.ok, true);
    await waitFor(() => api.statusBar().tooltip.includes('PC 3/1, mobile 2/0'), 'the remembered counts in the tooltip');
    assert.ok(api.statusBar().tooltip.includes(set.version ?? 'missing'));
  });

  it('undo after a quick clear puts the previous counts back with a newer version', async () => {
    const cleared = await run<BadgeCommandResult>('feishuBadge.clearBadge');
    assert.equal(cleared.ok, true);
    assert.deepEqual(bodyOf(server).pc, { web_app: 0, gadget: 0 });
    const undone = await run<BadgeCommandResult>('feishuBadge.undoClear');
    assert.equal(undone.ok, true);
    const body = bodyOf(server);
    assert.deepEqual([body.pc, body.mobile], [{ web_app: 3, gadget: 1 }, { web_app: 2, gadget: 0 }]);
    assert.ok(BigInt(undone.version ?? '0') > BigInt(cleared.version ?? '0'));
    assert.equal(await run('feishuBadge.undoClear'), undefined, 'an undo is used once');
  });

  it('re-sends a request from the history with the same body and a new version', async () => {
    const sent = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: 'ou_state_dave', extra: '{"h":1}', pc: { web_app: 9 } });
    const count = server.badgeRequests().length;
    const again = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 });
    assert.equal(again.ok, true);
    assert.equal(server.badgeRequests().length, count + 1);
    const body = bodyOf(server);
    assert.deepEqual({ ...body, version: 'v' }, { user_id: 'ou_state_dave', extra: '{"h":1}', pc: { web_app: 9 }, version: 'v' });
    assert.ok(BigInt(again.version ?? '0') > BigInt(sent.version ?? '0'));
    const wrong = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 999 });
    assert.equal(wrong.error, 'validation');
  });

  it('a re-send pinned by time finds its entry after newer sends moved it', async () => {
    await run('feishuBadge.setBadge', { user_id: 'ou_state_frank', pc: { web_app: 4 } });
    const drawn = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: 'ou_state_grace', pc: { web_app: 6 } });
    assert.equal(drawn.ok, true);
    // What the form drew: grace at index 0, with the time it was sent. Then another send lands.
    const entryTime = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await run('feishuBadge.setBadge', { user_id: 'ou_state_heidi', pc: { web_app: 1 } });
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    const history = extension?.exports.history() ?? [];
    const grace = history.find((entry) => entry.userId === 'ou_state_grace' && entry.at <= entryTime);
    assert.ok(grace, 'grace is in the history');
    const again = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0, at: grace.at });
    assert.equal(again.ok, true);
    assert.equal(bodyOf(server).user_id, 'ou_state_grace', 'the pinned entry, not whatever is at index 0 now');
    const gone = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0, at: 1 });
    assert.equal(gone.error, 'validation');
  });

  it('re-send takes the form\'s { signal, silent } options like setBadge', async () => {
    const count = server.badgeRequests().length;
    const silent = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, { silent: true });
    assert.equal(silent.ok, true);
    assert.equal(server.badgeRequests().length, count + 1);
    const controller = new AbortController();
    controller.abort();
    const cancelled = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, { signal: controller.signal, silent: true });
    assert.equal(cancelled.ok, false);
    assert.equal(cancelled.error, 'cancelled');
    assert.equal(server.badgeRequests().length, count + 1);
  });
});
