// The fast host tier for the send pipeline: BadgeService (validate → client → record → report)
// in plain Node, with the real core client against the local Feishu-like server and the real
// state stores over an in-memory Memento. Only the client cache is replaced, by a source that
// hands out real core clients (the cache itself needs the VS Code API).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogOutputChannel } from 'vscode';
import type { KeyValueStore } from '../../src/core/badgeState.ts';
import { resolveBaseUrl } from '../../src/core/baseUrl.ts';
import type { ClientOrProblem, ClientSource } from '../../src/host/send/clients.ts';
import { BadgeService } from '../../src/host/send/badgeService.ts';
import type { Settings } from '../../src/host/settings.ts';
import { HistoryStore } from '../../src/host/state/history.ts';
import { RecentUsersStore } from '../../src/host/state/recentUsers.ts';
import { RememberedBadgeStore } from '../../src/host/state/rememberedBadges.ts';
import { SANDBOX_APP, USER, makeCore, useFeishuServer } from '../support/core.ts';
import type { FeishuServer } from '../support/feishuServer.ts';

function memoryStore(): KeyValueStore {
  const data = new Map<string, string>();
  return {
    get: (key) => (data.has(key) ? (JSON.parse(data.get(key) ?? 'null') as unknown) : undefined),
    update: (key, value) => void (value === undefined ? data.delete(key) : data.set(key, JSON.stringify(value))),
  };
}

const SETTINGS: Settings = { domain: 'custom', customBaseUrl: '', userIdType: 'open_id', defaultUserId: '', timeoutMs: 5_000, maxRetries: 3, statusBarEnabled: true };
const lines: string[] = [];
const log = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), debug: () => undefined } as unknown as LogOutputChannel;

function pipeline(server: FeishuServer, problem?: ClientOrProblem, settings: Partial<Settings> = {}) {
  const core = makeCore(server);
  const client: ClientOrProblem = problem ?? {
    ok: true,
    client: { profileId: 'default', baseUrl: server.url, origin: server.url, boundOrigin: server.url, credentials: { kind: 'self-built', ...SANDBOX_APP }, appId: SANDBOX_APP.appId, ...core },
  };
  const source: ClientSource = { active: async () => client, forNetwork: async () => client, redactSecrets: (text) => core.tokens.redactSecrets(text) };
  const store = memoryStore();
  const stores = { history: new HistoryStore(store, log), recent: new RecentUsersStore(store, log), remembered: new RememberedBadgeStore(store, log) };
  const service = new BadgeService({ clients: source, ...stores, settings: () => ({ ...SETTINGS, ...settings }), apiBase: () => resolveBaseUrl('custom', server.url), locale: () => 'en', log });
  return { service, core, ...stores };
}

describe('BadgeService in plain Node', () => {
  const server = useFeishuServer();

  test('a send records history, the recent user and the remembered badge, and reports once', async () => {
    const { service, history, recent, remembered } = pipeline(server);
    const report = await service.send('send', { user_id: USER, pc: { web_app: 3 } });
    assert.equal(report.result.ok, true, JSON.stringify(report));
    assert.deepEqual(report.target, { userId: USER, userIdType: 'open_id' });
    assert.equal(JSON.parse(report.raw ?? '{}').code, 0);
    assert.equal(history.entries[0]?.body.user_id, USER);
    assert.equal(history.entries[0]?.profileId, 'default');
    assert.deepEqual(recent.last, { userId: USER, userIdType: 'open_id' });
    assert.deepEqual(remembered.get({ baseUrl: server.url, appId: SANDBOX_APP.appId }, 'open_id', USER)?.pc, { web_app: 3 });
    assert.equal(await service.remembered({ userId: USER, userIdType: 'open_id' }).then((r) => r?.version), report.result.version);
  });

  test('invalid input: localized issues, nothing sent, nothing recorded', async () => {
    const { service, history } = pipeline(server);
    const report = await service.send('send', { user_id: 'ou_a\nb', pc: { web_app: -1 } });
    assert.equal(report.result.error, 'validation');
    assert.ok(report.result.issues?.every((issue) => issue.message.length > 0));
    assert.equal(server.requests.length, 0);
    assert.deepEqual(history.entries, []);
  });

  test('a user whose last version is the int64 maximum: a validation result, nothing sent, nothing thrown', async () => {
    const { service, core, history } = pipeline(server);
    core.store.entries.set(core.client.keyFor('open_id', USER), '9223372036854775807');
    const report = await service.send('send', { user_id: USER, pc: { web_app: 1 } });
    assert.equal(report.result.ok, false);
    assert.equal(report.result.error, 'validation');
    assert.equal(report.result.attempts, 0);
    assert.equal(report.result.issues?.[0]?.path, 'version');
    assert.equal(server.badgeRequests().length, 0);
    assert.deepEqual(history.entries, []);
  });

  test('a refused client (no credentials) says so with guidance, and sends nothing', async () => {
    const { service } = pipeline(server, { ok: false, error: 'no-credentials', message: 'none' });
    const report = await service.send('clear', { user_id: USER, pc: { web_app: 0 } });
    assert.deepEqual([report.action, report.result.error, report.result.guidance?.id], ['clear', 'no-credentials', 'no-credentials']);
    assert.equal(server.requests.length, 0);
  });

  test('the userIdType setting is the default for input without one', async () => {
    const { service } = pipeline(server, undefined, { userIdType: 'union_id' });
    await service.send('send', { user_id: 'on_someone', pc: { web_app: 1 } });
    assert.equal(server.badgeRequests()[0]?.query.user_id_type, 'union_id');
  });

  test('an echoing server: the report carries no token; a failure is logged once, scrubbed', async () => {
    const { service } = pipeline(server);
    server.inject({ type: 'echo', as: 'json-with-code', status: 400 }, { route: 'badge', times: 3 });
    lines.length = 0;
    const report = await service.send('send', { user_id: USER, pc: { web_app: 1 } });
    const tokens = server.issuedTokens();
    assert.ok(tokens.length > 0);
    const shown = JSON.stringify([report, lines]);
    for (const token of tokens) assert.ok(!shown.includes(token));
    assert.equal(report.result.ok, false);
  });

  test('export works without credentials: the API base from the settings, an example version', async () => {
    const { service } = pipeline(server, { ok: false, error: 'no-credentials', message: 'none' });
    const exported = await service.exportInput({ user_id: USER, pc: { web_app: 1 } }, 'curl');
    assert.ok(exported.ok && exported.text.includes(`${server.url}/open-apis/application/v6/app_badge/set`));
  });
});
