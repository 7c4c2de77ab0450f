// Command arguments come from other extensions and tasks: parsed by schema, lenient where the old
// contract was (a wrong optional field is dropped, not a reason to refuse the whole call).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addProfileArgs, clearArgs, parseArgs, parseCallerOptions, resendArgs } from '../../src/host/commands/args.ts';

test('the second argument is read field by field', () => {
  const controller = new AbortController();
  assert.deepEqual(parseCallerOptions({ signal: controller.signal, silent: true, confirmProduction: true }), { signal: controller.signal, silent: true, confirmProduction: true });
  // A signal from another realm or a polyfill still counts; a bad field drops only itself.
  const foreign = { aborted: false, addEventListener: () => undefined };
  assert.equal(parseCallerOptions({ signal: foreign, silent: 'yes', confirmProduction: true }).confirmProduction, true);
  assert.equal(parseCallerOptions({ signal: foreign }).signal, foreign);
  assert.deepEqual(parseCallerOptions({ silent: 'yes' }), {});
  assert.deepEqual(parseCallerOptions(null), {});
  assert.deepEqual(parseCallerOptions('x'), {});
});

test('optional fields of the wrong type fall back instead of refusing the call', () => {
  assert.deepEqual(parseArgs(clearArgs, { user_id: ' ou_a ', user_id_type: null }), { user_id: 'ou_a', user_id_type: undefined });
  assert.equal(parseArgs(clearArgs, { user_id: '' }), undefined);
  assert.equal(parseArgs(clearArgs, { user_id: 42 }), undefined);
  assert.deepEqual(parseArgs(resendArgs, { index: 2, at: 'yesterday' }), { index: 2, at: undefined });
  assert.equal(parseArgs(resendArgs, { index: -1 }), undefined);
  assert.deepEqual(parseArgs(addProfileArgs, { name: 'P', domain: 'lark', production: 'true', customBaseUrl: 5 }), { name: 'P', domain: 'lark', production: undefined, customBaseUrl: undefined });
  assert.equal(parseArgs(addProfileArgs, { name: 'P', domain: 'elsewhere' }), undefined);
});

test('a re-send may say which profile to use when the entry was sent with another one', () => {
  assert.deepEqual(parseArgs(resendArgs, { index: 0, profile: 'entry' }), { index: 0, profile: 'entry' });
  assert.deepEqual(parseArgs(resendArgs, { index: 1, at: 5, profile: 'active' }), { index: 1, at: 5, profile: 'active' });
  // Anything else is dropped (the question is asked), not a reason to refuse the call.
  assert.deepEqual(parseArgs(resendArgs, { index: 0, profile: 'other' }), { index: 0, profile: undefined });
});
