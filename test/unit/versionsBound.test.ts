import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runBulk } from '../../src/core/bulk.ts';
import { formatMessage } from '../../src/core/messages.ts';
import { MAX_VERSION, validateBadge } from '../../src/core/schema.ts';
import { VersionClock, VersionExhaustedError, memoryVersionStore } from '../../src/core/versions.ts';
import { USER, badge, makeCore, useFeishuServer } from '../support/core.ts';

// Feishu keeps badge versions as 64-bit integers (docs/feishu-api notes): nothing above this may
// leave the computer, whether typed by hand or generated.
const INT64_MAX = '9223372036854775807';
const errorsOf = (input: unknown): Array<[string, string]> => {
  const result = validateBadge(input);
  return result.ok ? [] : result.errors.map((issue) => [issue.path, issue.id]);
};

describe('manual versions are bounded by int64', () => {
  test('the bound is the int64 maximum', () => {
    assert.equal(MAX_VERSION, 9223372036854775807n);
    assert.equal(MAX_VERSION.toString(), INT64_MAX);
  });

  test('a version above 9223372036854775807 is a validation error on `version`, in English and Chinese', () => {
    for (const version of ['9223372036854775808', '9999999999999999999', ' 9223372036854775808\t']) {
      const result = validateBadge({ user_id: 'ou_x', version, pc: { web_app: 1 } });
      assert.ok(!result.ok, JSON.stringify(version));
      assert.deepEqual(
        result.errors.map((issue) => [issue.path, issue.id, issue.severity]),
        [['version', 'version.tooLarge', 'error']],
        JSON.stringify(version),
      );
      const issue = result.errors[0];
      for (const locale of ['en', 'zh-cn'] as const) {
        const text = formatMessage('version.tooLarge', locale, issue?.params);
        assert.ok(text.includes('version'), `${locale} names the field: ${text}`);
        assert.ok(text.includes(INT64_MAX), `${locale} names the bound: ${text}`);
        assert.doesNotMatch(text, /\{\w+\}/, `${locale} has every placeholder filled: ${text}`);
      }
    }
    assert.match(formatMessage('version.tooLarge', 'zh-cn', { max: INT64_MAX }), /[\u4e00-\u9fff]/);
  });

  test('up to the bound nothing changes: trimmed, leading zeros kept, 20 digits still "digits only"', () => {
    const accepted = (version: string): string | undefined => {
      const result = validateBadge({ user_id: 'ou_x', version, pc: { web_app: 1 } });
      return result.ok ? result.value.body.version : undefined;
    };
    assert.equal(accepted(INT64_MAX), INT64_MAX);
    assert.equal(accepted(`  ${INT64_MAX}\n`), INT64_MAX);
    assert.equal(accepted('0009223372036854775'), '0009223372036854775', 'leading zeros are sent as given');
    assert.equal(accepted('0'), '0');
    assert.deepEqual(errorsOf({ user_id: 'ou_x', version: '09223372036854775808', pc: {} }), [['version', 'version.digits']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', version: '1'.repeat(20), pc: {} }), [['version', 'version.digits']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', version: '-1', pc: {} }), [['version', 'version.digits']]);
  });
});

describe('the version clock never goes above int64', () => {
  const NOW = 1_700_000_000_000;

  test('a remembered version near the bound: the clock reaches the bound, then refuses, as a validation issue', () => {
    const store = memoryVersionStore();
    store.entries.set('k', (MAX_VERSION - 1n).toString());
    const clock = new VersionClock(store, () => NOW);
    assert.equal(clock.next('k'), INT64_MAX, 'the bound itself is still a version');
    const refused = clock.tryNext('k');
    assert.deepEqual(refused, { ok: false, issue: { path: 'version', id: 'version.exhausted', severity: 'error', params: { last: INT64_MAX, max: INT64_MAX } } });
    assert.throws(() => clock.next('k'), VersionExhaustedError, 'next() never hands out a value above the bound');
    assert.ok(BigInt(clock.peek('k')) <= MAX_VERSION, 'a preview stays within the bound too');
    assert.equal(store.get('k'), INT64_MAX, 'nothing above the bound is remembered');
    for (const locale of ['en', 'zh-cn'] as const) {
      const text = formatMessage('version.exhausted', locale, !refused.ok ? refused.issue.params : {});
      assert.ok(text.includes('version') && text.includes(INT64_MAX), text);
    }
  });

  test('one user at the bound does not exhaust anyone else (the cross-user high-water mark yields)', () => {
    const clock = new VersionClock(memoryVersionStore(), () => NOW);
    clock.observe('k', INT64_MAX);
    assert.equal(clock.tryNext('k').ok, false);
    assert.deepEqual(clock.tryNext('other'), { ok: true, version: String(NOW) });
    assert.equal(clock.next('other'), String(NOW + 1));
  });

  test('a version above the bound is never remembered, and one already stored (never accepted by Feishu) is ignored', () => {
    const store = memoryVersionStore();
    const clock = new VersionClock(store, () => NOW);
    clock.observe('k', '9223372036854775808');
    assert.equal(store.get('k'), undefined);
    assert.equal(clock.next('k'), String(NOW));
    store.entries.set('poisoned', '9999999999999999999');
    assert.equal(clock.next('poisoned'), String(NOW + 1));
    assert.equal(clock.tryNext('k', '9223372036854775808').ok, false, 'nothing can be newer than a version above the bound');
  });

  test('property: whatever is remembered or observed, every version handed out is within the bound and strictly increasing per key', () => {
    const nearBound = fc.bigInt({ min: MAX_VERSION - 50n, max: MAX_VERSION + 50n }).map((n) => n.toString());
    const anyDigits = fc.oneof(nearBound, fc.bigInt({ min: 0n, max: 10n ** 20n }).map((n) => n.toString()), fc.constant(String(NOW)));
    const step = fc.oneof(
      fc.record({ op: fc.constant('next' as const), key: fc.constantFrom('a', 'b', 'c'), jump: fc.integer({ min: -5, max: 5 }) }),
      fc.record({ op: fc.constant('observe' as const), key: fc.constantFrom('a', 'b', 'c'), version: anyDigits }),
      fc.record({ op: fc.constant('stored' as const), key: fc.constantFrom('a', 'b', 'c'), version: anyDigits }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
        let now = NOW;
        const store = memoryVersionStore();
        const clock = new VersionClock(store, () => now);
        const last = new Map<string, bigint>();
        for (const s of steps) {
          if (s.op === 'stored') {
            store.entries.set(s.key, s.version);
            last.delete(s.key);
          } else if (s.op === 'observe') {
            clock.observe(s.key, s.version);
            last.delete(s.key);
          } else {
            now += s.jump;
            const before = store.get(s.key);
            const usable = before !== undefined && BigInt(before) <= MAX_VERSION ? BigInt(before) : undefined;
            const next = clock.tryNext(s.key);
            if (!next.ok) {
              // Only a key whose own last version is the bound may be refused.
              assert.equal(usable, MAX_VERSION, `refused ${s.key} after ${before}`);
              assert.equal(next.issue.id, 'version.exhausted');
              continue;
            }
            const version = BigInt(next.version);
            assert.ok(version <= MAX_VERSION, `${next.version} is above the bound`);
            if (usable !== undefined) assert.ok(version > usable, `${next.version} is not newer than the remembered ${before}`);
            const previous = last.get(s.key);
            if (previous !== undefined) assert.ok(version > previous, `${next.version} after ${previous}`);
            last.set(s.key, version);
          }
          for (const value of store.entries.values()) {
            if (/^\d+$/.test(value) && steps.every((x) => x.op !== 'stored' || x.version !== value)) {
              assert.ok(BigInt(value) <= MAX_VERSION, `remembered ${value}`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('a send after the bound is a validation-style failure, over real HTTP', () => {
  const server = useFeishuServer();

  test('bulk: the user whose remembered version is at the bound is refused before sending; the others go out', async () => {
    const core = makeCore(server);
    const atBound = 'ou_at_the_bound';
    core.store.entries.set(core.client.keyFor('open_id', atBound), INT64_MAX);
    const items = [
      { user_id: 'ou_before', pc: { web_app: 1 } },
      { user_id: atBound, pc: { web_app: 1 } },
      { user_id: 'ou_after', pc: { web_app: 1 } },
    ];
    const summary = await runBulk(core.client, items, { concurrency: 2 });
    assert.equal(summary.ok, 2);
    assert.equal(summary.failed, 1);
    const refused = summary.results.find((r) => r.userId === atBound);
    assert.equal(refused?.status, 'invalid');
    assert.equal(refused?.result, undefined, 'no server answer: nothing was sent for this user');
    assert.deepEqual(refused?.issues?.map((issue) => [issue.path, issue.id]), [['version', 'version.exhausted']]);
    const sent = server.badgeRequests();
    assert.deepEqual(sent.map((r) => (r.body as { user_id: string }).user_id).sort(), ['ou_after', 'ou_before']);
    assert.ok(sent.every((r) => BigInt((r.body as { version: string }).version) <= MAX_VERSION));
  });

  test('single send: nothing above the bound goes on the wire, and no overflow comes back as a server error', async () => {
    const core = makeCore(server);
    core.store.entries.set(core.client.keyFor('open_id', USER), INT64_MAX);
    let outcome: string;
    try {
      const result = await core.client.setBadge(badge());
      outcome = result.kind;
    } catch (error) {
      // Until the client turns the refusal into a result, it surfaces as the typed error.
      assert.ok(error instanceof VersionExhaustedError, String(error));
      assert.equal(error.issue.id, 'version.exhausted');
      outcome = 'refused';
    }
    assert.notEqual(outcome, 'success');
    assert.deepEqual(server.badgeRequests(), [], 'no request carried a version above the bound (today: 9223372036854775808, answered 213005)');
  });
});
