// Corrupted state (issue 11, §3): the stored profiles (`feishuBadge.profiles`) are read through a
// schema in plain Node (src/host/state/profiles.ts; ProfileStore adds the localized Default
// profile on top). Whatever is stored, reading never throws; what fails is repaired in storage
// once, with a warning naming the key and never the value. Today a malformed value made
// activation throw (no commands at all).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { KeyValueStore } from '../../src/core/badgeState.ts';
import { DEFAULT_PROFILE_ID, PROFILES_KEY, PROFILE_NAME_MAX, profileName, readProfiles } from '../../src/host/state/profiles.ts';

const MARK = 'corrupt-profile-5b2e07';

function memoryStore(initial?: unknown): KeyValueStore & { writes: unknown[]; raw: () => unknown } {
  let data = initial === undefined ? undefined : JSON.stringify(initial);
  const writes: unknown[] = [];
  const raw = (): unknown => (data === undefined ? undefined : (JSON.parse(data) as unknown));
  return {
    writes,
    raw,
    get: (key) => (key === PROFILES_KEY ? raw() : undefined),
    update: (key, value) => {
      assert.equal(key, PROFILES_KEY);
      writes.push(value);
      data = value === undefined ? undefined : JSON.stringify(value);
    },
  };
}

function recordingLog(): { warn: (line: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(line) };
}

const good = { id: 'pabc123', name: 'Test app', domain: 'custom', customBaseUrl: 'https://open.example.com', production: false };
const prod = { id: 'pdef456', name: 'Production', domain: 'feishu', production: true };

/** Reads, checks that reading again gives the same without another write or warning, and returns what was read. */
function readTwice(stored: unknown) {
  const store = memoryStore(stored);
  const log = recordingLog();
  const first = readProfiles(store, log);
  const writes = store.writes.length;
  const warnings = log.lines.length;
  assert.deepEqual(readProfiles(store, log), first, 'the repaired value reads back the same');
  assert.equal(store.writes.length, writes, 'repaired once, not on every read');
  assert.equal(log.lines.length, warnings, 'warned once');
  for (const line of log.lines) {
    assert.ok(line.includes(PROFILES_KEY), `the warning names the key: ${line}`);
    assert.ok(!line.includes(MARK) && line.length < 300, `the warning carries no stored value: ${line.slice(0, 200)}`);
  }
  return { first, store, log };
}

describe('stored profiles', () => {
  test('nothing stored: the default is active, nothing is written or logged', () => {
    const { first, store, log } = readTwice(undefined);
    assert.deepEqual(first, { active: DEFAULT_PROFILE_ID, profiles: [] });
    assert.deepEqual([store.writes, log.lines], [[], []]);
  });

  test('a value that is fine is read as is and never rewritten', () => {
    const stored = { active: prod.id, profiles: [{ id: DEFAULT_PROFILE_ID, name: 'Default', production: false }, good, prod] };
    const { first, store, log } = readTwice(stored);
    assert.deepEqual(first, stored);
    assert.deepEqual([store.writes, log.lines], [[], []]);
  });

  test('not an object, or profiles not an array: the fallback, stored in place of the value', () => {
    for (const value of [MARK, 42, true, null, [MARK], { active: MARK, profiles: MARK }, { active: 7, profiles: { [MARK]: good } }]) {
      const { first, store, log } = readTwice(value);
      assert.deepEqual(first, { active: DEFAULT_PROFILE_ID, profiles: [] }, JSON.stringify(value));
      assert.deepEqual(store.raw(), first, 'the fallback replaced the value in storage');
      assert.equal(log.lines.length, 1);
    }
  });

  test('an array of garbage keeps only the profiles that read', () => {
    const value = { active: good.id, profiles: [null, MARK, 3, [good], { id: 5, name: MARK }, { name: MARK }, { id: 'ok_id', name: 7 }, { id: '../etc', name: MARK }, good, { ...prod, domain: MARK }] };
    const { first, store, log } = readTwice(value);
    assert.deepEqual(first, { active: good.id, profiles: [good] });
    assert.deepEqual(store.raw(), first);
    assert.equal(log.lines.length, 1);
  });

  test('duplicate ids: the first one wins', () => {
    const { first, store } = readTwice({ active: good.id, profiles: [good, { ...good, name: 'Shadow', production: true }, prod, prod] });
    assert.deepEqual(first.profiles, [good, prod]);
    assert.deepEqual(store.raw(), first);
  });

  test('an active id that does not exist: the default profile is active', () => {
    for (const active of ['pgone999', '', MARK]) {
      const { first, store, log } = readTwice({ active, profiles: [good] });
      assert.deepEqual(first, { active: DEFAULT_PROFILE_ID, profiles: [good] });
      assert.deepEqual(store.raw(), first);
      assert.equal(log.lines.length, 1);
    }
    // The default profile is active even when it is not stored: it always exists.
    assert.deepEqual(readTwice({ active: DEFAULT_PROFILE_ID, profiles: [good] }).store.writes, []);
  });

  test('a 10 KB name is cut to PROFILE_NAME_MAX characters', () => {
    const { first, store } = readTwice({ active: good.id, profiles: [{ ...good, name: `${MARK}${'名'.repeat(10_240)}` }] });
    const name = first.profiles[0]?.name ?? '';
    assert.ok([...name].length <= PROFILE_NAME_MAX && name.startsWith(MARK), `${name.length} characters`);
    assert.deepEqual(store.raw(), first);
  });

  test('control and bidirectional characters are taken out of names; a name left empty becomes the id', () => {
    const { first } = readTwice({ active: good.id, profiles: [{ ...good, name: `Pro\u0000d\u001b[31m\n\u202eyes\u2066\u0085 ` }, { ...prod, name: '\u0000\u0007 \u200f' }] });
    assert.deepEqual(first.profiles.map((p) => p.name), ['Prod[31m yes', prod.id]);
  });

  test('a profile whose production flag is not a boolean asks before sending (the safe side)', () => {
    const { first } = readTwice({ active: good.id, profiles: [{ ...good, production: MARK }, { ...prod, production: undefined }] });
    assert.deepEqual(first.profiles.map((p) => p.production), [true, true]);
  });

  test('profileName: never a control character, never longer than the cap, idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => {
        const name = profileName(raw);
        assert.ok(!/[\p{Cc}\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u.test(name), JSON.stringify(name));
        assert.ok([...name].length <= PROFILE_NAME_MAX);
        assert.equal(name, name.trim());
        assert.equal(profileName(name), name);
      }),
    );
  });

  test('whatever is stored, reading never throws and always gives a usable value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ active: fc.jsonValue(), profiles: fc.array(fc.oneof(fc.jsonValue(), fc.record({ id: fc.string(), name: fc.string(), production: fc.jsonValue() }))) })), (stored) => {
        const { first } = readTwice(stored);
        const ids = first.profiles.map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length);
        assert.ok(first.active === DEFAULT_PROFILE_ID || ids.includes(first.active));
      }),
    );
  });
});
