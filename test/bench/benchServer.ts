// The local Feishu-like server in its own process, so the clients being measured do not share
// an event loop with it. Answers IPC requests for its counters, and for a fresh state between
// contenders of the bulk run (rate limit and its header mode, per-code counts). Its client side is serverProcess.ts.
import { startFeishuServer } from '../support/feishuServer.ts';
import type { RateLimit } from '../support/feishuServer.ts';

export type BenchServerRequest =
  | { type: 'stats' }
  | { type: 'clear' }
  /**
   * Everything forgotten (tokens, versions, windows, requests), then the given rate limit applied,
   * with its header mode: `headers: 'on429'` sends x-ogw-ratelimit-limit only with the 429.
   */
  | { type: 'reset'; rateLimit?: RateLimit }
  | { type: 'report' }
  /**
   * Adds `count` people `person<i>@bench.example` (user_id `u<i>`) to the directory: every
   * `resignedEvery`-th has left, every `hiddenEvery`-th is on the app's black list.
   */
  | { type: 'people'; count: number; resignedEvery: number; hiddenEvery: number }
  /** Contact and application calls since the last reset: by path, and the most in any second. */
  | { type: 'contactReport' }
  | { type: 'close' };

export interface ContactReport {
  type: 'contactReport';
  byPath: Record<string, number>;
  peakPerSecond: number;
  peakPerMinute: number;
}

export interface BenchStats {
  type: 'stats';
  tokenRequests: number;
  badgeRequests: number;
}

/** What the server saw since the last reset. */
export interface BenchReport {
  type: 'report';
  tokenRequests: number;
  badgeRequests: number;
  /** Badge answers by API code ('0' for success, 'none' for answers without one). */
  byCode: Record<string, number>;
  /** Distinct users with at least one successful set. */
  usersSet: number;
  /** Arrival of the first and last badge request (ms since epoch), 0 when there were none. */
  firstAt: number;
  lastAt: number;
  /** Most badge requests that arrived within any span of one rate-limit window (sliding). */
  peakPerWindow: number;
  /** Most successful badge requests within any span of one rate-limit window (sliding). */
  peakAcceptedPerWindow: number;
}

const server = await startFeishuServer();
let windowMs = 1000;

/** The most timestamps (sorted) that fall within any span of `span` ms. */
function peak(times: number[], span: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= span) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

function report(): BenchReport {
  const badges = server.badgeRequests();
  const byCode: Record<string, number> = {};
  const users = new Set<string>();
  for (const request of badges) {
    const code = request.code === undefined ? 'none' : String(request.code);
    byCode[code] = (byCode[code] ?? 0) + 1;
    if (request.code === 0) users.add((request.body as { user_id: string }).user_id);
  }
  const times = badges.map((r) => r.receivedAt).sort((a, b) => a - b);
  const accepted = badges.filter((r) => r.code === 0).map((r) => r.receivedAt).sort((a, b) => a - b);
  return {
    type: 'report',
    tokenRequests: server.tokenRequests().length,
    badgeRequests: badges.length,
    byCode,
    usersSet: users.size,
    firstAt: times[0] ?? 0,
    lastAt: times.at(-1) ?? 0,
    peakPerWindow: peak(times, windowMs),
    peakAcceptedPerWindow: peak(accepted, windowMs),
  };
}

process.on('message', (message: BenchServerRequest) => {
  if (message.type === 'stats') {
    process.send?.({ type: 'stats', tokenRequests: server.tokenRequests().length, badgeRequests: server.badgeRequests().length } satisfies BenchStats);
  } else if (message.type === 'clear') {
    server.clearRequests();
    process.send?.({ type: 'cleared' });
  } else if (message.type === 'reset') {
    server.reset();
    server.setRateLimit(message.rateLimit);
    windowMs = message.rateLimit?.windowMs ?? 1000;
    process.send?.({ type: 'reset' });
  } else if (message.type === 'report') {
    process.send?.(report());
  } else if (message.type === 'people') {
    const hidden: string[] = [];
    for (let i = 0; i < message.count; i++) {
      const resigned = message.resignedEvery > 0 && i % message.resignedEvery === message.resignedEvery - 1;
      server.addPerson({ userId: `u${i}`, email: `person${i}@bench.example`, ...(resigned ? { status: { is_resigned: true, is_activated: false } } : {}) });
      if (message.hiddenEvery > 0 && i % message.hiddenEvery === message.hiddenEvery - 1) hidden.push(`u${i}`);
    }
    for (const app of ['cli_sandbox_app']) server.configureApp(app, { hiddenFrom: hidden });
    process.send?.({ type: 'people' });
  } else if (message.type === 'contactReport') {
    const calls = server.requests.filter((r) => r.route === 'other');
    const byPath: Record<string, number> = {};
    for (const call of calls) {
      const path = call.path.replace(/applications\/[^/]+\/visibility/, 'applications/:app_id/visibility');
      byPath[path] = (byPath[path] ?? 0) + 1;
    }
    const times = calls.map((r) => r.receivedAt).sort((a, b) => a - b);
    process.send?.({ type: 'contactReport', byPath, peakPerSecond: peak(times, 1000), peakPerMinute: peak(times, 60_000) } satisfies ContactReport);
  } else {
    void server.close().then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', url: server.url });
