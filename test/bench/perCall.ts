// The per-call part of `npm run bench`: per-call cost of the core client against a bare `fetch`
// and the official Node SDK, 1,000 sequential calls each against the local Feishu-like server (in
// its own process), and token fetches per 1,000 calls. Clients take turns in rounds so machine
// noise hits all alike.
import * as lark from '@larksuiteoapi/node-sdk';
import * as esbuild from 'esbuild';
import ky from 'ky';
import { BadgeClient } from '../../src/core/client.ts';
import { createTransport } from '../../src/core/http.ts';
import { validateBadge } from '../../src/core/schema.ts';
import { TokenManager } from '../../src/core/token.ts';
import { VersionClock, memoryVersionStore } from '../../src/core/versions.ts';
import { SANDBOX_APP } from '../support/core.ts';
import type { BenchStats } from './benchServer.ts';
import type { BenchServer } from './serverProcess.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 1000);
const WARMUP = 100;

const stats = (server: BenchServer): Promise<BenchStats> => server.call<BenchStats>({ type: 'stats' }, 'stats');

export async function runPerCallBench(server: BenchServer): Promise<void> {
  const url = server.url;

  const body_ = { pc: { web_app: 3, gadget: 1 }, mobile: { web_app: 3, gadget: 1 } };

  // Core: the same objects a host builds.
  const transport = createTransport({ baseUrl: url, timeoutMs: 10_000 });
  const tokens = new TokenManager({ transport, source: { kind: 'self-built', ...SANDBOX_APP } });
  const core = new BadgeClient({ transport, tokens, versions: new VersionClock(memoryVersionStore()), appId: SANDBOX_APP.appId });
  const coreInput = validateBadge({ user_id: 'ou_bench_core', ...body_ });
  if (!coreInput.ok) throw new Error('bench input invalid');

  // Bare fetch: the least any client must do — one token fetched up front, a POST, JSON parsed.
  const tokenResponse = (await (
    await fetch(`${url}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', body: JSON.stringify({ app_id: SANDBOX_APP.appId, app_secret: SANDBOX_APP.appSecret }) })
  ).json()) as { tenant_access_token: string };
  let fetchVersion = Date.now();
  const bareFetch = async (): Promise<void> => {
    const response = await fetch(`${url}/open-apis/application/v6/app_badge/set?user_id_type=open_id`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenResponse.tenant_access_token}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ user_id: 'ou_bench_fetch', version: String(++fetchVersion), ...body_ }),
    });
    const json = (await response.json()) as { code: number };
    if (json.code !== 0) throw new Error(`bare fetch got ${json.code}`);
  };

  // ky alone, configured as the transport configures it: what the HTTP library costs by itself.
  const kyClient = ky.create({ timeout: false, retry: { limit: 0 }, throwHttpErrors: false });
  let kyVersion = Date.now();
  const kyCall = async (): Promise<void> => {
    const body = JSON.stringify({ user_id: 'ou_bench_ky', version: String(++kyVersion), ...body_ });
    const headers = { authorization: `Bearer ${tokenResponse.tenant_access_token}`, 'content-type': 'application/json; charset=utf-8' };
    const response = await kyClient.post(`${url}/open-apis/application/v6/app_badge/set?user_id_type=open_id`, {
      headers,
      fetch: (input) => fetch((input as Request).url, { method: 'POST', headers, body }),
    });
    const json = JSON.parse(await response.text()) as { code: number };
    if (json.code !== 0) throw new Error(`ky got ${json.code}`);
  };

  // The official SDK, pointed at the same server.
  const sdk = new lark.Client({ appId: SANDBOX_APP.appId, appSecret: SANDBOX_APP.appSecret, domain: url, loggerLevel: lark.LoggerLevel.error });
  let sdkVersion = Date.now();
  const sdkCall = async (): Promise<void> => {
    const result = await sdk.application.appBadge.set({ params: { user_id_type: 'open_id' }, data: { user_id: 'ou_bench_sdk', version: String(++sdkVersion), ...body_ } });
    if (result.code !== 0) throw new Error(`sdk got ${result.code}`);
  };
  const coreCall = async (): Promise<void> => {
    const result = await core.setBadge(coreInput.value);
    if (result.kind !== 'success') throw new Error(`core got ${JSON.stringify(result)}`);
  };

  const contenders = (
    process.env.BENCH_NO_SDK === undefined
      ? { core: coreCall, 'bare fetch': bareFetch, 'ky alone': kyCall, '@larksuiteoapi/node-sdk': sdkCall }
      : { core: coreCall, 'bare fetch': bareFetch, 'ky alone': kyCall }
  ) as Record<string, () => Promise<void>>;
  const names = Object.keys(contenders);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));

  // Calls alternate one by one (core, fetch, SDK, core, ...), so every client sees the same
  // moments of machine noise; blocks of calls per client let noise land on one of them.
  const before = await stats(server);
  for (let i = 0; i < WARMUP; i++) for (const name of names) await contenders[name]?.();
  for (let i = 0; i < CALLS; i++) {
    for (const name of names) {
      const started = performance.now();
      await contenders[name]?.();
      samples[name]?.push(performance.now() - started);
    }
  }
  const after = await stats(server);
  // The server counts every token request; core counts its own, bare fetch made exactly one.
  const tokenFetches: Record<string, number> = { core: tokens.fetchCount, 'bare fetch': 1, 'ky alone': 1 };
  tokenFetches['@larksuiteoapi/node-sdk'] = after.tokenRequests - before.tokenRequests - tokens.fetchCount;

  const quantile = (values: number[], q: number): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  };
  const baseline = quantile(samples['bare fetch'] ?? [], 0.5);
  console.log(`\nFeishu Badge benchmark: ${CALLS} sequential app_badge/set calls per client (+${WARMUP} warm-up), clients alternating call by call, Node ${process.version}`);
  console.log('| client | median ms | p90 ms | p99 ms | median / bare fetch | token fetches (incl. warm-up) |');
  console.log('|---|---|---|---|---|---|');
  for (const name of names) {
    const values = samples[name] ?? [];
    const median = quantile(values, 0.5);
    console.log(
      `| ${name} | ${median.toFixed(3)} | ${quantile(values, 0.9).toFixed(3)} | ${quantile(values, 0.99).toFixed(3)} | ${(median / baseline).toFixed(2)} | ${tokenFetches[name] ?? 0} |`,
    );
  }
  const ratio = quantile(samples.core ?? [], 0.5) / baseline;
  const overKy = quantile(samples.core ?? [], 0.5) / quantile(samples['ky alone'] ?? [], 0.5);
  console.log(`\ncore / bare fetch at the median: ${ratio.toFixed(3)} (target <= 1.15): ${ratio <= 1.15 ? 'met' : 'NOT met'}`);
  console.log(`core / ky alone at the median: ${overKy.toFixed(3)} (what the core adds on top of its HTTP library)`);
  console.log(`core token fetches for ${CALLS + WARMUP} calls: ${tokenFetches.core} (target: exactly 1): ${tokenFetches.core === 1 ? 'met' : 'NOT met'}`);

  // Validation cost on its own, for scale.
  const validationStarted = performance.now();
  for (let i = 0; i < 10_000; i++) validateBadge({ user_id: `ou_${i}`, ...body_ });
  console.log(`validateBadge: ${(((performance.now() - validationStarted) / 10_000) * 1000).toFixed(2)} µs per call`);

  // What the core adds to the shipped extension: every core module with ky and valibot, minified
  // the way esbuild.mjs builds the extension.
  const sizeProbe = await esbuild.build({
    stdin: {
      contents: ['client', 'guidance/guidance', 'export', 'http', 'messages', 'retry', 'schema', 'token', 'versions'].map((m) => `export * from './src/core/${m}.ts';`).join('\n'),
      resolveDir: new URL('../..', import.meta.url).pathname,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
  });
  const bytes = sizeProbe.outputFiles[0]?.contents.byteLength ?? 0;
  const inputs = Object.entries(sizeProbe.metafile.outputs)[0]?.[1].inputs ?? {};
  const share = (prefix: string): number => Object.entries(inputs).filter(([file]) => file.includes(prefix)).reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  console.log(`core bundle (minified, all of src/core + ky + valibot): ${(bytes / 1024).toFixed(1)} KiB — ky ${(share('node_modules/ky/') / 1024).toFixed(1)} KiB, valibot ${(share('node_modules/valibot/') / 1024).toFixed(1)} KiB, catalog ${(share('src/core/guidance/') / 1024).toFixed(1)} KiB`);
}
