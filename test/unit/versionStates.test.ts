// Issue 11 §1: per-user versions live in one bounded map per API base and app. Evicting a user
// must never let that user's next version go back, and older releases' per-user keys still count.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VersionClock, versionKey } from '../../src/core/versions.ts';
import { VersionStates } from '../../src/host/state/versions.ts';
import { flushingMemento } from '../support/memento.ts';

const quiet = { warn: () => undefined };
const OWNER = { baseUrl: 'https://open.feishu.cn', appId: 'cli_a' };
const key = (user: string): string => versionKey(OWNER.baseUrl, OWNER.appId, 'open_id', user);

describe('bounded version state', () => {
  test('a user evicted after a version in the future (an accepted manual one) still gets a newer one', async () => {
    let now = 1_700_000_000_000;
    const memento = flushingMemento();
    const states = new VersionStates(memento, quiet, { cap: 2, now: () => now });
    const clock = new VersionClock(states.storeFor(OWNER), () => now);
    const future = String(now + 10 * 365 * 24 * 3600 * 1000);
    clock.observe(key('ou_a'), future);
    clock.next(key('ou_b'));
    clock.next(key('ou_c'));
    clock.next(key('ou_d'));
    await states.flush();
    // A new process (the high-water mark is gone) and a new map read back from storage.
    now += 1000;
    const again = new VersionStates(memento, quiet, { cap: 2, now: () => now });
    const next = new VersionClock(again.storeFor(OWNER), () => now).next(key('ou_a'));
    assert.ok(BigInt(next) > BigInt(future), `${next} must be above ${future}`);
    assert.ok(JSON.stringify(memento.get(`feishuBadge.versions:${OWNER.baseUrl}|${OWNER.appId}`)).length < 200, 'the map holds two users');
  });

  test('the map is capped, least recently set first out; other apps are separate', async () => {
    const memento = flushingMemento();
    const states = new VersionStates(memento, quiet, { cap: 3 });
    const store = states.storeFor(OWNER);
    for (const user of ['u1', 'u2', 'u3', 'u4']) store.set(key(user), '5');
    store.set(key('u2'), '6');
    store.set(key('u5'), '7');
    await states.flush();
    const stored = memento.get(`feishuBadge.versions:${OWNER.baseUrl}|${OWNER.appId}`) as { e: Array<[string, string]> };
    assert.deepEqual(stored.e.map(([user]) => user), ['open_id:u4', 'open_id:u2', 'open_id:u5']);
    assert.equal(states.storeFor({ ...OWNER, appId: 'cli_b' }).get(versionKey(OWNER.baseUrl, 'cli_b', 'open_id', 'u4')), undefined);
  });

  test('a version kept by an older release under its own key is still respected', () => {
    const memento = flushingMemento({ [`feishuBadge.version:${key('ou_old')}`]: '9000000000000' });
    const clock = new VersionClock(new VersionStates(memento, quiet).storeFor(OWNER));
    assert.ok(BigInt(clock.next(key('ou_old'))) > 9_000_000_000_000n);
  });

  test('writes are batched: 5,000 versions take a handful of updates', async () => {
    const memento = flushingMemento();
    const states = new VersionStates(memento, quiet);
    const clock = new VersionClock(states.storeFor(OWNER));
    for (let i = 0; i < 5_000; i++) clock.next(key(`u${i}`));
    await states.flush();
    assert.ok(memento.updates <= 6, `${memento.updates} updates`);
  });

  test('two windows writing the same map: neither erases the other, the newer version of a user wins', async () => {
    const now = 1_700_000_000_000;
    const memento = flushingMemento();
    const one = new VersionStates(memento, quiet, { now: () => now });
    const two = new VersionStates(memento, quiet, { now: () => now });
    const a = one.storeFor(OWNER);
    const b = two.storeFor(OWNER);
    const future = String(now + 3_600_000);
    a.set(key('ou_a'), future);
    a.set(key('ou_c'), String(now + 5));
    await one.flush();
    b.set(key('ou_b'), String(now + 1));
    b.set(key('ou_c'), String(now + 2));
    await two.flush();
    const reloaded = new VersionStates(memento, quiet, { now: () => now }).storeFor(OWNER);
    assert.equal(reloaded.get(key('ou_a')), future, 'window two did not erase window one\'s user');
    assert.equal(reloaded.get(key('ou_b')), String(now + 1));
    assert.equal(reloaded.get(key('ou_c')), String(now + 5), 'the newer version wins');
  });

  test('an older release\'s key below the floor does not hide the floor', async () => {
    let now = 1_700_000_000_000;
    const future = String(now + 3_600_000);
    const memento = flushingMemento({ [`feishuBadge.version:${key('ou_a')}`]: String(now - 1000) });
    const states = new VersionStates(memento, quiet, { cap: 1, now: () => now });
    const store = states.storeFor(OWNER);
    store.set(key('ou_a'), future);
    store.set(key('ou_b'), String(now)); // evicts ou_a: the floor takes its future version
    await states.flush();
    now += 10;
    const clock = new VersionClock(new VersionStates(memento, quiet, { cap: 1, now: () => now }).storeFor(OWNER), () => now);
    assert.ok(BigInt(clock.next(key('ou_a'))) > BigInt(future));
  });
});
