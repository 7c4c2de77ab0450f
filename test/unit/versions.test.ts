import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VersionClock, memoryVersionStore, versionKey } from '../../src/core/versions.ts';

describe('version clock', () => {
  test('versions are epoch milliseconds when the clock moves on', () => {
    let now = 1_700_000_000_000;
    const clock = new VersionClock(memoryVersionStore(), () => now);
    assert.equal(clock.next('a'), '1700000000000');
    now += 5;
    assert.equal(clock.next('a'), '1700000000005');
  });

  test('two versions in the same millisecond, or after the clock steps back, still increase', () => {
    let now = 1_700_000_000_000;
    const clock = new VersionClock(memoryVersionStore(), () => now);
    const a = clock.next('u');
    const b = clock.next('u');
    now -= 10_000;
    const c = clock.next('u');
    assert.deepEqual([a, b, c], ['1700000000000', '1700000000001', '1700000000002']);
  });

  test('the last version comes from and goes to the injected store (restarts keep increasing)', () => {
    const store = memoryVersionStore();
    store.entries.set('k', '1800000000000');
    const clock = new VersionClock(store, () => 1_700_000_000_000);
    assert.equal(clock.peek('k'), '1800000000001');
    assert.equal(store.get('k'), '1800000000000', 'peek reserves nothing');
    assert.equal(clock.next('k'), '1800000000001');
    assert.equal(store.get('k'), '1800000000001');
    const restarted = new VersionClock(store, () => 1_700_000_000_000);
    assert.equal(restarted.next('k'), '1800000000002');
  });

  test('next(key, after) is strictly newer than a given version; observe() keeps manual versions in view', () => {
    const clock = new VersionClock(memoryVersionStore(), () => 1000);
    assert.equal(clock.next('k', '5000'), '5001');
    clock.observe('k', '9000');
    assert.equal(clock.next('k'), '9001');
    clock.observe('k', '100');
    assert.equal(clock.last('k'), '9001', 'an older manual version does not move the stored one back');
    clock.observe('k', 'not digits');
    assert.equal(clock.last('k'), '9001');
  });

  test('propose(key, after) is what tryNext would give, and reserves nothing (manual bumps)', () => {
    const store = memoryVersionStore();
    const clock = new VersionClock(store, () => 1000);
    assert.deepEqual(clock.propose('k', '9000'), { ok: true, version: '9001' });
    assert.equal(store.entries.size, 0);
    assert.equal(clock.next('k'), '1000', 'an unreserved proposal does not push later versions up');
    const bound = clock.propose('k', '9223372036854775807');
    assert.ok(!bound.ok && bound.issue.id === 'version.exhausted');
  });

  test('isOvertaken: only a version recorded after the send started and above its own', () => {
    let now = 1_700_000_000_000;
    const clock = new VersionClock(memoryVersionStore(), () => now);
    const before = clock.last('u');
    const first = clock.next('u');
    assert.equal(clock.isOvertaken('u', first, before), false, 'its own reservation does not overtake it');
    now += 1;
    clock.next('u');
    assert.equal(clock.isOvertaken('u', first, before), true, 'a newer local send reserved a newer version');
    // A stale manual version (below the remembered one) is not overtaken: nothing newer came after it started.
    const remembered = clock.last('u');
    assert.equal(clock.isOvertaken('u', '5', remembered), false);
    clock.observe('u', '1800000000000');
    assert.equal(clock.isOvertaken('u', '5', remembered), true, 'a newer accepted manual version did come after');
    // A store that has nothing for the key (evicted) never says overtaken.
    assert.equal(new VersionClock(memoryVersionStore()).isOvertaken('x', '1', undefined), false);
  });

  test('keys separate API base, app and user', () => {
    assert.notEqual(versionKey('https://open.feishu.cn', 'cli_a', 'open_id', 'ou_1'), versionKey('https://open.larksuite.com', 'cli_a', 'open_id', 'ou_1'));
    assert.notEqual(versionKey('b', 'cli_a', 'open_id', 'ou_1'), versionKey('b', 'cli_b', 'open_id', 'ou_1'));
    assert.notEqual(versionKey('b', 'cli_a', 'open_id', 'ou_1'), versionKey('b', 'cli_a', 'open_id', 'ou_2'));
  });

  test('property: any interleaving of keys and clock jumps yields strictly increasing versions per key', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 200 }), (steps) => {
        let now = 1_700_000_000_000;
        const clock = new VersionClock(memoryVersionStore(), () => now);
        const last = new Map<string, bigint>();
        for (const [key, jump] of steps) {
          now += jump;
          const version = BigInt(clock.next(key));
          const previous = last.get(key);
          if (previous !== undefined && version <= previous) return false;
          last.set(key, version);
        }
        return true;
      }),
    );
  });
});
