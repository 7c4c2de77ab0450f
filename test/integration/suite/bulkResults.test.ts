/// <reference types="mocha" />
// The Bulk Results view's actions in the real extension host: the export suggests a dated file
// and offers to open it; "Retry Failed" sends only the failed users of the last run again.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json' with { type: 'json' };
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { BulkItemResult, BulkSummary } from '../../../src/core/bulk.ts';
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

/** At most this many rows of a group are listed; a last row says how many more the CSV has. */
const CAP = 500;
const ROWS = 100_000;
const count = (n: number): string => n.toLocaleString('en-US');

/** A finished run of 100,000 rows, statuses interleaved in input order (row 1 is a success), as runBulk returns it. */
function syntheticRun(): { summary: BulkSummary; items: unknown[]; counts: Record<BulkItemResult['status'], number> } {
  const counts: Record<BulkItemResult['status'], number> = { failed: 0, invalid: 0, ok: 0, skipped: 0, superseded: 0, unresolved: 0, 'not-visible': 0, inactive: 0, unknown: 0 };
  const items: unknown[] = [];
  const results: BulkItemResult[] = [];
  for (let index = 0; index < ROWS; index++) {
    const userId = `ou_scale_${index}`;
    items.push({ user_id: userId, pc: { web_app: 1 } });
    const status = index % 10 === 3 ? 'failed' : index % 25 === 7 ? 'invalid' : index % 20 === 11 ? 'skipped' : 'ok';
    counts[status]++;
    const base = { index, userId, userIdType: 'open_id', status } as const;
    if (status === 'ok') results.push({ ...base, result: { ok: true, code: 0, attempts: 1, version: String(1_700_000_000_000 + index), logId: `log_ok_${index}` } });
    else if (status === 'failed') results.push({ ...base, result: { ok: false, code: 213007, httpStatus: 400, attempts: 1, logId: `log_failed_${index}`, error: 'api', msg: 'user cannot see the app' } });
    else if (status === 'invalid') results.push({ ...base, issues: [{ path: 'pc.web_app', id: 'badge.negative' } as never] });
    else results.push(base);
  }
  const summary: BulkSummary = { total: ROWS, ok: counts.ok, failed: counts.failed + counts.invalid, skipped: counts.skipped, cancelled: false, durationMs: 1, rateLimited: 0, results };
  return { summary, items, counts };
}

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

  it('100,000 rows: failures first, each group capped with a row saying how many more, the whole tree quickly, everything in the CSV, every failure retried', async function () {
    this.timeout(120_000);
    const show = api.showBulkResultsForTests;
    assert.ok(show, 'the test hook exists under ExtensionMode.Test');
    const { summary, items, counts } = syntheticRun();

    const started = performance.now();
    show(summary, items);
    const groups = api.bulkResults(); // getChildren and getTreeItem over the whole tree
    const contexts = api.contexts();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2_000, `showing 100,000 rows and walking the tree took ${elapsed.toFixed(0)} ms`);

    assert.deepEqual(
      groups.map((group) => group.label),
      [`Failed (${count(counts.failed)})`, `Invalid, not sent (${count(counts.invalid)})`, `Set (${count(counts.ok)})`, `Skipped, done earlier (${count(counts.skipped)})`],
      'failures first, then invalid, set and skipped',
    );
    assert.deepEqual(
      groups.map((group) => group.expanded),
      [true, true, false, false],
      'failures (and invalid items) expanded, the rest collapsed',
    );
    const totals = [counts.failed, counts.invalid, counts.ok, counts.skipped];
    groups.forEach((group, g) => {
      const total = totals[g] ?? 0;
      assert.ok(total > CAP, 'every group is above the cap in this run');
      assert.equal(group.items.length, CAP + 1, `${group.label}: ${CAP} rows and one saying how many more`);
      assert.equal(group.items.at(-1)?.label, `and ${count(total - CAP)} more: export the CSV to see all`);
    });
    const failed = groups[0]?.items ?? [];
    assert.deepEqual(
      failed.slice(0, 3).map((row) => row.label),
      ['ou_scale_3', 'ou_scale_13', 'ou_scale_23'],
      'the failed rows in input order',
    );
    assert.ok(failed[0]?.description.includes('213007') && failed[0].description.includes('log_failed_3'), failed[0]?.description);
    assert.equal(contexts['feishuBadge.bulkHasFailures'], true);

    // The export has every row, not the capped list.
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder);
    const target = vscode.Uri.joinPath(folder, 'bulk-export-100k-under-test.csv');
    const save = stubWindow('showSaveDialog', () => target);
    const info = stubWindow('showInformationMessage', () => undefined);
    try {
      const exportStarted = performance.now();
      await withStubs([save, info], () => run('feishuBadge.exportBulkResults'));
      const exportMs = performance.now() - exportStarted;
      assert.ok(exportMs < 10_000, `exporting 100,000 rows took ${exportMs.toFixed(0)} ms`);
      const lines = new TextDecoder().decode(await vscode.workspace.fs.readFile(target)).trimEnd().split(/\r?\n/);
      assert.equal(lines.length, ROWS + 1, 'a header and 100,000 rows');
      assert.equal(lines.filter((line) => line.includes(',failed,')).length, counts.failed);
      assert.deepEqual(messages(info), [`Exported ${count(ROWS)} rows to ${target.fsPath}.`]);
    } finally {
      await vscode.workspace.fs.delete(target).then(undefined, () => undefined);
    }

    // Retry Failed takes every failed item, not the listed 500: a run stopped before it starts
    // (the signal is already aborted) reports how many it was given and sends nothing.
    server.clearRequests();
    const retried = await run<BulkCommandResult>('feishuBadge.retryFailedBulk', undefined, { silent: true, signal: AbortSignal.abort() });
    assert.equal(retried.total, counts.failed);
    assert.equal(server.badgeRequests().length, 0);
  });
});
