/// <reference types="mocha" />
// Trust in the real extension host: the API base comes from user settings only, credentials go
// only to the origin they were entered for (another asks first), hostile answers never reach a
// command result or an export, and the userIdType setting is the default everywhere.
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { BulkCommandResult } from '../../../src/host/commands/bulk.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { recordSecret } from './secrets.ts';
import { startSuiteServer } from './server.ts';
import { waitFor } from './waitFor.ts';

const APP = { appId: 'cli_trust_app', appSecret: 'trust-secret-5c1d8e2b9f' };
const USER = 'ou_trust_alice';

type Connection = { ok: boolean; code?: number; error?: string; stage?: string; msg?: string };

const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> =>
  vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);

/** Answers the "send your credentials to …?" modal; other warnings go to the real window. */
function answerOriginPrompt(answer: (origin: string) => string | undefined): { asked: string[]; restore: () => void } {
  const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
  const original = window.showWarningMessage;
  const asked: string[] = [];
  window.showWarningMessage = (message: unknown, ...rest: unknown[]) => {
    if (typeof message === 'string' && message.startsWith('Send your Feishu credentials to ')) {
      asked.push(message);
      const origin = message.slice('Send your Feishu credentials to '.length, -1);
      const wanted = answer(origin);
      // The modal's button is the last argument: pick it only when the answer says so.
      const button = rest.find((item): item is string => typeof item === 'string' && item === wanted);
      return Promise.resolve(button);
    }
    return original.call(vscode.window, message, ...rest);
  };
  return { asked, restore: () => (window.showWarningMessage = original) };
}


describe('trust: where secrets may go', function () {
  this.timeout(60_000);
  let server: FeishuServer;
  let other: FeishuServer;

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    other = await startSuiteServer({ apps: [APP] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', server.url);
    const connected = await run<Connection>('feishuBadge.configureCredentials', APP);
    assert.equal(connected.ok, true, JSON.stringify(connected));
  });

  after(async () => {
    await run('feishuBadge.clearCredentials');
    for (const key of ['domain', 'customBaseUrl', 'userIdType']) await setting(key, undefined);
  });

  beforeEach(() => {
    server.clearRequests();
    other.clearRequests();
  });

  it('a workspace .vscode/settings.json cannot move the API base', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test window has a workspace folder');
    const dir = join(folder.uri.fsPath, '.vscode');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ 'feishuBadge.domain': 'custom', 'feishuBadge.customBaseUrl': other.url, 'feishuBadge.timeoutMs': 9_876 }));
    try {
      // timeoutMs is window-scoped: once the workspace value shows, VS Code has read the file.
      await waitFor(() => vscode.workspace.getConfiguration('feishuBadge').inspect('timeoutMs')?.workspaceValue === 9_876, 'the workspace settings to load', 10_000);
      const result = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(other.requests.length, 0, 'the workspace-chosen host received a request');
      assert.equal(server.badgeRequests().length, 1);
      const tested = await run<Connection>('feishuBadge.testConnection');
      assert.equal(tested.ok, true);
      assert.equal(other.requests.length, 0);
    } finally {
      writeFileSync(file, '{}');
      await waitFor(() => vscode.workspace.getConfiguration('feishuBadge').inspect('timeoutMs')?.workspaceValue === undefined, 'the workspace settings to clear', 10_000);
    }
  });

  it('another API base in user settings asks first; declining sends nothing, accepting binds the credentials', async () => {
    const prompt = answerOriginPrompt(() => undefined);
    try {
      await setting('customBaseUrl', other.url);
      const declined = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
      assert.deepEqual([declined.ok, declined.error, declined.attempts], [false, 'untrusted-origin', 0]);
      assert.equal(prompt.asked.length, 1);
      assert.ok(prompt.asked[0]?.includes(other.url), prompt.asked[0]);
      assert.equal(other.requests.length, 0, 'the App Secret went to an unconfirmed origin');
      const tested = await run<Connection>('feishuBadge.testConnection');
      assert.equal(tested.error, 'untrusted-origin');
      assert.equal(other.requests.length, 0);
    } catch (error) {
      await setting('customBaseUrl', server.url);
      throw error;
    } finally {
      prompt.restore();
    }
    const accept = answerOriginPrompt((origin) => `Send to ${origin}`);
    try {
      const sent = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
      assert.equal(sent.ok, true, JSON.stringify(sent));
      assert.equal(accept.asked.length, 1);
      assert.equal(other.tokenRequests().length, 1);
      // Bound now: the next send does not ask again.
      await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 2 } });
      assert.equal(accept.asked.length, 1);
      // And going back to the first server asks again, since the credentials now belong to the other.
      await setting('customBaseUrl', server.url);
      const back = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 3 } });
      assert.equal(back.ok, true);
      assert.equal(accept.asked.length, 2);
    } finally {
      accept.restore();
      await setting('customBaseUrl', server.url);
    }
  });

  it('a redirect from the token endpoint is not followed and the result names its origin', async () => {
    await run('feishuBadge.configureCredentials', APP);
    server.clearRequests();
    server.inject({ type: 'redirect', status: 307, location: `${other.url}/open-apis/auth/v3/tenant_access_token/internal?x=1` }, { route: 'token' });
    const tested = await run<Connection & { guidance?: unknown }>('feishuBadge.testConnection');
    assert.deepEqual([tested.ok, tested.error, tested.stage], [false, 'invalid-response', 'token']);
    assert.equal(other.requests.length, 0);
  });

  it('hostile echoes never reach command results, the log or exports', async () => {
    await run('feishuBadge.configureCredentials', APP);
    // A badge endpoint that echoes the Authorization header, and a token endpoint that echoes the App Secret.
    server.inject({ type: 'echo', as: 'json-with-code', status: 400 }, { route: 'badge', times: 10 });
    const set = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(set.ok, false);
    const curl = await run<string>('feishuBadge.copyLastRequestAsCurl');
    const bulk = await run<BulkCommandResult>('feishuBadge.bulkSetBadges', { items: [{ user_id: 'ou_trust_bulk', pc: { web_app: 1 } }] });
    assert.equal(bulk.failed, 1);
    server.reset();
    server.inject({ type: 'echo', as: 'html', status: 500 }, { route: 'token' });
    await run('feishuBadge.configureCredentials', APP);
    server.inject({ type: 'echo', as: 'json-no-code', status: 200 }, { route: 'token' });
    const tested = await run<Connection>('feishuBadge.testConnection');
    assert.equal(tested.stage, 'token');
    const tokens = [...server.issuedTokens()];
    for (const token of tokens) recordSecret(token);
    const shown = JSON.stringify([set, curl, bulk, tested]);
    for (const secret of [APP.appSecret, ...tokens]) assert.ok(!shown.includes(secret), `a secret reached a command result: ${shown.slice(0, 300)}`);
    // The CSV export goes into the workspace, which the run's leak scan covers.
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const target = vscode.Uri.file(join(folder.uri.fsPath, 'bulk-results-export.csv'));
    const window = vscode.window as { showSaveDialog: (...args: unknown[]) => Thenable<vscode.Uri | undefined> };
    const original = window.showSaveDialog;
    window.showSaveDialog = () => Promise.resolve(target);
    try {
      await run('feishuBadge.exportBulkResults');
    } finally {
      window.showSaveDialog = original;
    }
    const csv = readFileSync(target.fsPath, 'utf8');
    assert.match(csv, /ou_trust_bulk/);
    for (const secret of [APP.appSecret, ...tokens]) assert.ok(!csv.includes(secret), 'a secret reached the CSV export');
  });

  it('a pasted token with a line break is refused before any request', async () => {
    const result = await run<Connection>('feishuBadge.useTenantToken', { token: 't-abc123def456\r\nX-Injected: 1' });
    assert.deepEqual([result.ok, result.error], [false, 'validation']);
    assert.ok(!(result.msg ?? '').includes('abc123def456'));
    assert.equal(server.requests.length, 0);
    await run('feishuBadge.configureCredentials', APP);
  });
});

describe('trust: contracts', function () {
  this.timeout(60_000);
  let server: FeishuServer;

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', server.url);
    await run('feishuBadge.configureCredentials', APP);
  });

  after(async () => {
    await run('feishuBadge.clearCredentials');
    for (const key of ['domain', 'customBaseUrl', 'userIdType']) await setting(key, undefined);
  });

  beforeEach(() => server.clearRequests());

  it('the userIdType setting is the default for commands with arguments and for bulk items', async () => {
    await setting('userIdType', 'union_id');
    const set = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: 'on_trust_bob', pc: { web_app: 1 } });
    assert.equal(set.ok, true, JSON.stringify(set));
    const cleared = await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: 'on_trust_bob' });
    assert.equal(cleared.ok, true);
    const bulk = await run<BulkCommandResult>('feishuBadge.bulkSetBadges', { items: [{ user_id: 'on_trust_carol', pc: { web_app: 1 } }, { user_id: 'ou_trust_dave', user_id_type: 'open_id', pc: { web_app: 1 } }] });
    assert.equal(bulk.ok, 2, JSON.stringify(bulk));
    const types = server.badgeRequests().map((r) => `${(r.body as { user_id: string }).user_id} ${r.query.user_id_type ?? '-'}`).sort();
    assert.deepEqual(types, ['on_trust_bob union_id', 'on_trust_bob union_id', 'on_trust_carol union_id', 'ou_trust_dave open_id']);
    await setting('userIdType', undefined);
  });

  it('token failures say what went wrong (error) and where (stage)', async () => {
    const wrong = await run<Connection>('feishuBadge.configureCredentials', { appId: APP.appId, appSecret: 'trust-wrong-secret-1' });
    recordSecret('trust-wrong-secret-1');
    assert.deepEqual([wrong.ok, wrong.error, wrong.stage, wrong.code], [false, 'api', 'token', 10015]);
    const badgeWithWrongSecret = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.deepEqual([badgeWithWrongSecret.error, badgeWithWrongSecret.stage, badgeWithWrongSecret.code], ['api', 'token', 10015]);
    await run('feishuBadge.configureCredentials', APP);
    // A refused connection: the server's port, closed.
    const closed = await startSuiteServer({ apps: [APP] });
    const url = closed.url;
    await closed.close();
    const prompt = answerOriginPrompt((origin) => `Send to ${origin}`);
    try {
      await setting('customBaseUrl', url);
      const refused = await run<Connection>('feishuBadge.testConnection');
      assert.deepEqual([refused.ok, refused.error, refused.stage], [false, 'network', 'token']);
    } finally {
      prompt.restore();
      await setting('customBaseUrl', server.url);
    }
  });
});
