// The fast host tier: what the extension remembers between sends, in plain Node. The pure rules
// (src/core/badgeState.ts) and the host's stores (src/host/state/) over an in-memory key-value
// store shaped like VS Code's Memento, including corrupted and foreign values.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HISTORY_MAX, RECENT_USERS_MAX, addRecentUser, addToHistory, bulkRunId, findResend, formatCounts, hasCounts, mergeRemembered } from '../../src/core/badgeState.ts';
import type { HistoryEntry, KeyValueStore } from '../../src/core/badgeState.ts';
import { BulkCheckpointStore } from '../../src/host/state/bulkCheckpoints.ts';
import { HistoryStore } from '../../src/host/state/history.ts';
import { RecentUsersStore } from '../../src/host/state/recentUsers.ts';
import { RememberedBadgeStore } from '../../src/host/state/rememberedBadges.ts';

/** An in-memory Memento: values go through JSON, as VS Code stores them. */
function memoryStore(initial: Record<string, unknown> = {}): KeyValueStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial).map(([k, v]) => [k, JSON.stringify(v)]));
  return {
    data,
    get: (key) => (data.has(key) ? (JSON.parse(data.get(key) ?? 'null') as unknown) : undefined),
    update: (key, value) => {
      if (value === undefined) data.delete(key);
      else data.set(key, JSON.stringify(value));
    },
  };
}

/** The stores warn when they repair a stored value (test/unit/corruptState.test.ts checks the lines). */
const quiet = { warn: (): void => undefined };

const entry = (at: number, userId = 'ou_a'): HistoryEntry => ({ at, baseUrl: 'https://open.feishu.cn', userIdType: 'open_id', body: { user_id: userId, version: String(at), pc: { web_app: 1 } }, ok: true });

describe('badge state rules', () => {
  test('history keeps the newest first and at most HISTORY_MAX', () => {
    let history: HistoryEntry[] = [];
    for (let i = 0; i < HISTORY_MAX + 5; i++) history = addToHistory(history, entry(i));
    assert.equal(history.length, HISTORY_MAX);
    assert.equal(history[0]?.at, HISTORY_MAX + 4);
  });

  test('recent users: most recent first, each once, capped', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ userId: fc.constantFrom('a', 'b', 'c', 'd'), userIdType: fc.constantFrom('open_id' as const, 'union_id' as const) }), { maxLength: 40 }), (targets) => {
        let recent: Array<{ userId: string; userIdType: 'open_id' | 'union_id' | 'user_id' }> = [];
        for (const target of targets) recent = addRecentUser(recent, target);
        const keys = recent.map((t) => `${t.userIdType}:${t.userId}`);
        assert.equal(new Set(keys).size, keys.length);
        assert.ok(recent.length <= RECENT_USERS_MAX);
        if (targets.length > 0) assert.deepEqual(recent[0], targets.at(-1));
      }),
    );
  });

  test('a set without pc keeps the remembered pc; counts and undo', () => {
    const first = mergeRemembered(undefined, { pc: { web_app: 2 }, mobile: { web_app: 3 } }, '1', 10);
    const second = mergeRemembered(first, { mobile: { web_app: 0, gadget: 0 } }, '2', 20);
    assert.deepEqual(second, { version: '2', at: 20, pc: { web_app: 2 }, mobile: { web_app: 0, gadget: 0 } });
    assert.equal(hasCounts(second), true);
    assert.equal(hasCounts(mergeRemembered(second, { pc: { web_app: 0, gadget: 0 } }, '3', 30)), false);
    assert.equal(hasCounts(undefined), false);
    assert.equal(formatCounts({ web_app: 1 }), '1/–');
    assert.equal(formatCounts(undefined), '–');
  });

  test('resend finds the entry by index, pinned by its timestamp', () => {
    const history = [entry(30, 'ou_c'), entry(20, 'ou_b'), entry(10, 'ou_a')];
    const plain = findResend(history, 1);
    assert.ok(plain.ok && plain.entry.body.user_id === 'ou_b');
    // A send landed meanwhile: index 1 is now another entry, the timestamp still finds ou_b.
    const moved = [entry(40, 'ou_d'), ...history];
    const pinned = findResend(moved, 1, 20);
    assert.ok(pinned.ok && pinned.entry.body.user_id === 'ou_b' && pinned.index === 2);
    assert.deepEqual(findResend(moved, 1, 999), { ok: false, reason: 'gone' });
    assert.deepEqual(findResend(moved, 9), { ok: false, reason: 'out-of-range' });
    assert.deepEqual(findResend(moved, -1), { ok: false, reason: 'out-of-range' });
  });

  test('bulk run ids: the same list to the same place resumes, anything else does not', () => {
    const items = [{ user_id: 'ou_a' }, { user_id: 'ou_b' }];
    assert.equal(bulkRunId(items, 'https://a'), bulkRunId(structuredClone(items), 'https://a'));
    assert.notEqual(bulkRunId(items, 'https://a'), bulkRunId(items, 'https://b'));
    assert.notEqual(bulkRunId(items, 'https://a'), bulkRunId([...items].reverse(), 'https://a'));
  });
});

describe('host state stores over a Memento', () => {
  test('history round-trips and drops corrupted entries instead of trusting them', async () => {
    const store = memoryStore({ 'feishuBadge.history': [entry(1), { at: 'yesterday' }, null, entry(2), 'x'] });
    const history = new HistoryStore(store, quiet);
    assert.deepEqual(history.entries.map((e) => e.at), [1, 2]);
    await history.add(entry(3));
    assert.deepEqual(history.entries.map((e) => e.at), [3, 1, 2]);
    assert.deepEqual(new HistoryStore(memoryStore({ 'feishuBadge.history': { not: 'a list' } }), quiet).entries, []);
  });

  test('recent users and the last target survive junk', async () => {
    const store = memoryStore({ 'feishuBadge.lastTarget': { userId: 42 }, 'feishuBadge.recentUsers': [{ userId: 'ou_a', userIdType: 'open_id' }, { userId: 'ou_b', userIdType: 'email' }] });
    const recent = new RecentUsersStore(store, quiet);
    assert.equal(recent.last, undefined);
    assert.deepEqual(recent.recent, [{ userId: 'ou_a', userIdType: 'open_id' }]);
    await recent.remember({ userId: 'ou_c', userIdType: 'union_id' });
    assert.deepEqual(recent.last, { userId: 'ou_c', userIdType: 'union_id' });
    assert.deepEqual(recent.recent.map((t) => t.userId), ['ou_c', 'ou_a']);
  });

  test('remembered badges merge per user and app, and ignore corrupted values', async () => {
    const owner = { baseUrl: 'https://open.feishu.cn', appId: 'cli_a' };
    const store = memoryStore({ 'feishuBadge.badges:https://open.feishu.cn|cli_a': { v: 1, e: [['open_id:ou_k2', { version: 7 }]] } });
    const remembered = new RememberedBadgeStore(store, quiet);
    assert.equal(remembered.get(owner, 'open_id', 'ou_k2'), undefined);
    remembered.recordSet(owner, 'open_id', { user_id: 'ou_k1', pc: { web_app: 2 } }, '1', 10);
    remembered.recordSet(owner, 'open_id', { user_id: 'ou_k1', mobile: { web_app: 1 } }, '2', 20);
    assert.deepEqual(remembered.get(owner, 'open_id', 'ou_k1'), { version: '2', at: 20, pc: { web_app: 2 }, mobile: { web_app: 1 } });
    assert.equal(remembered.get({ ...owner, appId: 'cli_b' }, 'open_id', 'ou_k1'), undefined, 'open_ids are per app');
  });

  test('a bulk checkpoint resumes only the same run, and clears', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-cp-'));
    try {
      const checkpoints = new BulkCheckpointStore(dir, quiet);
      const first = await checkpoints.open('run-1');
      first.markDone('a');
      first.markDone('b');
      await first.flush();
      assert.equal((await checkpoints.open('run-1')).resumable, 2);
      assert.equal((await checkpoints.open('run-1')).isDone('a'), true);
      assert.equal((await checkpoints.open('run-2')).resumable, 0);
      assert.equal((await checkpoints.open('run-1')).resumable, 2, 'opening another run without sending keeps the checkpoint');
      await (await checkpoints.open('run-1')).clear();
      assert.equal((await checkpoints.open('run-1')).resumable, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
