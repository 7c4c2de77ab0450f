import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY_POLICY, backoffDelay, decideRetry, sleep } from '../../src/core/retry.ts';
import type { RetryState } from '../../src/core/retry.ts';
import type { Outcome } from '../../src/core/types.ts';

const first: RetryState = { attempt: 1, versionBumped: false, tokenRefreshed: false, canRefreshToken: true };
const api = (code: number, httpStatus = 400, extra: Partial<Extract<Outcome, { kind: 'api-error' }>> = {}): Outcome => ({
  kind: 'api-error',
  httpStatus,
  code,
  msg: '',
  response: {},
  ...extra,
});
const half = (): number => 0.5;

describe('retry policy', () => {
  test('success, cancellation and the last attempt are never retried', () => {
    assert.deepEqual(decideRetry({ kind: 'success', httpStatus: 200, code: 0, msg: 'ok', response: {} }, first), { retry: false });
    assert.deepEqual(decideRetry({ kind: 'cancelled' }, first), { retry: false });
    assert.deepEqual(decideRetry(api(0, 500), { ...first, attempt: 3 }), { retry: false });
  });

  test('rate limits wait the reset header, bounded', () => {
    assert.deepEqual(decideRetry(api(99991400, 429, { rateLimitResetSeconds: 2 }), first), { retry: true, reason: 'rate-limited', delayMs: 2000 });
    assert.deepEqual(decideRetry(api(99991400, 400, { rateLimitResetSeconds: 0 }), first), { retry: true, reason: 'rate-limited', delayMs: 0 });
    assert.deepEqual(decideRetry(api(1, 429, { rateLimitResetSeconds: 61 }), first), { retry: false });
    const noHeader = decideRetry(api(99991400, 429), first, DEFAULT_RETRY_POLICY, half);
    assert.ok(noHeader.retry && noHeader.reason === 'rate-limited' && noHeader.delayMs > 0);
  });

  test('5xx and transient network failures back off; refused, DNS and TLS do not', () => {
    assert.equal(decideRetry(api(-1, 503), first).retry, true);
    assert.equal(decideRetry({ kind: 'invalid-response', httpStatus: 502, snippet: '<html>' }, first).retry, true);
    assert.equal(decideRetry({ kind: 'invalid-response', httpStatus: 200, snippet: '{' }, first).retry, false);
    for (const reason of ['reset', 'timeout', 'other'] as const) {
      assert.equal(decideRetry({ kind: 'network', reason, detail: '' }, first).retry, true, reason);
    }
    for (const reason of ['refused', 'dns', 'tls'] as const) {
      assert.equal(decideRetry({ kind: 'network', reason, detail: '' }, first).retry, false, reason);
    }
  });

  test('version conflicts bump the version once', () => {
    assert.deepEqual(decideRetry(api(213001), first), { retry: true, reason: 'version-conflict', delayMs: 0, bumpVersion: true });
    assert.deepEqual(decideRetry(api(213002), first), { retry: true, reason: 'version-conflict', delayMs: 0, bumpVersion: true });
    assert.deepEqual(decideRetry(api(213001), { ...first, attempt: 2, versionBumped: true }), { retry: false });
  });

  test('an invalid token is refreshed once, and only when it can be', () => {
    assert.deepEqual(decideRetry(api(99991663), first), { retry: true, reason: 'token-invalid', delayMs: 0, refreshToken: true });
    assert.deepEqual(decideRetry(api(99991661), first), { retry: true, reason: 'token-invalid', delayMs: 0, refreshToken: true });
    assert.deepEqual(decideRetry(api(99991663), { ...first, tokenRefreshed: true }), { retry: false });
    assert.deepEqual(decideRetry(api(99991663), { ...first, canRefreshToken: false }), { retry: false });
  });

  test('213004 backs off; every other API error is final', () => {
    const concurrent = decideRetry(api(213004), first, DEFAULT_RETRY_POLICY, half);
    assert.ok(concurrent.retry && concurrent.reason === 'concurrent-update' && concurrent.delayMs > 0);
    for (const code of [213003, 213005, 213006, 213007, 99991672, 99992402, 10015, 424242]) {
      assert.deepEqual(decideRetry(api(code), first), { retry: false }, String(code));
    }
  });

  test('backoff grows exponentially, is capped, and jitters within [half, full] of the step', () => {
    const options = { ...DEFAULT_RETRY_POLICY, backoffBaseMs: 100, backoffMaxMs: 1000 };
    assert.equal(backoffDelay(1, options, () => 0), 50);
    assert.equal(backoffDelay(1, options, () => 1), 100);
    assert.equal(backoffDelay(3, options, () => 1), 400);
    assert.equal(backoffDelay(10, options, () => 1), 1000);
    assert.equal(backoffDelay(10, options, () => 0), 500);
  });

  test('sleep resolves false as soon as it is aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 20);
    assert.equal(await sleep(5_000, controller.signal), false);
    assert.ok(performance.now() - started < 1_000);
    assert.equal(await sleep(1), true);
    assert.equal(await sleep(10, AbortSignal.abort()), false);
  });
});
