import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_EXTRA_BYTES, clearingInput, validateBadge } from '../../src/core/schema.ts';
import type { ValidationIssue } from '../../src/core/schema.ts';
import { MESSAGES, formatMessage } from '../../src/core/messages.ts';
import type { MessageId } from '../../src/core/messages.ts';
import { makeCore, useFeishuServer } from '../support/core.ts';

const errorsOf = (input: unknown): Array<[string, string]> => {
  const result = validateBadge(input);
  return result.ok ? [] : result.errors.map((issue) => [issue.path, issue.id]);
};
const warningsOf = (input: unknown): Array<[string, string]> => validateBadge(input).warnings.map((w) => [w.path, w.id]);

describe('badge validation', () => {
  test('a complete request is accepted, trimmed, and defaults user_id_type to open_id', () => {
    const result = validateBadge({ user_id: '  ou_abc  ', version: '1664360599355', extra: '{}', pc: { web_app: 1, gadget: 2 }, mobile: { web_app: 0 } });
    assert.equal(result.ok, true);
    assert.ok(result.ok);
    assert.deepEqual(result.value, {
      userIdType: 'open_id',
      body: { user_id: 'ou_abc', version: '1664360599355', extra: '{}', pc: { web_app: 1, gadget: 2 }, mobile: { web_app: 0 } },
    });
    assert.deepEqual(result.warnings, []);
  });

  test('user_id is required, non-empty after trimming, and text', () => {
    assert.deepEqual(errorsOf({ pc: { web_app: 1 } }), [['user_id', 'userId.required']]);
    assert.deepEqual(errorsOf({ user_id: '   ', pc: { web_app: 1 } }), [['user_id', 'userId.required']]);
    assert.deepEqual(errorsOf({ user_id: 42, pc: { web_app: 1 } }), [['user_id', 'userId.notString']]);
  });

  test('user_id_type accepts the three API values only', () => {
    for (const type of ['open_id', 'union_id', 'user_id']) {
      assert.equal(validateBadge({ user_id: 'x', user_id_type: type, pc: {} }).ok, true, type);
    }
    assert.deepEqual(errorsOf({ user_id: 'x', user_id_type: 'email', pc: {} }), [['user_id_type', 'userIdType.invalid']]);
  });

  test('version must be a digit string', () => {
    assert.deepEqual(errorsOf({ user_id: 'ou_x', version: 'v1', pc: {} }), [['version', 'version.digits']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', version: '', pc: {} }), [['version', 'version.digits']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', version: '1'.repeat(20), pc: {} }), [['version', 'version.digits']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', version: 1664360599355, pc: {} }), [['version', 'version.notString']]);
  });

  test('counts are integers in 0..2147483647 with field-level paths', () => {
    assert.deepEqual(errorsOf({ user_id: 'ou_x', pc: { web_app: -1 } }), [['pc.web_app', 'count.range']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', mobile: { gadget: 2147483648 } }), [['mobile.gadget', 'count.range']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', pc: { gadget: 1.5 } }), [['pc.gadget', 'count.notInteger']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', pc: { gadget: '3' } }), [['pc.gadget', 'count.notNumber']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', pc: { gadget: Number.NaN } }), [['pc.gadget', 'count.notNumber']]);
    assert.equal(validateBadge({ user_id: 'ou_x', pc: { web_app: 2147483647, gadget: 0 } }).ok, true);
  });

  test('misspelled fields are reported, not silently dropped', () => {
    assert.deepEqual(errorsOf({ user_id: 'ou_x', moblie: { web_app: 1 } }), [['moblie', 'field.unknown']]);
    assert.deepEqual(errorsOf({ user_id: 'ou_x', pc: { webApp: 1 } }), [['pc.webApp', 'field.unknown']]);
    const result = validateBadge({ user_id: 'ou_x', pc: { webApp: 1 } });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors[0]?.params, { field: 'pc.webApp' });
  });

  test('non-objects are rejected with a message, never an exception', () => {
    for (const input of [null, undefined, 42, 'text', [], true]) {
      assert.equal(validateBadge(input).ok, false, String(input));
    }
    assert.deepEqual(errorsOf({ user_id: 'ou_x', pc: 3 }), [['pc', 'client.notObject']]);
  });

  test('several errors are reported together so a form can mark every field', () => {
    const paths = errorsOf({ user_id: '', version: 'x', pc: { web_app: -1 }, mobile: { gadget: 1.2 } }).map(([path]) => path);
    assert.deepEqual(paths.sort(), ['mobile.gadget', 'pc.web_app', 'user_id', 'version']);
  });

  test('warnings flag likely mistakes without blocking', () => {
    assert.deepEqual(warningsOf({ user_id: 'on_123', pc: { web_app: 1 } }), [['user_id', 'userId.openIdPrefix']]);
    assert.deepEqual(warningsOf({ user_id: 'ou_123', user_id_type: 'union_id', pc: { web_app: 1 } }), [['user_id', 'userId.unionIdPrefix']]);
    assert.deepEqual(warningsOf({ user_id: 'abc', user_id_type: 'user_id', pc: { web_app: 1 } }), []);
    assert.deepEqual(warningsOf({ user_id: 'ou_abc', user_id_type: 'user_id', pc: { web_app: 1 } }), [['user_id', 'userId.looksLikeOtherType']]);
    assert.deepEqual(warningsOf({ user_id: 'ou_1', pc: { web_app: 1000, gadget: 999 } }), [['pc.web_app', 'count.dot']]);
    assert.deepEqual(warningsOf({ user_id: 'ou_1' }), [['', 'body.noCounts']]);
    assert.deepEqual(warningsOf({ user_id: 'ou_1', pc: {} }), [['pc', 'client.empty']]);
    assert.deepEqual(warningsOf({ user_id: 'ou_1', pc: { gadget: 1 }, extra: '{not json' }), [['extra', 'extra.notJson']]);
    assert.deepEqual(warningsOf({ user_id: 'ou_1', pc: { gadget: 1 }, extra: '{"a":1}' }), []);
    assert.equal(validateBadge({ user_id: 'ou_1' }).ok, true, 'no counts is a warning, not an error');
  });

  test('clearingInput sets all four counts to zero', () => {
    const result = validateBadge(clearingInput('ou_abc', 'open_id'));
    assert.ok(result.ok);
    assert.deepEqual(result.value.body, { user_id: 'ou_abc', pc: { web_app: 0, gadget: 0 }, mobile: { web_app: 0, gadget: 0 } });
  });

  test('every message id has English and Simplified Chinese text and placeholders are filled', () => {
    const ids = Object.keys(MESSAGES.en) as MessageId[];
    for (const messageId of ids) {
      assert.ok(MESSAGES.en[messageId].length > 0);
      assert.match(MESSAGES['zh-cn'][messageId], /[\u4e00-\u9fff]/, messageId);
    }
    assert.equal(formatMessage('count.range', 'en', { max: 2147483647 }), 'Count must be between 0 and 2147483647.');
    assert.equal(formatMessage('count.range', 'zh-cn', { max: 5 }), '数量必须在 0 到 5 之间。');
  });
});

describe('user_id hardening', () => {
  const issueOf = (input: unknown): ValidationIssue | undefined => {
    const result = validateBadge(input);
    return result.ok ? undefined : result.errors.find((issue) => issue.path === 'user_id');
  };

  test('control and format characters are rejected wherever they are, naming the position, never the raw character', () => {
    const cases: Array<[string, number, string]> = [
      ['ou_a\u0000b', 5, 'U+0000'],
      ['ou_a\nb', 5, 'U+000A'],
      ['ou_ab\n', 6, 'U+000A'],
      ['\rou_ab', 1, 'U+000D'],
      ['ou_\u200bab', 4, 'U+200B'],
      ['ou_ab\u202e', 6, 'U+202E'],
      ['\ufeffou_ab', 1, 'U+FEFF'],
      ['ou_\u{1F600}\u00ad', 5, 'U+00AD'],
      ['ou_a\u007fb', 5, 'U+007F'],
    ];
    for (const [userId, position, char] of cases) {
      const issue = issueOf({ user_id: userId, pc: { web_app: 1 } });
      assert.equal(issue?.id, 'userId.controlChar', JSON.stringify(userId));
      assert.deepEqual(issue?.params, { position, char }, JSON.stringify(userId));
      for (const locale of ['en', 'zh-cn'] as const) {
        const text = formatMessage('userId.controlChar', locale, issue?.params);
        assert.ok(text.includes(String(position)) && text.includes(char), text);
        assert.doesNotMatch(text, /[\p{Cc}\p{Cf}]/u, 'the message never carries the character itself');
      }
    }
    assert.match(formatMessage('userId.controlChar', 'en', { position: 5, char: 'U+200B' }), /control or invisible character.*position 5/);
  });

  test('whitespace inside the ID is rejected with its position; plain spaces (and other whitespace) around it are still trimmed', () => {
    for (const [userId, position] of [['ou_a b', 5], ['ou_a\tb', 5], ['  ou_a b', 7], ['ou_a\u3000b', 5], ['ou_a\u00a0b', 5], ['ou_a\u2028b', 5]] as const) {
      const issue = issueOf({ user_id: userId, pc: { web_app: 1 } });
      assert.equal(issue?.id, 'userId.whitespace', JSON.stringify(userId));
      assert.deepEqual(issue?.params, { position }, JSON.stringify(userId));
    }
    assert.match(formatMessage('userId.whitespace', 'en', { position: 5 }), /whitespace.*position 5/);
    for (const userId of ['  ou_ab  ', '\tou_ab\t', '\u3000ou_ab\u00a0']) {
      const result = validateBadge({ user_id: userId, pc: { web_app: 1 } });
      assert.ok(result.ok, JSON.stringify(userId));
      assert.equal(result.value.body.user_id, 'ou_ab');
    }
  });

  test('at most 256 characters (after trimming), counted as characters, not UTF-16 units', () => {
    assert.equal(validateBadge({ user_id: `ou_${'a'.repeat(253)}`, pc: { web_app: 1 } }).ok, true);
    assert.equal(validateBadge({ user_id: `  ou_${'a'.repeat(253)}  `, pc: { web_app: 1 } }).ok, true);
    assert.equal(validateBadge({ user_id: '\u{1F600}'.repeat(256), user_id_type: 'user_id', pc: { web_app: 1 } }).ok, true);
    const issue = issueOf({ user_id: `ou_${'a'.repeat(254)}`, pc: { web_app: 1 } });
    assert.equal(issue?.id, 'userId.tooLong');
    assert.deepEqual(issue?.params, { length: 257, max: 256 });
    assert.equal(issueOf({ user_id: 'x'.repeat(100_000), pc: { web_app: 1 } })?.id, 'userId.tooLong');
    assert.equal(formatMessage('userId.tooLong', 'en', { length: 257, max: 256 }), 'User ID is 257 characters long; at most 256 are allowed.');
  });

  test('extra is capped at 64 KiB of UTF-8, in the core schema, so every surface shares the limit', () => {
    assert.equal(MAX_EXTRA_BYTES, 65_536);
    assert.equal(validateBadge({ user_id: 'ou_x', pc: { web_app: 1 }, extra: 'a'.repeat(65_536) }).ok, true);
    // 21,846 three-byte characters: 65,538 bytes, far fewer than 65,536 UTF-16 units.
    for (const extra of ['a'.repeat(65_537), '中'.repeat(21_846), `${'a'.repeat(65_533)}\u{1F600}`]) {
      const result = validateBadge({ user_id: 'ou_x', pc: { web_app: 1 }, extra });
      assert.ok(!result.ok, `${extra.length} units`);
      assert.deepEqual(result.errors.map((issue) => [issue.path, issue.id]), [['extra', 'extra.tooLarge']]);
      assert.equal(result.errors[0]?.params?.max, 65_536);
      assert.equal(result.errors[0]?.params?.size, new TextEncoder().encode(extra).byteLength);
    }
    assert.equal(validateBadge({ user_id: 'ou_x', pc: { web_app: 1 }, extra: '中'.repeat(21_845) }).ok, true, '65,535 bytes');
    assert.match(formatMessage('extra.tooLarge', 'en', { size: 65_538, max: 65_536 }), /65538 bytes.*65536/);
  });
});

describe('default user ID type', () => {
  test('an input without user_id_type takes the given default; an explicit one wins', () => {
    for (const type of ['open_id', 'union_id', 'user_id'] as const) {
      const result = validateBadge({ user_id: 'on_abc', pc: { web_app: 1 } }, { defaultUserIdType: type });
      assert.ok(result.ok);
      assert.equal(result.value.userIdType, type);
    }
    const explicit = validateBadge({ user_id: 'ou_abc', user_id_type: 'open_id', pc: { web_app: 1 } }, { defaultUserIdType: 'user_id' });
    assert.ok(explicit.ok);
    assert.equal(explicit.value.userIdType, 'open_id');
  });

  test('without the option (or with it undefined) the default stays open_id', () => {
    for (const result of [validateBadge({ user_id: 'ou_abc', pc: { web_app: 1 } }), validateBadge({ user_id: 'ou_abc', pc: { web_app: 1 } }, {}), validateBadge({ user_id: 'ou_abc', pc: { web_app: 1 } }, { defaultUserIdType: undefined })]) {
      assert.ok(result.ok);
      assert.equal(result.value.userIdType, 'open_id');
    }
  });

  test('warnings follow the default: a union_id default warns about an ID without on_', () => {
    const result = validateBadge({ user_id: 'ou_abc', pc: { web_app: 1 } }, { defaultUserIdType: 'union_id' });
    assert.deepEqual(result.warnings.map((w) => [w.path, w.id]), [['user_id', 'userId.unionIdPrefix']]);
  });

  test('a default that is not an API value (a hand-edited setting) is an error, not a silent open_id', () => {
    const result = validateBadge({ user_id: 'ou_abc', pc: { web_app: 1 } }, { defaultUserIdType: 'email' as never });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors.map((issue) => [issue.path, issue.id]), [['user_id_type', 'userIdType.invalid']]);
  });
});

// Random input of every shape: validation must answer, never throw, and only produce known ids.
const anyInput = fc.oneof(
  fc.anything(),
  fc.record(
    {
      user_id: fc.oneof(fc.string(), fc.constant('ou_abc'), fc.anything()),
      user_id_type: fc.oneof(fc.constantFrom('open_id', 'union_id', 'user_id'), fc.string()),
      version: fc.oneof(fc.stringMatching(/^\d{1,20}$/), fc.string(), fc.integer()),
      extra: fc.oneof(fc.string(), fc.json(), fc.anything()),
      pc: fc.oneof(fc.record({ web_app: fc.oneof(fc.integer(), fc.double()), gadget: fc.anything() }, { requiredKeys: [] }), fc.anything()),
      mobile: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);

const count = fc.integer({ min: 0, max: 2147483647 });
const client = fc.record({ web_app: count, gadget: count }, { requiredKeys: [] });
const userIdFor = (type: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9_]{1,40}$/),
    fc.stringMatching(/^[a-f0-9]{8,32}$/).map((id) => (type === 'union_id' ? `on_${id}` : `ou_${id}`)),
  );
const plausibleInput = fc.constantFrom('open_id', 'union_id', 'user_id').chain((type) =>
  fc.record(
    {
      user_id: userIdFor(type),
      user_id_type: fc.constant(type),
      extra: fc.oneof(fc.json(), fc.string()),
      pc: client,
      mobile: client,
    },
    { requiredKeys: ['user_id', 'user_id_type'] },
  ),
);

const knownIds = new Set(Object.keys(MESSAGES.en));
const allKnown = (issues: ValidationIssue[]): boolean => issues.every((issue) => knownIds.has(issue.id));

describe('validation properties', () => {
  const server = useFeishuServer({}, { reset: false });

  test('random input never throws and only yields known message ids', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = validateBadge(input);
        return result.ok ? allKnown(result.warnings) : result.errors.length > 0 && allKnown(result.errors);
      }),
      { numRuns: 2000 },
    );
  });

  test('whatever validation accepts without a predictive warning, the Feishu-like API accepts', async () => {
    const core = makeCore(server);
    const predictive = new Set(['body.noCounts', 'userId.openIdPrefix', 'userId.unionIdPrefix', 'userId.looksLikeOtherType']);
    await fc.assert(
      fc.asyncProperty(plausibleInput, async (input) => {
        const validation = validateBadge(input);
        if (!validation.ok) return false;
        const result = await core.client.setBadge(validation.value);
        const predicted = validation.warnings.some((warning) => predictive.has(warning.id));
        // Accepted and not predicted to fail must succeed; a predicted failure must fail.
        return predicted ? result.kind === 'api-error' : result.kind === 'success';
      }),
      { numRuns: 150 },
    );
  });
});
