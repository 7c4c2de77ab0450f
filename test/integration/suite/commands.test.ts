/// <reference types="mocha" />
// The extension in the real extension host, against the local Feishu-like server (domain: custom).
// Every command is invoked with arguments, as another extension would, and checked by what the
// server received and what the command returned.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { guidanceFor } from '../../../src/core/guidance/guidance.ts';
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { recordSecret } from './secrets.ts';
import { startSuiteServer } from './server.ts';

const APP = { appId: 'cli_integration_app', appSecret: 'integration-secret-7f3a9c1e5b' };
const USER = 'ou_integration_alice';

type Connection = { ok: boolean; code?: number; msg?: string; logId?: string; error?: string };

const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('feishuBadge');

async function setSetting(key: string, value: unknown): Promise<void> {
  await config().update(key, value, vscode.ConfigurationTarget.Global);
}

describe('Feishu Badge in the extension host', function () {
  this.timeout(30_000);
  let server: FeishuServer;
  let api: FeishuBadgeApi;

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    await setSetting('domain', 'custom');
    await setSetting('customBaseUrl', server.url);
    await setSetting('defaultUserId', '');
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    assert.ok(extension, 'extension is installed');
    api = await extension.activate();
  });

  after(async () => {
    await run('feishuBadge.clearCredentials');
    for (const key of ['domain', 'customBaseUrl', 'defaultUserId', 'maxRetries', 'statusBar.enabled', 'timeoutMs']) await setSetting(key, undefined);
    await server.close();
  });

  // clearRequests, not reset: a reset would also forget the tokens the extension has cached.
  beforeEach(() => server.clearRequests());

  it('contributes every command', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['configureCredentials', 'useTenantToken', 'clearCredentials', 'testConnection', 'setBadge', 'clearBadge', 'copyLastRequestAsCurl', 'showLog', 'openForm']) {
      assert.ok(all.includes(`feishuBadge.${id}`), id);
    }
  });

  it('without credentials, setBadge sends nothing and says so', async () => {
    await run('feishuBadge.clearCredentials');
    const result = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'no-credentials');
    assert.equal(server.requests.length, 0);
  });

  it('configureCredentials with a wrong secret reports 10015 with the log ID', async () => {
    const result = await run<Connection>('feishuBadge.configureCredentials', { appId: APP.appId, appSecret: 'wrong-secret-value' });
    recordSecret('wrong-secret-value');
    assert.equal(result.ok, false);
    assert.equal(result.code, 10015);
    assert.equal(result.logId, server.tokenRequests()[0]?.logId);
  });

  it('configureCredentials stores and verifies; testConnection fetches a token', async () => {
    const stored = await run<Connection>('feishuBadge.configureCredentials', APP);
    assert.deepEqual(stored, { ok: true });
    assert.deepEqual(server.tokenRequests()[0]?.body, { app_id: APP.appId, app_secret: APP.appSecret });
    const tested = await run<Connection>('feishuBadge.testConnection');
    assert.equal(tested.ok, true);
    assert.equal(server.tokenRequests().length, 2);
    assert.equal(JSON.stringify([stored, tested]).includes(APP.appSecret), false);
  });

  it('setBadge sends exactly the body and headers, and versions increase across calls', async () => {
    const first = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, extra: '{"k":1}', pc: { web_app: 2, gadget: 1 }, mobile: { web_app: 3 } });
    assert.equal(first.ok, true, JSON.stringify(first));
    const request = server.badgeRequests()[0];
    assert.ok(request);
    assert.deepEqual(request.body, { user_id: USER, version: first.version, extra: '{"k":1}', pc: { web_app: 2, gadget: 1 }, mobile: { web_app: 3 } });
    assert.equal(request.query.user_id_type, 'open_id');
    assert.match(request.headers.authorization ?? '', /^Bearer t-/);
    assert.equal(request.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(first.logId, request.logId);
    assert.equal(first.attempts, 1);
    const second = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 5 } });
    assert.ok(BigInt(second.version ?? '0') > BigInt(first.version ?? '0'));
  });

  it('versions stay ahead of globalState across a restart of the client (settings change rebuilds it)', async () => {
    const before = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    await setSetting('timeoutMs', 9_000); // rebuilds the core; the version store is globalState
    const after = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(after.ok, true);
    assert.ok(BigInt(after.version ?? '0') > BigInt(before.version ?? '0'));
  });

  it('invalid arguments come back as field-level issues and nothing is sent', async () => {
    const result = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: '', pc: { web_app: -1 }, moblie: {} });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'validation');
    const errors = (result.issues ?? []).filter((issue) => issue.severity === 'error').map((issue) => issue.path).sort();
    assert.deepEqual(errors, ['moblie', 'pc.web_app', 'user_id']);
    assert.ok(result.issues?.every((issue) => issue.message.length > 0));
    assert.equal(server.badgeRequests().length, 0);
  });

  it('clearBadge sets all four counts to zero', async () => {
    const result = await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: USER });
    assert.equal(result.ok, true);
    const body = server.badgeRequests()[0]?.body as Record<string, unknown>;
    assert.deepEqual({ ...body, version: 'v' }, { user_id: USER, version: 'v', pc: { web_app: 0, gadget: 0 }, mobile: { web_app: 0, gadget: 0 } });
  });

  it('213001 is retried once with a newer version', async () => {
    server.inject({ type: 'api-error', code: 213001, msg: 'pc version conflict' });
    const result = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(result.ok, true);
    assert.equal(result.attempts, 2);
    assert.equal(result.retries?.[0]?.reason, 'version-conflict');
    const [a, b] = server.badgeRequests().map((r) => (r.body as { version: string }).version);
    assert.ok(BigInt(b ?? '0') > BigInt(a ?? '0'));
  });

  it('99991663 drops the token, fetches a new one and retries once', async () => {
    await run('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    server.revokeAllTokens();
    server.clearRequests();
    const result = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(result.ok, true);
    assert.equal(result.attempts, 2);
    assert.equal(server.tokenRequests().length, 1);
  });

  it('a rate limit is waited out (x-ogw-ratelimit-reset)', async () => {
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-reset': '1' } });
    const started = Date.now();
    const result = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(result.ok, true);
    assert.equal(result.retries?.[0]?.reason, 'rate-limited');
    assert.ok(Date.now() - started >= 950);
  });

  it('an error result carries the code, the log ID and the guidance', async () => {
    server.setUserStatus('ou_integration_hidden', 'invisible');
    const result = await run<BadgeCommandResult & { guidance?: { id: string; title: string; steps: string[] } }>('feishuBadge.setBadge', {
      user_id: 'ou_integration_hidden',
      pc: { web_app: 1 },
    });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'api');
    assert.equal(result.code, 213007);
    assert.equal(result.httpStatus, 400);
    const logId = server.badgeRequests()[0]?.logId ?? 'missing';
    assert.equal(result.logId, logId);
    const locale = vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
    const expected = guidanceFor({ kind: 'api', code: 213007, httpStatus: 400, logId }, locale);
    assert.equal(result.guidance?.id, 'api.213007');
    assert.equal(result.guidance?.title, expected.title);
    assert.deepEqual(result.guidance?.steps, expected.steps);
  });

  it('copyLastRequestAsCurl returns the last request without the token', async () => {
    await run('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 4 } });
    const text = await run<string>('feishuBadge.copyLastRequestAsCurl');
    assert.match(text, /app_badge\/set\?user_id_type=open_id/);
    assert.match(text, /\$FEISHU_TENANT_ACCESS_TOKEN/);
    for (const token of server.issuedTokens()) assert.equal(text.includes(token), false);
    assert.equal(await vscode.env.clipboard.readText(), text);
  });

  it('the status-bar item clears the target user and shows the outcome', async () => {
    await setSetting('defaultUserId', USER);
    await waitFor(() => api.statusBar().visible && api.statusBar().state.kind === 'idle');
    assert.match(api.statusBar().tooltip, new RegExp(USER));
    const result = await run<BadgeCommandResult>('feishuBadge.clearBadge'); // what a click runs
    assert.equal(result.ok, true);
    assert.equal((server.badgeRequests()[0]?.body as { user_id: string }).user_id, USER);
    const view = api.statusBar();
    assert.equal(view.state.kind, 'done');
    assert.match(view.text, /\$\(check\)/);
    await setSetting('statusBar.enabled', false);
    await waitFor(() => !api.statusBar().visible);
    await setSetting('statusBar.enabled', true);
    await waitFor(() => api.statusBar().visible);
  });

  it('a failed quick clear shows ✗ and the code', async () => {
    await setSetting('defaultUserId', 'ou_integration_hidden');
    server.setUserStatus('ou_integration_hidden', 'invisible');
    await waitFor(() => api.statusBar().visible);
    await run('feishuBadge.clearBadge');
    const view = api.statusBar();
    assert.equal(view.state.kind, 'done');
    assert.match(view.text, /\$\(error\) 213007/);
    await setSetting('defaultUserId', '');
  });

  it('settings take effect without reload: maxRetries, and a refused http base URL', async () => {
    await setSetting('maxRetries', 1);
    server.inject({ type: 'status', status: 503 });
    const once = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(once.ok, false);
    assert.equal(once.attempts, 1);
    await setSetting('maxRetries', undefined);
    await setSetting('customBaseUrl', 'http://feishu.example.com');
    const refused = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(refused.error, 'bad-settings');
    assert.match(refused.msg ?? '', /https:\/\//);
    await setSetting('customBaseUrl', server.url);
    const back = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(back.ok, true);
  });

  it('useTenantToken verifies a pasted token without changing a badge; a bad one fails with 99991663', async () => {
    const good = server.issuedTokens().at(-1) ?? (await fetchToken(server));
    const ok = await run<Connection>('feishuBadge.useTenantToken', { token: good });
    assert.equal(ok.ok, true);
    const sent = await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(sent.ok, true);
    assert.equal(server.badgeRequests().at(-1)?.headers.authorization, `Bearer ${good}`);
    const bad = await run<Connection>('feishuBadge.useTenantToken', { token: 't-0000000000000000000000000000000000' });
    assert.equal(bad.ok, false);
    assert.equal(bad.code, 99991663);
    await run('feishuBadge.configureCredentials', APP);
  });

  it('secrets stay out of settings and globalState-visible results', async () => {
    const all = JSON.stringify(vscode.workspace.getConfiguration('feishuBadge'));
    assert.equal(all.includes(APP.appSecret), false);
    for (const token of server.issuedTokens()) assert.equal(all.includes(token), false);
  });
});

async function fetchToken(server: FeishuServer): Promise<string> {
  const response = await fetch(`${server.url}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: 'POST',
    body: JSON.stringify({ app_id: APP.appId, app_secret: APP.appSecret }),
  });
  return ((await response.json()) as { tenant_access_token: string }).tenant_access_token;
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
