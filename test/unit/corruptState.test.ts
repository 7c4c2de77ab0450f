// Corrupted state (issue 11, §3), in plain Node: every stored value the host stores read is
// checked by a schema; one that fails is replaced by the fallback in storage the first time it is
// read (never parsed again) with a warning that names the key and never the value, and a send
// returns its report even when recording it fails. The profiles reader: profilesState.test.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogOutputChannel } from 'vscode';
import type { HistoryEntry, KeyValueStore } from '../../src/core/badgeState.ts';
import { resolveBaseUrl } from '../../src/core/baseUrl.ts';
import { BadgeService } from '../../src/host/send/badgeService.ts';
import type { ClientOrProblem, ClientSource } from '../../src/host/send/clients.ts';
import type { Settings } from '../../src/host/settings.ts';
import { BulkCheckpointStore } from '../../src/host/state/bulkCheckpoints.ts';
import { HistoryStore } from '../../src/host/state/history.ts';
import { RecentUsersStore } from '../../src/host/state/recentUsers.ts';
import { RememberedBadgeStore } from '../../src/host/state/rememberedBadges.ts';
import { SANDBOX_APP, USER, makeCore, useFeishuServer } from '../support/core.ts';

/** Written into every malformed value: no log line may ever contain it. */
const MARK = 'corrupt-value-7f3a91';

/** Values of the wrong type for any key (each carries MARK where it can). */
const WRONG_TYPES: readonly unknown[] = [MARK, 42, true, null, { [MARK]: MARK }, [MARK, 1, { at: MARK }]];

/** An in-memory Memento (values go through JSON, as VS Code stores them) that records its writes. */
function memoryStore(initial: Record<string, unknown> = {}): KeyValueStore & { data: Map<string, string>; writes: string[]; raw: (key: string) => unknown } {
  const data = new Map(Object.entries(initial).map(([k, v]) => [k, JSON.stringify(v)]));
  const writes: string[] = [];
  const raw = (key: string): unknown => (data.has(key) ? (JSON.parse(data.get(key) ?? 'null') as unknown) : undefined);
  return {
    data,
    writes,
    raw,
    get: raw,
    update: (key, value) => {
      writes.push(key);
      if (value === undefined) data.delete(key);
      else data.set(key, JSON.stringify(value));
    },
  };
}

function recordingLog(): { warn: (line: string) => void; info: (line: string) => void; debug: () => void; lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(line), info: (line) => lines.push(line), debug: () => undefined };
}

/** The warnings name `key` once, and no line carries the stored value. */
function assertWarnedOnce(lines: readonly string[], key: string): void {
  assert.equal(lines.filter((line) => line.includes(key)).length, 1, `one warning naming ${key}: ${JSON.stringify(lines)}`);
  for (const line of lines) assert.ok(!line.includes(MARK), `a log line carries the stored value: ${line}`);
}

const entry = (at: number, userId = 'ou_a'): HistoryEntry => ({ at, baseUrl: 'https://open.feishu.cn', userIdType: 'open_id', body: { user_id: userId, version: String(at), pc: { web_app: 1 } }, ok: true });

describe('corrupted state: each store repairs what it cannot read', () => {
  test('history of the wrong type: read as empty, replaced in storage once, a warning naming the key', () => {
    for (const value of WRONG_TYPES) {
      const store = memoryStore({ 'feishuBadge.history': value });
      const log = recordingLog();
      const history = new HistoryStore(store, log);
      assert.deepEqual(history.entries, [], JSON.stringify(value));
      assert.deepEqual(store.raw('feishuBadge.history') ?? [], [], `repaired in storage: ${JSON.stringify(value)}`);
      assert.deepEqual(history.entries, []);
      assert.deepEqual(store.writes, ['feishuBadge.history'], 'written once, not on every read');
      assertWarnedOnce(log.lines, 'feishuBadge.history');
    }
  });

  test('history with some malformed entries keeps the good ones and stores only those', () => {
    const store = memoryStore({ 'feishuBadge.history': [entry(2), { at: MARK }, null, entry(1), MARK] });
    const log = recordingLog();
    const history = new HistoryStore(store, log);
    assert.deepEqual(history.entries.map((e) => e.at), [2, 1]);
    assert.deepEqual((store.raw('feishuBadge.history') as HistoryEntry[]).map((e) => e.at), [2, 1]);
    assert.deepEqual(history.entries.map((e) => e.at), [2, 1]);
    assert.equal(store.writes.length, 1);
    assertWarnedOnce(log.lines, 'feishuBadge.history');
  });

  test('recent users and the last target of the wrong type are replaced once, each named', () => {
    for (const value of WRONG_TYPES) {
      const store = memoryStore({ 'feishuBadge.recentUsers': value, 'feishuBadge.lastTarget': value });
      const log = recordingLog();
      const recent = new RecentUsersStore(store, log);
      assert.deepEqual([recent.recent, recent.last], [[], undefined], JSON.stringify(value));
      assert.deepEqual(store.raw('feishuBadge.recentUsers') ?? [], []);
      assert.equal(store.raw('feishuBadge.lastTarget'), undefined);
      assert.deepEqual([recent.recent, recent.last], [[], undefined]);
      assert.deepEqual([...store.writes].sort(), ['feishuBadge.lastTarget', 'feishuBadge.recentUsers']);
      assertWarnedOnce(log.lines, 'feishuBadge.recentUsers');
      assertWarnedOnce(log.lines, 'feishuBadge.lastTarget');
    }
  });

  test('a remembered badge map of the wrong type is forgotten once, its key named', () => {
    const owner = { baseUrl: 'https://open.feishu.cn', appId: 'cli_a' };
    const key = 'feishuBadge.badges:https://open.feishu.cn|cli_a';
    for (const value of [...WRONG_TYPES, { v: 1, e: MARK }, { v: 2, e: [] }]) {
      const store = memoryStore({ [key]: value });
      const log = recordingLog();
      const remembered = new RememberedBadgeStore(store, log);
      assert.equal(remembered.get(owner, 'open_id', 'ou_k1'), undefined, JSON.stringify(value));
      assert.equal(store.data.has(key), false, 'removed from storage');
      assert.equal(remembered.get(owner, 'open_id', 'ou_k1'), undefined);
      assert.equal(store.writes.length, 1);
      assertWarnedOnce(log.lines, key);
    }
  });

  test('entries of a remembered badge map that do not read are dropped, the others kept, repaired once', () => {
    const owner = { baseUrl: 'https://open.feishu.cn', appId: 'cli_a' };
    const key = 'feishuBadge.badges:https://open.feishu.cn|cli_a';
    const good = { version: '5', at: 1, pc: { web_app: 2 } };
    const store = memoryStore({ [key]: { v: 1, e: [['open_id:ou_ok', good], ['open_id:ou_bad', { version: MARK.repeat(5) }], [MARK], 42, ['', good]] } });
    const log = recordingLog();
    const remembered = new RememberedBadgeStore(store, log);
    assert.deepEqual(remembered.get(owner, 'open_id', 'ou_ok'), good);
    assert.equal(remembered.get(owner, 'open_id', 'ou_bad'), undefined);
    assert.deepEqual(store.raw(key), { v: 1, e: [['open_id:ou_ok', good]] });
    assertWarnedOnce(log.lines, key);
  });

  test('a legacy bulk checkpoint in globalState is removed once; a corrupted checkpoint file resumes nothing', async () => {
    for (const value of [...WRONG_TYPES, { runId: 'run-1', done: MARK }, { runId: 'run-1', done: ['0|open_id:ou_a'] }]) {
      const store = memoryStore({ 'feishuBadge.bulk.checkpoint': value });
      const log = recordingLog();
      const dir = await mkdtemp(join(tmpdir(), 'fb-cp-'));
      try {
        const checkpoints = new BulkCheckpointStore(dir, log, { legacy: store });
        assert.equal((await checkpoints.open('run-1')).resumable, 0, JSON.stringify(value));
        assert.equal(store.data.has('feishuBadge.bulk.checkpoint'), false, 'removed from storage');
        assert.equal(store.writes.length, 1);
        assertWarnedOnce(log.lines, 'feishuBadge.bulk.checkpoint');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    const dir = await mkdtemp(join(tmpdir(), 'fb-cp-'));
    try {
      const log = recordingLog();
      const file = join(dir, 'bulk-run-1.jsonl');
      for (const text of [MARK, `${JSON.stringify({ v: 1, runId: 7 })}\n`, '\u0000\u0001', '[]\n["a"]\n']) {
        await writeFile(file, text);
        assert.equal((await new BulkCheckpointStore(dir, log).open('run-1')).resumable, 0, text);
      }
      // A torn last line (a crash mid-append) loses only that line.
      await writeFile(file, `${JSON.stringify({ v: 1, runId: 'run-1' })}\n["a","b"]\n["c",{"x":1},"d"]\n["e","f`);
      const open = await new BulkCheckpointStore(dir, log).open('run-1');
      assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map((k) => open.isDone(k)), [true, true, true, true, false]);
      assert.equal(log.lines.some((line) => line.includes(MARK)), false, 'the value is never logged');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('values that are fine are never rewritten and nothing is logged', async () => {
    const owner = { baseUrl: 'https://open.feishu.cn', appId: 'cli_a' };
    const store = memoryStore();
    const log = recordingLog();
    const dir = await mkdtemp(join(tmpdir(), 'fb-cp-'));
    try {
      const [history, recent, remembered, checkpoints] = [new HistoryStore(store, log), new RecentUsersStore(store, log), new RememberedBadgeStore(store, log), new BulkCheckpointStore(dir, log, { legacy: store })];
      await history.add(entry(1));
      await recent.remember({ userId: 'ou_a', userIdType: 'open_id' });
      remembered.recordSet(owner, 'open_id', { user_id: 'ou_a', pc: { web_app: 1 } }, '1', 10);
      await remembered.flush();
      const open = await checkpoints.open('run-1');
      open.markDone('ou_a');
      await open.flush();
      const written = store.writes.length;
      for (let i = 0; i < 3; i++) {
        const again = new RememberedBadgeStore(store, log);
        assert.equal(history.entries.length, 1);
        assert.equal(recent.recent.length, 1);
        assert.ok(recent.last);
        assert.ok(again.get(owner, 'open_id', 'ou_a'));
        assert.equal((await checkpoints.open('run-1')).resumable, 1);
      }
      assert.equal(store.writes.length, written, 'reading fine values writes nothing');
      assert.deepEqual(log.lines, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const SETTINGS: Settings = { domain: 'custom', customBaseUrl: '', userIdType: 'open_id', defaultUserId: '', timeoutMs: 5_000, maxRetries: 3, statusBarEnabled: true };

/** BadgeService over the real core client against the local server, with the given state store. */
function pipeline(server: { url: string }, store: KeyValueStore) {
  const core = makeCore(server);
  const client: ClientOrProblem = {
    ok: true,
    client: { profileId: 'default', baseUrl: server.url, origin: server.url, boundOrigin: server.url, credentials: { kind: 'self-built', ...SANDBOX_APP }, appId: SANDBOX_APP.appId, ...core },
  };
  const source: ClientSource = { active: async () => client, forNetwork: async () => client, redactSecrets: (text) => core.tokens.redactSecrets(text) };
  const log = recordingLog();
  const stores = { history: new HistoryStore(store, log), recent: new RecentUsersStore(store, log), remembered: new RememberedBadgeStore(store, log) };
  const service = new BadgeService({ clients: source, ...stores, settings: () => SETTINGS, apiBase: () => resolveBaseUrl('custom', server.url), locale: () => 'en', log: log as unknown as LogOutputChannel });
  return { service, log, ...stores };
}

describe('corrupted state: a send always returns its report', () => {
  const server = useFeishuServer();

  test('malformed history and recent users: the send returns ok, and both are repaired', async () => {
    const store = memoryStore({ 'feishuBadge.history': { [MARK]: 1 }, 'feishuBadge.recentUsers': MARK, 'feishuBadge.lastTarget': [MARK] });
    const { service, history, recent, log } = pipeline(server, store);
    const report = await service.send('send', { user_id: USER, pc: { web_app: 2 } });
    assert.equal(report.result.ok, true, JSON.stringify(report.result));
    assert.equal(server.badgeRequests().length, 1);
    assert.deepEqual(history.entries.map((e) => e.body.user_id), [USER]);
    assert.deepEqual(recent.recent, [{ userId: USER, userIdType: 'open_id' }]);
    for (const key of ['feishuBadge.history', 'feishuBadge.recentUsers']) assertWarnedOnce(log.lines, key);
    // The last target is written, never read, by a send: the send's target replaces it.
    assert.deepEqual(recent.last, { userId: USER, userIdType: 'open_id' });
  });

  test('recording fails after the request went out (the store refuses writes): the report still comes back', async () => {
    const store = memoryStore();
    const refusing: KeyValueStore = {
      get: store.get,
      update: (key, value) => (key.startsWith('feishuBadge.version:') ? store.update(key, value) : Promise.reject(new Error(`disk full ${MARK}`))),
    };
    const { service, log } = pipeline(server, refusing);
    const report = await service.send('send', { user_id: USER, pc: { web_app: 5 } });
    assert.equal(report.result.ok, true, JSON.stringify(report.result));
    assert.equal(server.badgeRequests().length, 1, 'the request went out once');
    assert.ok(log.lines.some((line) => /could not record/i.test(line)), JSON.stringify(log.lines));
    for (const line of log.lines) assert.ok(!line.includes(MARK), line);
  });
});
