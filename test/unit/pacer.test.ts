// The rate pacer (src/core/pacer.ts) against rate limits as real gateways send them, and against
// 5xx storms. Over real HTTP against the local Feishu-like server (and a raw node:http proxy in
// front of it for a storm with a start and an end); the pacer's own arithmetic on a hand-driven
// clock, fed outcomes that came over real HTTP. No timed assertions beyond generous bounds.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RatePacer, runBulk } from '../../src/core/bulk.ts';
import type { Outcome } from '../../src/core/types.ts';
import { BADGE_PATH } from '../support/feishuServer.ts';
import type { RateLimitHeaders } from '../support/feishuServer.ts';
import { badge, makeCore, useFeishuServer } from '../support/core.ts';

const users = (n: number, prefix: string): Array<Record<string, unknown>> =>
  Array.from({ length: n }, (_, i) => ({ user_id: `ou_${prefix}_${i}`, pc: { web_app: 1 }, mobile: { web_app: 1 } }));

/** The most of `times` within any span of `span` ms. */
function peak(times: number[], span: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= span) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('rate limits as gateways send them: runBulk against the local server', () => {
  const server = useFeishuServer();

  for (const headers of ['on429', 'always'] as const satisfies readonly RateLimitHeaders[]) {
    for (const concurrency of [4, 8]) {
      test(`headers '${headers}', 150 users at 50/s, concurrency ${concurrency}: no failure, at most one 429 per worker, no over-correction, no second burst`, async () => {
        server.setRateLimit({ limit: 50, windowMs: 1000, headers });
        const pacer = new RatePacer({ concurrency });
        let lowestPace = Infinity;
        const sample = (): void => {
          if (pacer.ratePerSecond !== undefined) lowestPace = Math.min(lowestPace, pacer.ratePerSecond);
        };
        const started = Date.now();
        const summary = await runBulk(makeCore(server).client, users(150, `${headers}_${concurrency}`), { concurrency, pacer, onProgress: sample });
        const elapsed = Date.now() - started;
        sample();
        assert.deepEqual([summary.ok, summary.failed], [150, 0]);
        const requests = server.badgeRequests();
        const limited = requests.filter((r) => r.code === 99991400);
        // 'on429': the run cannot know the limit before the first 429; the workers in flight when
        // it comes back may meet one each, and then no more. 'always': the first answer says it.
        // Paced one request under the limit, a request that reaches the server late can still
        // land in a full window: one such 429 is allowed, a second burst is not.
        const first = requests[0]!.receivedAt;
        const later = limited.filter((r) => r.receivedAt - first >= 1000).length;
        assert.ok(limited.length - later <= (headers === 'on429' ? concurrency : 0) + 1, `${limited.length - later} answers 429 in the first second`);
        assert.ok(later <= 1, `${later} answers 429 after the first second: a second burst`);
        // The first 429 says the limit: pace at it, not at 0.9^n of it for the n workers that met
        // it (a later 429 of the kind above takes a tenth off, once).
        assert.ok(lowestPace >= 42.5, `the pace went down to ${lowestPace.toFixed(1)}/s for a limit of 50/s`);
        // 150 users at 50/s take 3 s at the least: only a collapse fails this.
        assert.ok(elapsed < 3 * 4_000, `${elapsed} ms`);
      });
    }
  }
});

/**
 * A raw proxy in front of the local server: for `stormMs` from the first badge call, every badge
 * call gets a gateway's 503 page (token calls pass); after it, everything is forwarded. Records
 * when badge calls came, and whether in the storm.
 */
async function stormProxy(target: string, stormMs: number): Promise<{ url: string; arrivals: Array<{ at: number; storm: boolean }>; close(): Promise<void> }> {
  const state = { storming: true, arrivals: [] as Array<{ at: number; storm: boolean }> };
  let stormEnds: ReturnType<typeof setTimeout> | undefined;
  const proxy: Server = createServer((req, res) => {
    const badgeCall = (req.url ?? '').startsWith(BADGE_PATH);
    if (badgeCall) {
      stormEnds ??= setTimeout(() => (state.storming = false), stormMs);
      state.arrivals.push({ at: Date.now(), storm: state.storming });
    }
    if (badgeCall && state.storming) {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'text/html' });
        res.end('<html><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>');
      });
      return;
    }
    const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(stormEnds);
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  });
}

describe('a 5xx storm slows the pacer like a 429', () => {
  const server = useFeishuServer();

  test('during a 700 ms storm of 503 pages the run sends a handful of requests, not hundreds, and speeds up again after it', async () => {
    const proxy = await stormProxy(server.url, 700);
    try {
      const pacer = new RatePacer({ concurrency: 4 });
      const started = Date.now();
      const summary = await runBulk(makeCore(proxy, { retry: { maxAttempts: 3 } }).client, users(40, 'storm'), {
        concurrency: 4,
        pacer,
        // The circuit breaker (bulk.ts) would stop this run after five users failed in a row: off
        // here, so what is measured is the pacer alone.
        breakAfter: 0,
      });
      const during = proxy.arrivals.filter((a) => a.storm).length;
      // Without pacing: 40 users x 3 attempts = 120 requests within the storm, every user failed.
      assert.ok(during <= 12, `${during} requests during the storm`);
      assert.equal(summary.ok + summary.failed, 40);
      assert.ok(summary.ok >= 36, `${summary.ok} users set after the storm`);
      assert.equal(pacer.ratePerSecond, undefined, 'unpaced again once the server answers (no limit was ever said)');
      assert.ok(Date.now() - started < 3 * 3_000, `${Date.now() - started} ms`);
    } finally {
      await proxy.close();
    }
  });
});

describe('the pacer on a hand-driven clock, fed outcomes that came over real HTTP', () => {
  const server = useFeishuServer();

  /** One real answer: the local server answers with the fault, the client makes one attempt. */
  const answer = async (fault: Parameters<typeof server.inject>[0]): Promise<Outcome> => {
    server.inject(fault);
    const result = await makeCore(server, { retry: { maxAttempts: 1 } }).client.setBadge(badge());
    return result as Outcome;
  };

  /** A pacer on a clock the test moves; `grant()` says whether an acquire goes through without waiting. */
  function driven(concurrency = 8): { pacer: RatePacer; clock: { now: number }; grant(): Promise<boolean> } {
    const clock = { now: 1_000_000 };
    const pacer = new RatePacer({ concurrency, now: () => clock.now });
    const grant = async (): Promise<boolean> => {
      const controller = new AbortController();
      const granted = await Promise.race([
        pacer.acquire(controller.signal),
        new Promise<false>((resolve) => setImmediate(() => resolve(false))),
      ]);
      controller.abort(); // a waiting acquire gives up (resolves false) instead of taking a later slot
      return granted;
    };
    return { pacer, clock, grant };
  }

  /** The earliest the next acquire goes through, found by moving the clock 1 ms at a time (at most `limitMs`). */
  async function waitOf(grant: () => Promise<boolean>, clock: { now: number }, limitMs = 5_000): Promise<number> {
    for (let waited = 0; waited <= limitMs; waited++) {
      if (await grant()) return waited;
      clock.now += 1;
    }
    return Infinity;
  }

  const success = (limit?: number): Outcome => ({ kind: 'success', httpStatus: 200, code: 0, msg: 'success', response: {}, ...(limit === undefined ? {} : { rateLimitLimit: limit }) });

  test('a lone 5xx takes a tenth off; a second in a row pauses everyone briefly and halves the pace; backoff is bounded at 1 s', async () => {
    const page = await answer({ type: 'html', status: 503 });
    const json = await answer({ type: 'status', status: 500 });
    const gateway = await answer({ type: 'html', status: 502 });
    for (const outcome of [page, json, gateway]) assert.ok('httpStatus' in outcome && outcome.httpStatus >= 500, JSON.stringify(outcome));

    const { pacer, clock, grant } = driven();
    assert.equal(await grant(), true);
    pacer.release(success(50)); // limit 50/s learned
    const paced = pacer.ratePerSecond!;
    assert.ok(paced >= 45 && paced < 50, `paced at ${paced}/s`);
    clock.now += 100;
    assert.equal(await grant(), true);

    // A lone 5xx takes a tenth off (as a 429 does) without a pause, so sparse errors among
    // successes cost little.
    pacer.release(page);
    assert.ok(Math.abs(pacer.ratePerSecond! - paced * 0.9) < 1e-9, `a tenth off once: ${pacer.ratePerSecond}`);
    assert.equal(await waitOf(grant, clock) < 100, true, 'no pause for a lone 5xx');
    // The next answer is a 5xx again, before any success: a storm. Everyone pauses, the pace halves.
    pacer.release(json);
    assert.ok(Math.abs(pacer.ratePerSecond! - paced * 0.45) < 1e-9, `halved in the storm: ${pacer.ratePerSecond}`);
    const first = await waitOf(grant, clock);
    assert.ok(first >= 200 && first <= 1_000, `first pause ${first} ms`);

    // Consecutive storms back off, bounded: never more than 1 s, never 0.
    const pauses: number[] = [];
    for (let i = 0; i < 5; i++) {
      pacer.release(gateway);
      pauses.push(await waitOf(grant, clock));
    }
    assert.ok(pauses.every((p) => p >= 200 && p <= 1_000), `pauses ${pauses.join(', ')}`);
    assert.ok(pauses.at(-1)! >= pauses[0]!, `backoff grows: ${pauses.join(', ')}`);
    assert.ok(pacer.ratePerSecond! >= 1, 'the pace never drops below 1/s');

    // Recovery: successes win the pace back to the limit, never above it.
    for (let i = 0; i < 400; i++) pacer.release(success());
    assert.equal(pacer.ratePerSecond, paced);
  });

  test('on429: the first 429 sets the pace at the limit it names, and the workers in flight meeting 429 too do not lower it', async () => {
    // A real 429 of the server in 'on429' mode: its successes say nothing about the limit.
    server.setRateLimit({ limit: 50, windowMs: 1000, headers: 'on429' });
    const client = makeCore(server, { retry: { maxAttempts: 1 } }).client;
    let limited: Outcome | undefined;
    for (let i = 0; i < 500 && limited === undefined; i++) {
      const result = (await client.setBadge(badge())) as Outcome;
      if (result.kind === 'success') assert.equal(result.rateLimitLimit, undefined);
      else limited = result;
    }
    assert.ok(limited?.kind === 'api-error' && limited.httpStatus === 429 && limited.rateLimitLimit === 50 && limited.rateLimitResetSeconds === 1, JSON.stringify(limited));

    const { pacer, clock, grant } = driven();
    assert.equal(await grant(), true);
    pacer.release(success()); // no header: nothing known, unpaced
    assert.equal(pacer.ratePerSecond, undefined);
    for (let i = 0; i < 8; i++) assert.equal(await grant(), true, 'unpaced: every worker goes');
    for (let i = 0; i < 8; i++) pacer.release(limited);
    assert.equal(pacer.rateLimitedCount, 8);
    const pace = pacer.ratePerSecond!;
    assert.ok(pace >= 48 && pace < 50, `paced at ${pace}/s after eight 429s for a limit of 50/s`);
    const pause = await waitOf(grant, clock);
    assert.ok(pause >= 999 && pause <= 1_001, `paused ${pause} ms for a reset of 1 s`);
    // After the pause: paced, not a second burst.
    let immediate = 1;
    while (await grant()) immediate++;
    assert.ok(immediate <= 2, `${immediate} went at once after the pause`);
  });

  test('a 429 naming limit "0" and reset "0" paces at one a second: never a stall, never a spin', async () => {
    const limited = await answer({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-limit': '0', 'x-ogw-ratelimit-reset': '0' } });
    assert.ok(limited.kind === 'api-error' && limited.rateLimitLimit === 1 && limited.rateLimitResetSeconds === 0, JSON.stringify(limited));
    const { pacer, clock, grant } = driven();
    assert.equal(await grant(), true);
    pacer.release(limited);
    assert.equal(pacer.ratePerSecond, 1);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      waits.push(await waitOf(grant, clock, 2_000));
      pacer.release(success());
    }
    assert.ok(waits.every((w) => w >= 999 && w <= 1_001), `waits ${waits.join(', ')}`);
  });

  test('whatever the stalls, catch-up never puts more than the limit in any second', async () => {
    const { pacer, clock, grant } = driven(16);
    assert.equal(await grant(), true);
    pacer.release(success(50));
    const grants: number[] = [clock.now];
    // A deterministic pattern of stalls of 0..900 ms between bursts of attempts.
    let seed = 7;
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let step = 0; step < 3_000; step++) {
      if (random() < 0.02) clock.now += Math.floor(random() * 900);
      else clock.now += Math.floor(random() * 25);
      while (await grant()) {
        grants.push(clock.now);
        pacer.release(success(50));
      }
    }
    assert.ok(grants.length > 500, `${grants.length} granted`);
    assert.ok(peak(grants, 1000) <= 50, `${peak(grants, 1000)} granted within one second`);
  });
});
