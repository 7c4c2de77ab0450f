// One bulk run through the host's send pipeline in plain Node, the way the command runs it:
// BadgeService.bulk (runBulk, then recording) with the real state stores (bounded per-user maps,
// the file checkpoint) over a Memento that serialises the whole state on every update as VS
// Code's does, and the real core client against a Feishu-like server. Only the client cache,
// which needs the VS Code API, is replaced by a source handing out the same core objects.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogOutputChannel } from 'vscode';
import { resolveBaseUrl } from '../../src/core/baseUrl.ts';
import type { BulkSummary } from '../../src/core/bulk.ts';
import { bulkRunId } from '../../src/core/badgeState.ts';
import { BadgeClient } from '../../src/core/client.ts';
import { createTransport } from '../../src/core/http.ts';
import { TokenManager } from '../../src/core/token.ts';
import { VersionClock } from '../../src/core/versions.ts';
import { BadgeService } from '../../src/host/send/badgeService.ts';
import type { ClientOrProblem, ClientSource } from '../../src/host/send/clients.ts';
import type { Settings } from '../../src/host/settings.ts';
import { BulkCheckpointStore } from '../../src/host/state/bulkCheckpoints.ts';
import { HistoryStore } from '../../src/host/state/history.ts';
import { RecentUsersStore } from '../../src/host/state/recentUsers.ts';
import { RememberedBadgeStore } from '../../src/host/state/rememberedBadges.ts';
import { VersionStates } from '../../src/host/state/versions.ts';
import { SANDBOX_APP } from './core.ts';
import { flushingMemento } from './memento.ts';
import type { FlushingMemento } from './memento.ts';

const SETTINGS: Settings = { domain: 'custom', customBaseUrl: '', userIdType: 'open_id', defaultUserId: '', timeoutMs: 10_000, maxRetries: 3, statusBarEnabled: true };

export interface ScalingRun {
  users: number;
  ms: number;
  summary: BulkSummary;
  /** Bytes the Memento serialised (every update serialises the whole state). */
  stateBytes: number;
  stateUpdates: number;
  /** Bytes appended to the checkpoint file. */
  checkpointBytes: number;
  /** The whole stored state after the run. */
  stateSize: number;
  memento: FlushingMemento;
}

export const scalingItems = (users: number, prefix = 'scale'): Array<{ user_id: string; pc: { web_app: number }; mobile: { web_app: number } }> =>
  Array.from({ length: users }, (_, i) => ({ user_id: `ou_${prefix}_${String(i).padStart(6, '0')}`, pc: { web_app: 1 }, mobile: { web_app: 1 } }));

/** Runs `users` distinct users through BadgeService.bulk against `url`; the checkpoint lives in a temporary directory. */
export async function runScaling(url: string, users: number, options: { concurrency?: number; prefix?: string } = {}): Promise<ScalingRun> {
  const memento = flushingMemento();
  const lines: string[] = [];
  const log = { info: () => undefined, debug: () => undefined, warn: (line: string) => lines.push(line) } as unknown as LogOutputChannel;
  const versions = new VersionStates(memento, log);
  const transport = createTransport({ baseUrl: url, timeoutMs: SETTINGS.timeoutMs });
  const tokens = new TokenManager({ transport, source: { kind: 'self-built', ...SANDBOX_APP } });
  const appId = SANDBOX_APP.appId;
  const client = new BadgeClient({ transport, tokens, versions: new VersionClock(versions.storeFor({ baseUrl: url, appId })), appId, retry: { maxAttempts: SETTINGS.maxRetries } });
  const built: ClientOrProblem = { ok: true, client: { profileId: 'default', baseUrl: url, origin: url, boundOrigin: url, credentials: { kind: 'self-built', ...SANDBOX_APP }, appId, transport, tokens, client } };
  const source: ClientSource = { active: async () => built, forNetwork: async () => built, redactSecrets: (text) => tokens.redactSecrets(text) };
  const remembered = new RememberedBadgeStore(memento, log);
  const service = new BadgeService({
    clients: source,
    history: new HistoryStore(memento, log),
    recent: new RecentUsersStore(memento, log),
    remembered,
    flushState: () => versions.flush(),
    settings: () => SETTINGS,
    apiBase: () => resolveBaseUrl('custom', url),
    locale: () => 'en',
    log,
  });
  const dir = await mkdtemp(join(tmpdir(), 'fb-scale-'));
  try {
    const items = scalingItems(users, options.prefix);
    const started = performance.now();
    const checkpoints = new BulkCheckpointStore(dir, log);
    const checkpoint = await checkpoints.open(bulkRunId(items, `default\n${appId}\n${url}`));
    const summary = await service.bulk(items, { concurrency: options.concurrency ?? 8, checkpoint });
    await checkpoint.flush();
    const ms = performance.now() - started;
    if ('error' in summary) throw new Error(`bulk refused: ${summary.error}`);
    if (lines.length > 0) throw new Error(`state warnings: ${lines.join('; ')}`);
    return { users, ms, summary, stateBytes: memento.bytesWritten, stateUpdates: memento.updates, checkpointBytes: checkpoints.bytesWritten, stateSize: memento.size(), memento };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
