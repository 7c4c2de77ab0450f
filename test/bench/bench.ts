// `npm run bench`: every part against the local Feishu-like server, run in its own process.
//   node test/bench/bench.ts            per-call part, then bulk, then scaling, then recipients
//   node test/bench/bench.ts per-call   per-call cost of the core against bare fetch, ky and the SDK (perCall.ts)
//   node test/bench/bench.ts bulk       1,000 and 200 users at 50 requests/s, limit headers on every answer and only on the 429; the SDK used naively (bulk.ts)
//   node test/bench/bench.ts scaling    1,000 / 10,000 / 100,000 users through the host's send pipeline and state (scaling.ts)
//   node test/bench/bench.ts recipients 1,000 recipients given by email, resolved, pre-flighted and sent (recipients.ts)
import { runBulkBench } from './bulk.ts';
import { runRecipientsBench } from './recipients.ts';
import { runScalingBench } from './scaling.ts';
import { runPerCallBench } from './perCall.ts';
import { startBenchServer } from './serverProcess.ts';

const parts = ['per-call', 'bulk', 'scaling', 'recipients'] as const;
const part = process.argv[2];
if (part !== undefined && !(parts as readonly string[]).includes(part)) {
  console.error(`unknown part "${part}": expected one of ${parts.join(', ')} (or nothing for all)`);
  process.exit(2);
}

const server = await startBenchServer();
try {
  if (part === undefined || part === 'per-call') await runPerCallBench(server);
  if (part === undefined || part === 'bulk') await runBulkBench(server);
  if (part === undefined || part === 'scaling') await runScalingBench(server);
  if (part === undefined || part === 'recipients') await runRecipientsBench(server);
} finally {
  server.close();
}
