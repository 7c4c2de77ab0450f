// The scaling part of `npm run bench` (issue 11 §1): 1,000 / 10,000 / 100,000 users against the
// local Feishu-like server without a rate limit, through the host's send pipeline exactly as the
// bulk command runs it (BadgeService.bulk, the bounded per-user state, the file checkpoint) over a
// Memento that serialises the whole state on every update as VS Code's does (test/support/scaling.ts).
// Target: time per user and bytes written per user at 100,000 within 1.2 × those at 1,000.
import { loadavg } from 'node:os';
import { runScaling } from '../support/scaling.ts';
import type { BenchServer } from './serverProcess.ts';

const SIZES = (process.env.BENCH_SCALING_USERS ?? '1000,10000,100000').split(',').map((n) => Number(n.trim()));
const CONCURRENCY = Number(process.env.BENCH_SCALING_CONCURRENCY ?? 8);
const TARGET = 1.2;

interface Row {
  users: number;
  ms: number;
  ok: number;
  stateBytes: number;
  checkpointBytes: number;
  stateUpdates: number;
  stateSize: number;
  peakRssMb: number;
}

export async function runScalingBench(server: BenchServer): Promise<void> {
  console.log(`\n## Scaling: ${SIZES.map((n) => n.toLocaleString('en-US')).join(' / ')} users, no rate limit, concurrency ${CONCURRENCY} (Node ${process.version}, load ${loadavg()[0]?.toFixed(1)})\n`);
  const rows: Row[] = [];
  for (const users of SIZES) {
    await server.call({ type: 'reset' }, 'reset');
    // Peak RSS of this process (the server runs in its own), sampled while the run goes.
    global.gc?.();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 25);
    try {
      const run = await runScaling(server.url, users, { concurrency: CONCURRENCY, prefix: `s${users}` });
      peak = Math.max(peak, process.memoryUsage().rss);
      rows.push({ users, ms: run.ms, ok: run.summary.ok, stateBytes: run.stateBytes, checkpointBytes: run.checkpointBytes, stateUpdates: run.stateUpdates, stateSize: run.stateSize, peakRssMb: peak / 2 ** 20 });
    } finally {
      clearInterval(sampler);
    }
  }
  const base = rows[0];
  console.log('| users | set | time | ms per user | users/s | state bytes per user (updates) | checkpoint bytes per user | stored state after | peak RSS | per-user time / first | per-user bytes / first |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) {
    const perUserMs = row.ms / row.users;
    const perUserBytes = (row.stateBytes + row.checkpointBytes) / row.users;
    const timeRatio = base === undefined ? 1 : perUserMs / (base.ms / base.users);
    const bytesRatio = base === undefined ? 1 : perUserBytes / ((base.stateBytes + base.checkpointBytes) / base.users);
    console.log(
      `| ${row.users.toLocaleString('en-US')} | ${row.ok.toLocaleString('en-US')} | ${(row.ms / 1000).toFixed(2)} s | ${perUserMs.toFixed(3)} | ${((row.users * 1000) / row.ms).toFixed(0)} | ${(row.stateBytes / row.users).toFixed(0)} (${row.stateUpdates}) | ${(row.checkpointBytes / row.users).toFixed(1)} | ${(row.stateSize / 1024).toFixed(1)} KiB | ${row.peakRssMb.toFixed(0)} MiB | ${timeRatio.toFixed(2)} | ${bytesRatio.toFixed(2)} |`,
    );
  }
  const last = rows.at(-1);
  if (base !== undefined && last !== undefined && last !== base) {
    const timeRatio = last.ms / last.users / (base.ms / base.users);
    const bytesRatio = (last.stateBytes + last.checkpointBytes) / last.users / ((base.stateBytes + base.checkpointBytes) / base.users);
    console.log(`\nper-user time at ${last.users.toLocaleString('en-US')}: ${timeRatio.toFixed(2)} × that at ${base.users.toLocaleString('en-US')} (target ≤ ${TARGET}: ${timeRatio <= TARGET ? 'met' : 'NOT met'}); per-user bytes: ${bytesRatio.toFixed(2)} × (target ≤ ${TARGET}: ${bytesRatio <= TARGET ? 'met' : 'NOT met'})`);
  }
}
