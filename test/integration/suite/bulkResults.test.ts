/// <reference types="mocha" />
// The Bulk Results view's actions in the real extension host: the export suggests a dated file
// and offers to open it; "Retry Failed" sends only the failed users of the last run again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json' with { type: 'json' };
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { BulkCommandResult } from '../../../src/host/commands/bulk.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { startSuiteServer } from './server.ts';
import { messages, stubWindow, withStubs } from './stubs.ts';
import { waitFor } from './waitFor.ts';

const APP = { appId: 'cli_results_app', appSecret: 'results-secret-d4a90e51b7' };
const SILENT = { silent: true };
const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);
const item = (userId: string): Record<string, unknown> => ({ user_id: userId, pc: { web_app: 1 } });
const sentUsers = (server: FeishuServer): string[] => server.badgeRequests().map((r) => (r.body as { user_id: string }).user_id);

describe('bulk results: export and retry', function () {
  this.timeout(30_000);
  let server: FeishuServer;
  let api: FeishuBadgeApi;

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', server.url);
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    assert.ok(extension);
    api = await extension.activate();
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
  });

  after(async () => {
    await run('feishuBadge.clearCredentials');
    for (const key of ['domain', 'customBaseUrl']) await setting(key, undefined);
  });

  beforeEach(() => server.clearRequests());

  it('the export suggests feishu-badge-bulk-<date>.csv in the workspace folder, says where it wrote and opens it', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the integration window has a workspace folder');
    const summary = await run<BulkCommandResult>('feishuBadge.bulkSetBadges', { items: [item('ou_results_1'), item('ou_results_2'), item('ou_results_3')] }, SILENT);
    assert.equal(summary.ok, 3);
    const target = vscode.Uri.joinPath(folder, 'bulk-export-under-test.csv');
    const save = stubWindow('showSaveDialog', () => target);
    const info = stubWindow('showInformationMessage', ([message]) => (String(message).startsWith('Exported') ? 'Open' : undefined));
    try {
      await withStubs([save, info], () => run('feishuBadge.exportBulkResults'));
      const options = save.calls[0]?.args[0] as vscode.SaveDialogOptions | undefined;
      const suggested = options?.defaultUri;
      assert.ok(suggested, 'the save dialog suggests a file');
      assert.match(suggested.path.split('/').at(-1) ?? '', /^feishu-badge-bulk-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}\.csv$/);
      assert.equal(vscode.Uri.joinPath(suggested, '..').toString(), folder.toString());
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
      assert.equal(text.trim().split(/\r?\n/).length, 4, 'a header and three rows');
      assert.deepEqual(messages(info), [`Exported 3 rows to ${target.fsPath}.`]);
      await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === target.toString(), 'the exported file open in an editor');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
    }
  });

  it('Retry Failed sends only the failed users of the last run again', async () => {
    const hidden = ['ou_results_hidden_1', 'ou_results_hidden_2'];
    for (const id of hidden) server.setUserStatus(id, 'invisible');
    const first = await run<BulkCommandResult>('feishuBadge.bulkSetBadges', { items: [item('ou_results_ok_1'), item(hidden[0] ?? ''), item('ou_results_ok_2'), { user_id: 'ou_results_bad', pc: { web_app: -1 } }, item(hidden[1] ?? '')] }, SILENT);
    assert.deepEqual([first.ok, first.failed], [2, 3], 'two failed answers, one invalid item');
    assert.equal(api.contexts()['feishuBadge.bulkHasFailures'], true);

    for (const id of hidden) server.setUserStatus(id, 'ok');
    server.clearRequests();
    const retried = await run<BulkCommandResult>('feishuBadge.retryFailedBulk', undefined, SILENT);
    assert.deepEqual([retried.total, retried.ok, retried.failed], [2, 2, 0]);
    assert.deepEqual(sentUsers(server).sort(), [...hidden].sort(), 'only the failed users, not the invalid item nor those already set');
    assert.equal(api.contexts()['feishuBadge.bulkHasFailures'], false);
    assert.deepEqual(api.bulkResults().map((group) => group.label), ['Set (2)']);

    server.clearRequests();
    assert.equal(await run('feishuBadge.retryFailedBulk', undefined, SILENT), undefined, 'nothing left to retry');
    assert.equal(server.badgeRequests().length, 0);
  });

  it('Retry Failed is on the Bulk Results view’s title bar, and in the palette only when there are failures', () => {
    const { commands, menus } = manifest.contributes;
    assert.ok(commands.some((command) => command.command === 'feishuBadge.retryFailedBulk' && command.title === '%command.retryFailedBulk%'));
    const title = (menus['view/title'] as Array<{ command: string; when?: string }>).find((entry) => entry.command === 'feishuBadge.retryFailedBulk');
    assert.match(title?.when ?? '', /view == feishuBadge\.bulkResults/);
    const palette = (menus.commandPalette as Array<{ command: string; when?: string }>).find((entry) => entry.command === 'feishuBadge.retryFailedBulk');
    assert.equal(palette?.when, 'feishuBadge.bulkHasFailures');
  });
});
