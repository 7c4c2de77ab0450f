// `npm run bench`: both parts against the local Feishu-like server, run in its own process.
//   node test/bench/bench.ts            per-call part, then bulk part
//   node test/bench/bench.ts per-call   per-call cost of the core against bare fetch, ky and the SDK (perCall.ts)
//   node test/bench/bench.ts bulk       1,000 users under a 50 requests/s limit: runBulk against the SDK used naively (bulk.ts)
import { runBulkBench } from './bulk.ts';
import { runPerCallBench } from './perCall.ts';
import { startBenchServer } from './serverProcess.ts';

const parts = ['per-call', 'bulk'] as const;
const part = process.argv[2];
if (part !== undefined && !(parts as readonly string[]).includes(part)) {
  console.error(`unknown part "${part}": expected one of ${parts.join(', ')} (or nothing for all)`);
  process.exit(2);
}

const server = await startBenchServer();
try {
  if (part === undefined || part === 'per-call') await runPerCallBench(server);
  if (part === undefined || part === 'bulk') await runBulkBench(server);
} finally {
  server.close();
}
