// Issue 11 §3: a timeout or a cancel aborts the attempt (its fetch, its body), so no socket stays
// open, and a body is read through a 64 KiB cap. Hostile servers are raw node:http servers that
// count their open sockets and the bytes they managed to hand to the kernel.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { MAX_RESPONSE_BYTES, createTransport } from '../../src/core/http.ts';
import type { Outcome } from '../../src/core/types.ts';
import { describeOutcome, describeResult, guidanceFor } from '../../src/core/guidance/guidance.ts';
import { badge, makeCore } from '../support/core.ts';

/** A target of 2 s for the socket to close after the outcome: 3x would be 6 s. */
const CLOSE_BOUND_MS = 6_000;
const TIMEOUT_MS = 300;
const HUGE_BYTES = 150 * 1024 * 1024;

type Behaviour = (request: IncomingMessage, response: ServerResponse, hostile: Hostile) => void;

interface Hostile {
  url: string;
  /** Requests received since the last reset. */
  readonly requests: number;
  /** Body bytes the server handed to its sockets since the last reset. */
  written: number;
  /** Destroys whatever an earlier test left open, so each test counts only its own sockets. */
  reset(): void;
  /**
   * Resolves once every server-side socket is closed and no connection came or went for 200 ms
   * (with the time from the call to the last close); rejects when that has not happened after `ms`.
   * The quiet spell catches a socket that reconnects and lingers: undici re-queues an aborted
   * request and opens a connection it never uses (nodejs/undici#5845); Node 24's undici closes
   * it within milliseconds, later versions may keep it.
   */
  allClosed(ms: number): Promise<number>;
  close(): Promise<void>;
}

async function startHostile(routes: Record<string, Behaviour>): Promise<Hostile> {
  const sockets = new Set<Socket>();
  let requests = 0;
  let lastChange = performance.now();
  const server: Server = createServer((request, response) => {
    requests++;
    // The request body is read so the client is never held up sending it.
    request.resume();
    const behaviour = routes[new URL(request.url ?? '/', 'http://x').pathname];
    if (behaviour === undefined) {
      response.writeHead(404).end();
      return;
    }
    behaviour(request, response, hostile);
  });
  server.on('connection', (socket: Socket) => {
    lastChange = performance.now();
    sockets.add(socket);
    socket.on('close', () => {
      lastChange = performance.now();
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const hostile: Hostile = {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    written: 0,
    reset() {
      for (const socket of sockets) socket.destroy();
      requests = 0;
      hostile.written = 0;
    },
    async allClosed(ms) {
      const started = performance.now();
      while (sockets.size > 0 || performance.now() - lastChange < 200) {
        if (performance.now() - started > ms) {
          throw new Error(`${sockets.size} server-side socket(s) still open ${ms} ms after the outcome`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return Math.max(0, lastChange - started);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return hostile;
}

/** Writes `write()` calls every `everyMs` until the client goes away. */
function drip(response: ServerResponse, everyMs: number, chunk: string): void {
  const timer = setInterval(() => response.write(chunk), everyMs);
  response.on('close', () => clearInterval(timer));
}

/** Streams `total` bytes of JSON-ish filler lazily, 64 KiB at a time, honouring backpressure. */
function stream(response: ServerResponse, hostile: Hostile, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let sent = 0;
  let closed = false;
  response.on('close', () => (closed = true));
  const pump = (): void => {
    while (!closed && sent < total) {
      const piece = sent + chunk.byteLength <= total ? chunk : chunk.subarray(0, total - sent);
      sent += piece.byteLength;
      hostile.written += piece.byteLength;
      if (!response.write(piece)) {
        response.once('drain', pump);
        return;
      }
    }
    if (!closed) response.end();
  };
  pump();
}

const json = { 'content-type': 'application/json; charset=utf-8' };
// Complete answers close their connection, so an idle keep-alive socket is not counted as left open.
const jsonClose = { ...json, connection: 'close' };

/** A Feishu-shaped success body of exactly `bytes` bytes. */
function paddedSuccess(bytes: number): string {
  const head = '{"code":0,"msg":"success","data":{},"pad":"';
  const tail = '"}';
  return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
}

const routes: Record<string, Behaviour> = {
  // One byte every 100 ms, forever: never done, never idle long enough for a body timeout.
  '/trickle': (_request, response) => {
    response.writeHead(200, json);
    response.write('{');
    drip(response, 100, ' ');
  },
  // Headers, then nothing.
  '/stall-body': (_request, response) => {
    response.writeHead(200, json);
    response.flushHeaders();
  },
  // Not even headers.
  '/stall-headers': () => undefined,
  // 150 MB without a Content-Length (chunked), generated lazily.
  '/huge': (_request, response, hostile) => {
    response.writeHead(200, json);
    stream(response, hostile, HUGE_BYTES);
  },
  // 150 MB announced by Content-Length.
  '/huge-declared': (_request, response, hostile) => {
    response.writeHead(200, { ...json, 'content-length': String(HUGE_BYTES) });
    stream(response, hostile, HUGE_BYTES);
  },
  '/at-cap': (_request, response) => {
    response.writeHead(200, jsonClose);
    response.end(paddedSuccess(64 * 1024));
  },
  '/over-cap': (_request, response) => {
    // Chunked, so only counting the bytes can tell.
    response.writeHead(200, jsonClose);
    response.write(paddedSuccess(64 * 1024).slice(0, 40_000));
    response.end(paddedSuccess(64 * 1024 + 1).slice(40_000));
  },
  // Through the whole client: a token, then a badge answer of 150 MB.
  '/open-apis/auth/v3/tenant_access_token/internal': (_request, response) => {
    response.writeHead(200, jsonClose);
    response.end('{"code":0,"msg":"ok","tenant_access_token":"t-hostile0123456789","expire":7200}');
  },
  '/open-apis/application/v6/app_badge/set': (_request, response, hostile) => {
    response.writeHead(200, { ...json, 'x-tt-logid': '20260101000000HOSTILE' });
    stream(response, hostile, HUGE_BYTES);
  },
  '/slow-ok': (_request, response) => {
    setTimeout(() => {
      response.writeHead(200, jsonClose);
      response.end('{"code":0,"msg":"success","data":{}}');
    }, 250);
  },
};

let hostile: Hostile;
before(async () => {
  hostile = await startHostile(routes);
});
after(async () => {
  await hostile.close();
});

const post = (path: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Outcome> =>
  createTransport({ baseUrl: hostile.url, timeoutMs: options.timeoutMs ?? TIMEOUT_MS }).post(
    path,
    { user_id: 'ou_x', version: '1' },
    { headers: { authorization: 'Bearer t-test' }, ...(options.signal === undefined ? {} : { signal: options.signal }) },
  );

/** Each test starts with no server-side socket open (a failed test may leave one behind). */
async function quiet(): Promise<void> {
  hostile.reset();
  await hostile.allClosed(CLOSE_BOUND_MS);
}

describe('a timeout aborts the attempt: no socket stays open', () => {
  for (const path of ['/trickle', '/stall-body', '/stall-headers']) {
    test(`${path}: the outcome is a timeout and the server sees its socket closed`, async (t) => {
      await quiet();
      const started = performance.now();
      const outcome = await post(path);
      const took = performance.now() - started;
      assert.equal(outcome.kind === 'network' && outcome.reason, 'timeout', JSON.stringify(outcome));
      // A tick (a tenth of the timeout) late at most; 3x the timeout catches a collapse.
      assert.ok(took < 3 * TIMEOUT_MS + 500, `outcome after ${took} ms`);
      assert.equal(hostile.requests, 1, 'one request');
      t.diagnostic(`outcome after ${Math.round(took)} ms, socket closed ${Math.round(await hostile.allClosed(CLOSE_BOUND_MS))} ms later`);
    });
  }
});

describe("the caller's signal aborts the attempt: no socket stays open", () => {
  for (const path of ['/trickle', '/stall-body', '/stall-headers']) {
    test(`${path}: the outcome is cancelled and the server sees its socket closed`, async (t) => {
      await quiet();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), TIMEOUT_MS);
      const outcome = await post(path, { timeoutMs: 30_000, signal: controller.signal });
      assert.deepEqual(outcome, { kind: 'cancelled' });
      assert.equal(hostile.requests, 1, 'one request');
      t.diagnostic(`socket closed ${Math.round(await hostile.allClosed(CLOSE_BOUND_MS))} ms after the outcome`);
    });
  }

  test('without a signal only the timeout aborts: a slow answer within it is read in full', async () => {
    await quiet();
    const outcome = await post('/slow-ok', { timeoutMs: 5_000 });
    assert.equal(outcome.kind, 'success', JSON.stringify(outcome));
  });

  test('a timeout aborts only its own request: others on the same transport finish', async () => {
    await quiet();
    const transport = createTransport({ baseUrl: hostile.url, timeoutMs: 600 });
    const send = (path: string): Promise<Outcome> => transport.post(path, {}, { headers: { authorization: 'Bearer t-test' } });
    const [stalled, slow, trickled] = await Promise.all([send('/stall-headers'), send('/slow-ok'), send('/trickle')]);
    assert.equal(stalled.kind === 'network' && stalled.reason, 'timeout');
    assert.equal(slow.kind, 'success', JSON.stringify(slow));
    assert.equal(trickled.kind === 'network' && trickled.reason, 'timeout');
    await hostile.allClosed(CLOSE_BOUND_MS);
  });
});

describe('bodies are read through a 64 KiB cap', () => {
  const tooLarge = (outcome: Outcome): void => {
    assert.equal(outcome.kind, 'invalid-response', JSON.stringify(outcome).slice(0, 300));
    assert.ok(outcome.kind === 'invalid-response');
    assert.equal(outcome.httpStatus, 200);
    assert.equal(outcome.tooLarge, true);
    assert.match(outcome.snippet, /64 KiB/);
  };

  test('the cap is 64 KiB', () => {
    assert.equal(MAX_RESPONSE_BYTES, 64 * 1024);
  });

  test('a body of exactly 64 KiB is read; one byte more is dropped and says so', async () => {
    await quiet();
    const atCap = await post('/at-cap', { timeoutMs: 5_000 });
    assert.equal(atCap.kind, 'success', JSON.stringify(atCap).slice(0, 300));
    tooLarge(await post('/over-cap', { timeoutMs: 5_000 }));
    await hostile.allClosed(CLOSE_BOUND_MS);
  });

  test('150 MB streamed: the socket is closed after the cap, memory stays flat, the server writes little', async (t) => {
    await quiet();
    const rssBefore = process.memoryUsage().rss;
    const outcome = await post('/huge', { timeoutMs: 30_000 });
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    tooLarge(outcome);
    await hostile.allClosed(CLOSE_BOUND_MS);
    // What the kernel's socket buffers and undici's read-ahead hold, not the 150 MB.
    assert.ok(hostile.written < 16 * 1024 * 1024, `server wrote ${hostile.written} bytes`);
    assert.ok(rssGrowth < 20 * 1024 * 1024, `RSS grew ${rssGrowth} bytes`);
    t.diagnostic(`server wrote ${hostile.written} bytes, RSS grew ${rssGrowth} bytes`);
  });

  test('a Content-Length above the cap: dropped without reading, socket closed', async (t) => {
    await quiet();
    const outcome = await post('/huge-declared', { timeoutMs: 30_000 });
    tooLarge(outcome);
    await hostile.allClosed(CLOSE_BOUND_MS);
    assert.ok(hostile.written < 16 * 1024 * 1024, `server wrote ${hostile.written} bytes`);
    t.diagnostic(`server wrote ${hostile.written} bytes`);
  });

  test('through the client: one attempt, the result and its guidance say too large, with the log ID', async () => {
    await quiet();
    const core = makeCore({ url: hostile.url }, { timeoutMs: 30_000 });
    const result = await core.client.setBadge(badge());
    assert.equal(result.kind, 'invalid-response', JSON.stringify(result).slice(0, 300));
    assert.ok(result.kind === 'invalid-response');
    assert.equal(result.tooLarge, true);
    assert.equal(result.attempts, 1, 'a 200 that is too large is not retried');
    const descriptor = describeResult(result);
    assert.ok(descriptor !== undefined);
    const guidance = guidanceFor(descriptor, 'zh-cn');
    assert.equal(guidance.id, 'invalid-response.too-large');
    assert.ok(guidance.steps.some((step) => step.includes('20260101000000HOSTILE')), 'the log ID step');
    await hostile.allClosed(CLOSE_BOUND_MS);
    assert.ok(hostile.written < 16 * 1024 * 1024, `server wrote ${hostile.written} bytes`);
  });

  test('the guidance says the response was too large, in English and Simplified Chinese', () => {
    const outcome: Outcome = { kind: 'invalid-response', httpStatus: 200, snippet: 'x', tooLarge: true };
    const en = guidanceFor(describeOutcome(outcome), 'en');
    const zh = guidanceFor(describeOutcome(outcome), 'zh-cn');
    assert.equal(en.id, 'invalid-response.too-large');
    assert.match(`${en.title} ${en.explanation}`, /too large/i);
    assert.match(en.explanation, /64 KiB/);
    assert.match(`${zh.title} ${zh.explanation}`, /过大/);
    assert.match(zh.explanation, /64 KiB/);
    assert.equal(en.retryable, false);
  });
});
