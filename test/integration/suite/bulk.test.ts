/// <reference types="mocha" />
// Bulk badges in the real extension host, against the local Feishu-like server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { BulkCommandResult as BulkResult } from '../../../src/host/commands/bulk.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { connectTo, disconnect, startSuiteServer } from './server.ts';

const APP = { appId: 'cli_bulk_app', appSecret: 'bulk-secret-3d9e2a7c41' };
/** A second app on the same API base: the case where a checkpoint keyed by the base alone skipped users. */
const APP_2 = { appId: 'cli_bulk_app_two', appSecret: 'bulk-secret-two-8f1c0b' };


const users = (n: number, prefix: string): Array<Record<string, unknown>> =>
  Array.from({ length: n }, (_, i) => ({ user_id: `ou_${prefix}_${i}`, pc: { web_app: 2 }, mobile: { web_app: 2 } }));
const bulk = (args: unknown, options?: { signal?: AbortSignal }): Thenable<BulkResult> => vscode.commands.executeCommand<BulkResult>('feishuBadge.bulkSetBadges', args, options);
const sentUsers = (server: FeishuServer): string[] => server.badgeRequests().filter((r) => r.code === 0).map((r) => (r.body as { user_id: string }).user_id);

describe('bulk badges in the extension host', function () {
  this.timeout(60_000);
  let server: FeishuServer;

  before(async () => {
    server = await startSuiteServer({ apps: [APP, APP_2] });
    await connectTo(server, APP);
  });

  after(disconnect);

  beforeEach(() => server.clearRequests());

  it('a dry run validates everything and sends nothing', async () => {
    const result = await bulk({ items: [...users(3, 'dry'), { user_id: '', pc: { web_app: 1 } }], dryRun: true });
    assert.equal(result.dryRun, true);
    assert.deepEqual([result.total, result.valid, result.failed], [4, 3, 1]);
    assert.equal(result.results[0]?.issues?.[0]?.path, 'user_id');
    assert.equal(server.badgeRequests().length, 0);
  });

  it('sends every valid item once and reports invalid ones and API failures with code, log ID and guidance', async () => {
    server.setUserStatus('ou_bulk_hidden', 'invisible');
    const items = [...users(8, 'run'), { user_id: 'ou_neg', pc: { web_app: -5 } }, { user_id: 'ou_bulk_hidden', pc: { web_app: 1 } }];
    const result = await bulk({ items, concurrency: 4 });
    assert.deepEqual([result.total, result.ok, result.failed, result.skipped], [10, 8, 2, 0]);
    assert.deepEqual(sentUsers(server).sort(), users(8, 'run').map((u) => u.user_id as string).sort());
    const hidden = result.results.find((r) => r.userId === 'ou_bulk_hidden');
    assert.equal(hidden?.result?.code, 213007);
    assert.ok(hidden?.result?.logId);
    assert.equal(hidden?.result?.guidance?.id, 'api.213007');
    assert.equal(result.results.find((r) => r.userId === 'ou_neg')?.status, 'invalid');
    // The per-user view lists failures first, each with its code and log ID.
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    const groups = extension?.exports.bulkResults() ?? [];
    assert.deepEqual(groups.map((g) => g.label), ['Failed (1)', 'Invalid, not sent (1)', 'Set (8)']);
    const failed = groups[0]?.items[0];
    assert.equal(failed?.label, 'ou_bulk_hidden');
    assert.ok(failed?.description.includes('213007') && failed.description.includes(hidden?.result?.logId ?? 'missing'), failed?.description);
  });

  it('adapts to the rate limit and never writes one user twice at once', async () => {
    server.setRateLimit({ limit: 10, windowMs: 500 });
    server.setBadgeLatency(10);
    try {
      const items = [...users(20, 'rl'), ...users(5, 'rl')]; // five users twice
      const result = await bulk({ items, concurrency: 6 });
      assert.equal(result.ok, 25, JSON.stringify(result.results.filter((r) => r.status !== 'ok').slice(0, 3)));
      assert.equal(server.badgeRequests().filter((r) => r.code === 213004).length, 0);
      assert.ok(server.badgeRequests().filter((r) => r.code === 99991400).length <= 5);
    } finally {
      server.setRateLimit(undefined);
      server.setBadgeLatency(0);
    }
  });

  it('a cancelled run resumes without sending any user twice', async () => {
    server.setBadgeLatency(40);
    try {
      const items = users(30, 'resume');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 500);
      const first = await bulk({ items, concurrency: 1 }, { signal: controller.signal });
      assert.equal(first.cancelled, true);
      assert.ok(first.ok > 0 && first.ok < 30, `first run set ${first.ok}`);
      const sentFirst = new Set(sentUsers(server));
      server.clearRequests();
      const second = await bulk({ items, concurrency: 4 });
      assert.equal(second.cancelled, false);
      assert.equal(second.skipped, sentFirst.size);
      assert.equal(second.ok + second.skipped, 30);
      assert.equal(sentUsers(server).filter((id) => sentFirst.has(id)).length, 0, 'no double sends');
    } finally {
      server.setBadgeLatency(0);
    }
  });

  it('resume is keyed by profile and app: a list cancelled on one profile is sent in full by another app on the same API base, and still resumes on the first', async () => {
    const added = await vscode.commands.executeCommand<{ ok: boolean; id?: string }>('feishuBadge.addProfile', { name: 'Bulk second', domain: 'custom', customBaseUrl: server.url });
    assert.equal(added.ok, true);
    // Adding a profile makes it the active one: the list starts on the first profile.
    assert.equal((await vscode.commands.executeCommand<{ ok: boolean }>('feishuBadge.switchProfile', { id: 'default' })).ok, true);
    server.setBadgeLatency(40);
    try {
      const items = users(30, 'profiles');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 500);
      const first = await bulk({ items, concurrency: 1 }, { signal: controller.signal });
      assert.equal(first.cancelled, true);
      assert.ok(first.ok > 0 && first.ok < 30, `first run set ${first.ok}`);
      // The same list on another profile, another app, the same API base: nobody is skipped.
      assert.equal((await vscode.commands.executeCommand<{ ok: boolean }>('feishuBadge.switchProfile', { id: added.id })).ok, true);
      assert.equal((await vscode.commands.executeCommand<{ ok: boolean }>('feishuBadge.configureCredentials', APP_2)).ok, true);
      server.clearRequests();
      const other = await bulk({ items, concurrency: 4 });
      assert.deepEqual([other.ok, other.skipped], [30, 0], 'a checkpoint of another profile never skips anyone');
      assert.equal(sentUsers(server).length, 30);
      // Back on the first profile the list resumes where it stopped.
      assert.equal((await vscode.commands.executeCommand<{ ok: boolean }>('feishuBadge.switchProfile', { id: 'default' })).ok, true);
      server.clearRequests();
      const resumed = await bulk({ items, concurrency: 4 });
      // Each run has its own checkpoint: the other profile's finished run did not touch this one.
      assert.deepEqual([resumed.skipped, resumed.ok], [first.ok, 30 - first.ok]);
      assert.equal(sentUsers(server).length, 30 - first.ok, 'nobody twice');
    } finally {
      server.setBadgeLatency(0);
      await vscode.commands.executeCommand('feishuBadge.switchProfile', { id: 'default' });
      const removed = await vscode.commands.executeCommand<{ ok: boolean } | undefined>('feishuBadge.removeProfile', { id: added.id });
      assert.equal(removed?.ok, true, `the test's profile is removed: ${JSON.stringify(removed)}`);
    }
  });
});
