// Issue 10's messages between the form and the host, in plain Node: what an email or phone number
// is, the lookup and diagnose messages the host accepts from the (untrusted) webview, and the
// answers the form accepts from the host. (test/webview/lookup.test.ts shows them in Chromium.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_COUNT } from '../../src/core/schema.ts';
import { parseFromHost } from '../../src/shared/fromHost.ts';
import { LOOKUP_QUERY_MAX, contactKind, mobileDigits, parseFromWebview } from '../../src/shared/protocol.ts';
import type { DiagnosisCheck, FromHost } from '../../src/shared/protocol.ts';

/** JSON round trip: drops the keys a lenient read set to `undefined`, as posting a message does. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

const lookup = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'lookup', requestId: 'r-1', query: 'ada@example.com', userIdType: 'open_id', ...fields });
const diagnose = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({ type: 'diagnose', requestId: 'r-2', target: { userId: 'ou_abc', userIdType: 'open_id' }, ...fields });

describe('contactKind', () => {
  test('an @ is an email; + and digits, or 11 digits starting with 1, is a phone number', () => {
    const cases: Array<[string, ReturnType<typeof contactKind>]> = [
      ['ada@example.com', 'email'],
      ['  ada@example.com ', 'email'],
      ['@', 'email'],
      ['+8613800138000', 'mobile'],
      ['+86 138-0013-8000', 'mobile'],
      ['+1 (415) 555 0100', 'mobile'],
      ['13800138000', 'mobile'],
      ['138 0013 8000', 'mobile'],
      ['ou_abc', undefined],
      ['on_abc', undefined],
      ['12345', undefined],
      ['1380013800', undefined],
      ['23800138000', undefined],
      ['138001380001', undefined],
      ['+', undefined],
      ['+86abc', undefined],
      ['', undefined],
      ['ada @example.com', undefined],
      ['ada\u0000@example.com', undefined],
      ['ada\u200b@example.com', undefined],
      [`${'a'.repeat(LOOKUP_QUERY_MAX)}@x`, undefined],
    ];
    for (const [text, kind] of cases) assert.equal(contactKind(text), kind, JSON.stringify(text));
    // With the user_id type a bare 11-digit number may be an employee number: only +CC is a phone.
    assert.equal(contactKind('13800138000', 'user_id'), undefined);
    assert.equal(contactKind('+8613800138000', 'user_id'), 'mobile');
    assert.equal(contactKind('13800138000', 'open_id'), 'mobile');
  });

  test('a phone number is looked up without its separators', () => {
    assert.equal(mobileDigits(' +1 (415) 555-0100 '), '+14155550100');
  });
});

describe('parseFromWebview: lookup and diagnose', () => {
  test('well-formed messages come through as sent', () => {
    for (const message of [
      lookup(),
      lookup({ query: '+86 138 0013 8000', userIdType: 'union_id' }),
      lookup({ query: `${'a'.repeat(LOOKUP_QUERY_MAX - 2)}@x` }),
      diagnose(),
      diagnose({ counts: { pc: { web_app: 3, gadget: 0 }, mobile: { web_app: MAX_COUNT } } }),
      diagnose({ counts: {} }),
    ]) {
      assert.deepEqual(plain(parseFromWebview(message)), message, JSON.stringify(message));
    }
  });

  test('a malformed lookup is rejected whole', () => {
    const { query: _query, ...noQuery } = lookup();
    for (const message of [
      noQuery,
      lookup({ query: '' }),
      lookup({ query: 7 }),
      lookup({ query: `${'a'.repeat(LOOKUP_QUERY_MAX)}@x` }),
      lookup({ query: 'ada\u0000@example.com' }),
      lookup({ query: 'ada@example.com\n' }),
      lookup({ query: 'ada\u001b[31m@example.com' }),
      lookup({ query: 'ada\u2028@example.com' }),
      lookup({ query: ' ada@example.com' }),
      lookup({ query: 'ou_abc' }),
      lookup({ userIdType: 'email' }),
      lookup({ userIdType: undefined }),
      lookup({ requestId: '' }),
      lookup({ requestId: 'r 1' }),
      lookup({ requestId: 'r'.repeat(65) }),
    ]) {
      assert.equal(parseFromWebview(message), undefined, JSON.stringify(message));
    }
  });

  test('a malformed diagnose is rejected whole', () => {
    for (const message of [
      diagnose({ target: undefined }),
      diagnose({ target: { userId: '', userIdType: 'open_id' } }),
      diagnose({ target: { userId: 'ou_abc' } }),
      diagnose({ target: { userId: 'ou_abc', userIdType: 'mobile' } }),
      diagnose({ target: { userId: 'x'.repeat(513), userIdType: 'open_id' } }),
      diagnose({ counts: { pc: { web_app: -1 } } }),
      diagnose({ counts: { pc: { web_app: 1.5 } } }),
      diagnose({ counts: { pc: { web_app: '3' } } }),
      diagnose({ counts: { mobile: { gadget: MAX_COUNT + 1 } } }),
      diagnose({ counts: { pc: { web_app: Number.NaN } } }),
      diagnose({ counts: 'all' }),
      diagnose({ requestId: undefined }),
    ]) {
      assert.equal(parseFromWebview(message), undefined, JSON.stringify(message));
    }
  });

  test('keys the protocol does not declare are dropped (nothing extra reaches the host)', () => {
    const parsed = parseFromWebview(diagnose({ token: 't-secret', counts: { pc: { web_app: 1, badge: 2 } } }));
    assert.deepEqual(plain(parsed), diagnose({ counts: { pc: { web_app: 1 } } }));
  });
});

describe('parseFromHost: lookupResult and diagnosis', () => {
  const checks: DiagnosisCheck[] = [
    { id: 'credentials', status: 'pass', title: 'Credentials', detail: 'ok', code: 0 },
    { id: 'app', status: 'warn', title: 'App', detail: 'd', fix: 'f', missingScopes: ['admin:app.info:readonly'], permissionPage: 'https://open.feishu.cn/app/cli_1/auth' },
    { id: 'id-shape', status: 'pass', title: 'ID', detail: 'd' },
    { id: 'person', status: 'fail', title: 'Account', detail: 'd', code: 213006, logId: 'L-1' },
    { id: 'visibility', status: 'skip', title: 'Availability', detail: 'd' },
    { id: 'manual', status: 'skip', title: 'Manual', detail: 'd' },
  ];

  test('every answer the host sends comes through unchanged', () => {
    const messages: FromHost[] = [
      { type: 'lookupResult', requestId: 'r-1', query: 'ada@example.com', users: [{ id: 'ou_1', idType: 'open_id', name: 'Ada', status: { resigned: true, frozen: false, notActivated: false, exited: false, unjoined: false } }] },
      { type: 'lookupResult', requestId: 'r-1', query: '13800138000', users: [], notFound: { detail: 'No one in this tenant has it.' } },
      { type: 'lookupResult', requestId: 'r-1', query: 'a@b', users: [], error: { kind: 'missing-scope', msg: 'm', code: 99991672, logId: 'L', missingScopes: ['contact:user.id:readonly'] } },
      { type: 'diagnosis', requestId: 'r-2', target: { userId: 'ou_1', userIdType: 'open_id' }, result: { ok: false, checks } },
      { type: 'diagnosis', requestId: 'r-2', target: { userId: 'ou_1', userIdType: 'open_id' }, result: { ok: true, checks: [], cancelled: true } },
      { type: 'diagnosis', requestId: 'r-2', target: { userId: 'ou_1', userIdType: 'open_id' }, result: { ok: false, checks: [] }, error: { kind: 'internal', msg: 'see the log' } },
    ];
    for (const message of messages) assert.deepEqual(plain(parseFromHost(message)), message);
  });

  test('answers the form cannot place are rejected whole', () => {
    for (const data of [
      { type: 'lookupResult', requestId: 'r-1', users: [] },
      { type: 'lookupResult', query: 'a@b', users: [] },
      { type: 'lookupResult', requestId: 'r-1', query: 5, users: [] },
      { type: 'diagnosis', requestId: 'r-2', result: { ok: true, checks: [] } },
      { type: 'diagnosis', requestId: 'r-2', target: { userId: 'ou_1', userIdType: 'email' }, result: { ok: true, checks: [] } },
      { type: 'diagnosis', requestId: 'r-2', target: { userId: 'ou_1', userIdType: 'open_id' } },
      { type: 'diagnosis', requestId: 'r-2', target: { userId: 'ou_1', userIdType: 'open_id' }, result: { checks: [] } },
      { type: 'diagnosis', requestId: 'r-2', target: { userId: 'ou_1', userIdType: 'open_id' }, result: { ok: 'yes', checks: [] } },
      { type: 'diagnosis', requestId: 'r-2', target: { userId: 'ou_1', userIdType: 'open_id' }, result: { ok: true, checks: 'none' } },
    ]) {
      assert.equal(parseFromHost(data), undefined, JSON.stringify(data));
    }
  });

  test('what cannot be read degrades item by item: a person without an ID, a check of unknown status, a bad flag', () => {
    const read = plain(
      parseFromHost({
        type: 'lookupResult',
        requestId: 'r-1',
        query: 'a@b',
        users: [{ idType: 'open_id', name: 'no id' }, { id: 'ou_2', idType: 'open_id', status: { resigned: 'yes', frozen: true } }, 'junk', { id: 'ou_3', idType: 'email' }],
        notFound: 'nobody',
        error: { kind: 'api', code: 'x' },
      }),
    );
    assert.deepEqual(read, { type: 'lookupResult', requestId: 'r-1', query: 'a@b', users: [{ id: 'ou_2', idType: 'open_id', status: { frozen: true } }], error: { kind: 'api', msg: '' } });
    const diagnosed = plain(
      parseFromHost({
        type: 'diagnosis',
        requestId: 'r-2',
        target: { userId: 'ou_1', userIdType: 'open_id' },
        result: { ok: false, checks: [...checks, { id: 'x', status: 'maybe', title: 'T', detail: '' }, { id: 'y', status: 'fail' }], cancelled: 'no' },
      }),
    ) as { result: { checks: unknown[]; cancelled?: unknown } };
    // The unknown status is kept as a warning (so the list and its summary agree); the check without a title is dropped.
    assert.equal(diagnosed.result.checks.length, 7);
    assert.deepEqual((diagnosed.result.checks[6] as { id: string; status: string }).status, 'warn');
    assert.equal('cancelled' in diagnosed.result, false);
  });

  test('a huge server text is cut, not carried whole', () => {
    const read = parseFromHost({ type: 'lookupResult', requestId: 'r', query: 'a@b', users: [{ id: 'ou_1', idType: 'open_id', name: 'n'.repeat(10_000) }] });
    assert.ok(read?.type === 'lookupResult');
    assert.equal(read.users[0]?.name?.length, 200);
  });
});
