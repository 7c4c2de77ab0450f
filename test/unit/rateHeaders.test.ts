import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RatePacer } from '../../src/core/bulk.ts';
import { RATE_LIMIT_MAX, RATE_LIMIT_MAX_RESET_SECONDS, readRateLimitHeaders } from '../../src/core/retry.ts';
import type { Outcome } from '../../src/core/types.ts';
import { badge, makeCore, useFeishuServer } from '../support/core.ts';

// The platform documents x-ogw-ratelimit-limit / -reset on rate-limited answers, and the notes say
// to treat them as untrusted: limit clamped to 1..10,000 per window, reset to 0..60 s, and a
// reset that is present but not plain digits (negative, NaN, "1e3", "12abc", "0x10") waits 1 s.

describe('rate-limit headers are parsed strictly and clamped', () => {
  test('reset: digits only after trimming, clamped to 0..60 s; anything else present is 1 s; absent stays absent', () => {
    const cases: Array<[string | null, number | undefined]> = [
      [null, undefined],
      ['0', 0],
      ['7', 7],
      [' 7 ', 7],
      ['007', 7],
      ['60', 60],
      ['61', 60],
      ['999999', 60],
      ['99999999999999999999999999', 60],
      ['', 1],
      ['   ', 1],
      ['-5', 1],
      ['-0', 1],
      ['NaN', 1],
      ['Infinity', 1],
      ['garbage', 1],
      ['1e3', 1],
      ['12abc', 1],
      ['0x10', 1],
      ['1.5', 1],
      ['+3', 1],
      ['１２', 1],
      ['3, 4', 1],
    ];
    for (const [header, expected] of cases) {
      assert.equal(readRateLimitHeaders(null, header).resetSeconds, expected, JSON.stringify(header));
    }
  });

  test('limit: digits only after trimming, clamped to 1..10000; anything else is no limit learned', () => {
    const cases: Array<[string | null, number | undefined]> = [
      [null, undefined],
      ['50', 50],
      [' 50 ', 50],
      ['1', 1],
      ['0', 1],
      ['10000', 10_000],
      ['99999', 10_000],
      ['99999999999999999999999999', 10_000],
      ['', undefined],
      ['-5', undefined],
      ['1e3', undefined],
      ['12abc', undefined],
      ['0x10', undefined],
      ['NaN', undefined],
      ['50.5', undefined],
    ];
    for (const [header, expected] of cases) {
      assert.equal(readRateLimitHeaders(header, null).limit, expected, JSON.stringify(header));
    }
  });

  test('property: for any header strings the result is within bounds, whole, and never NaN', () => {
    const header = fc.option(
      fc.oneof(
        fc.string(),
        fc.string({ unit: 'binary' }),
        fc.stringMatching(/^\s{0,2}[-+]?\d{0,30}(\.\d{0,3})?([eE][-+]?\d{1,3})?\s{0,2}$/),
        fc.constantFrom('NaN', 'Infinity', '-Infinity', '0x10', '1e3', '12abc', '-5', '999999', '', ' '),
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
      ),
      { nil: null },
    );
    fc.assert(
      fc.property(header, header, (limitHeader, resetHeader) => {
        const { limit, resetSeconds } = readRateLimitHeaders(limitHeader, resetHeader);
        if (limit !== undefined) {
          assert.ok(Number.isInteger(limit) && limit >= 1 && limit <= RATE_LIMIT_MAX, `limit ${limit} from ${JSON.stringify(limitHeader)}`);
        }
        assert.equal(limit === undefined, limitHeader === null || !/^\d+$/.test(limitHeader.trim()));
        if (resetHeader === null) {
          assert.equal(resetSeconds, undefined);
        } else {
          assert.ok(
            resetSeconds !== undefined && Number.isInteger(resetSeconds) && resetSeconds >= 0 && resetSeconds <= RATE_LIMIT_MAX_RESET_SECONDS,
            `reset ${resetSeconds} from ${JSON.stringify(resetHeader)}`,
          );
          if (!/^\d+$/.test(resetHeader.trim())) assert.equal(resetSeconds, 1, `garbage ${JSON.stringify(resetHeader)} waits 1 s`);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('over real HTTP: what a 429 says reaches the client clamped', () => {
  const server = useFeishuServer();

  const limited = async (headers: Record<string, string>): Promise<Outcome> => {
    const core = makeCore(server, { retry: { maxAttempts: 1 } });
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers });
    const result = await core.client.setBadge(badge());
    assert.ok(result.kind === 'api-error', JSON.stringify(result));
    return result;
  };

  test('negative, garbage, hexadecimal and exponent values; and values far out of range', async () => {
    const cases: Array<[Record<string, string>, number | undefined, number | undefined]> = [
      [{ 'x-ogw-ratelimit-reset': '-5', 'x-ogw-ratelimit-limit': '0x10' }, 1, undefined],
      [{ 'x-ogw-ratelimit-reset': '1e3', 'x-ogw-ratelimit-limit': '1e3' }, 1, undefined],
      [{ 'x-ogw-ratelimit-reset': '12abc', 'x-ogw-ratelimit-limit': '-50' }, 1, undefined],
      [{ 'x-ogw-ratelimit-reset': '999999', 'x-ogw-ratelimit-limit': '99999' }, 60, 10_000],
      [{ 'x-ogw-ratelimit-reset': '0', 'x-ogw-ratelimit-limit': '0' }, 0, 1],
      [{ 'x-ogw-ratelimit-reset': '7', 'x-ogw-ratelimit-limit': '50' }, 7, 50],
    ];
    for (const [headers, reset, limit] of cases) {
      const outcome = await limited(headers);
      assert.ok(outcome.kind === 'api-error', JSON.stringify(outcome));
      assert.equal(outcome.rateLimitResetSeconds, reset, JSON.stringify(headers));
      assert.equal(outcome.rateLimitLimit, limit, JSON.stringify(headers));
    }
  });

  /**
   * Starts an acquire after `outcome` and reports, on a mocked clock, how long it waited and how
   * often it looked at the clock meanwhile (a busy loop looks thousands of times).
   */
  async function pauseAfter(t: TestContext, outcome: Outcome): Promise<{ waitedMs: number; clockReads: number }> {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    let clockReads = 0;
    const pacer = new RatePacer({ concurrency: 4, now: () => (clockReads++, Date.now()) });
    assert.equal(await pacer.acquire(), true);
    pacer.release(outcome);
    clockReads = 0;
    let done = false;
    const acquired = pacer.acquire().then((ok) => {
      done = ok;
    });
    const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    let waitedMs = 0;
    await flush();
    // One millisecond at a time up to 2 s, then in steps of 100 ms: a pause longer than 60 s fails.
    while (!done && waitedMs <= 61_000) {
      const step = waitedMs < 2_000 ? 1 : 100;
      t.mock.timers.tick(step);
      waitedMs += step;
      await flush();
    }
    assert.ok(done, 'the pause ends within 60 s');
    await acquired;
    return { waitedMs, clockReads };
  }

  test('the pacer, told "-5": pauses 1 s on a timer, never 0, never a busy loop', async (t) => {
    const outcome = await limited({ 'x-ogw-ratelimit-reset': '-5' });
    const { waitedMs, clockReads } = await pauseAfter(t, outcome);
    assert.equal(waitedMs, 1_000);
    assert.ok(clockReads <= 4, `the clock was read ${clockReads} times while waiting`);
  });

  test('the pacer, told "999999": pauses 60 s, no longer, on one timer', async (t) => {
    const outcome = await limited({ 'x-ogw-ratelimit-reset': '999999' });
    const { waitedMs, clockReads } = await pauseAfter(t, outcome);
    assert.ok(waitedMs >= 60_000 && waitedMs <= 60_100, `waited ${waitedMs} ms`);
    assert.ok(clockReads <= 4, `the clock was read ${clockReads} times while waiting`);
  });

  test('the pacer clamps a reset it is handed directly too: NaN, negative, infinite, huge', async (t) => {
    const base = { kind: 'api-error', httpStatus: 429, code: 99991400, msg: 'limited', response: {} } as const;
    for (const [reset, expected] of [
      [Number.NaN, 1_000],
      [-5, 1_000],
      [Number.POSITIVE_INFINITY, 60_000],
      [1e12, 60_000],
    ] as const) {
      await t.test(String(reset), async (st) => {
        const { waitedMs, clockReads } = await pauseAfter(st, { ...base, rateLimitResetSeconds: reset });
        assert.ok(waitedMs >= expected && waitedMs <= expected + 100, `${reset}: waited ${waitedMs} ms`);
        assert.ok(clockReads <= 4, `${reset}: the clock was read ${clockReads} times`);
      });
    }
  });

  test('a NaN reset does not poison the pacer: the next 429 still pauses everyone', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    const pacer = new RatePacer({ concurrency: 4, now: () => Date.now() });
    const base = { kind: 'api-error', httpStatus: 429, code: 99991400, msg: 'limited', response: {} } as const;
    assert.equal(await pacer.acquire(), true);
    pacer.release({ ...base, rateLimitResetSeconds: Number.NaN });
    t.mock.timers.tick(60_000);
    assert.equal(await pacer.acquire(), true);
    pacer.release({ ...base, rateLimitResetSeconds: 2 });
    let done = false;
    void pacer.acquire().then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    t.mock.timers.tick(1_999);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false, 'still paused 1,999 ms into a 2 s reset');
    t.mock.timers.tick(1);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, true);
  });
});
