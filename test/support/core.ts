// Builds the real core (transport over ky, token manager, version clock, client) against a
// local Feishu-like server, the way a host does. Nothing here replaces core code.
import { BadgeClient } from '../../src/core/client.ts';
import type { AttemptEvent } from '../../src/core/client.ts';
import { createTransport } from '../../src/core/http.ts';
import type { RetryPolicyOptions } from '../../src/core/retry.ts';
import { validateBadge } from '../../src/core/schema.ts';
import type { BadgeInput, ValidBadge } from '../../src/core/schema.ts';
import { TokenManager } from '../../src/core/token.ts';
import type { TokenSource } from '../../src/core/token.ts';
import { VersionClock, memoryVersionStore } from '../../src/core/versions.ts';
import { after, before, beforeEach } from 'node:test';
import { startFeishuServer } from './feishuServer.ts';
import type { FeishuServer, FeishuServerOptions } from './feishuServer.ts';

/** Starting, resetting or closing the local server takes milliseconds; this is the hang bound. */
const SERVER_HOOK_TIMEOUT_MS = 30_000;

export const SANDBOX_APP = { appId: 'cli_sandbox_app', appSecret: 'sandbox-secret-0123456789' } as const;

export interface CoreOptions {
  timeoutMs?: number;
  source?: TokenSource;
  retry?: Partial<RetryPolicyOptions>;
  baseUrl?: string;
}

export function makeCore(server: FeishuServer | { url: string }, options: CoreOptions = {}) {
  const transport = createTransport({ baseUrl: options.baseUrl ?? server.url, timeoutMs: options.timeoutMs ?? 5_000 });
  const source = options.source ?? { kind: 'self-built', ...SANDBOX_APP };
  const tokens = new TokenManager({ transport, source });
  const store = memoryVersionStore();
  const versions = new VersionClock(store);
  const attempts: AttemptEvent[] = [];
  const client = new BadgeClient({
    transport,
    tokens,
    versions,
    appId: source.kind === 'self-built' ? source.appId : 'manual',
    // Small backoff steps keep retry tests fast while exercising the same code.
    retry: { backoffBaseMs: 5, backoffMaxMs: 40, ...options.retry },
    onAttempt: (event) => attempts.push(event),
  });
  return { transport, tokens, store, versions, client, attempts };
}

/** Validates input the way every surface does, failing loudly if a test passes an invalid one. */
export function valid(input: BadgeInput): ValidBadge {
  const validation = validateBadge(input);
  if (!validation.ok) {
    throw new Error(`test input invalid: ${JSON.stringify(validation.errors)}`);
  }
  return validation.value;
}

export const USER = 'ou_d317f090b7258ad0372aa53963cda70d';

export function badge(overrides: BadgeInput = {}): ValidBadge {
  return valid({ user_id: USER, pc: { web_app: 1, gadget: 2 }, mobile: { web_app: 3, gadget: 4 }, ...overrides });
}

/**
 * A local Feishu-like server for one describe block: started before its tests, reset before each
 * (unless `reset: false`), closed after. Returned as a stand-in that forwards to the running server,
 * so tests read like `server.badgeRequests()`.
 */
export function useFeishuServer(options: FeishuServerOptions = {}, { reset = true }: { reset?: boolean } = {}): FeishuServer {
  let running: FeishuServer | undefined;
  // Bounded like every hook: a server that never listens or never closes fails by name.
  const hook = { timeout: SERVER_HOOK_TIMEOUT_MS };
  before(async () => {
    running = await startFeishuServer(options);
  }, hook);
  after(async () => {
    await running?.close();
  }, hook);
  if (reset) beforeEach(() => running?.reset(), hook);
  return new Proxy({} as FeishuServer, {
    get(_target, property) {
      if (running === undefined) throw new Error('the Feishu-like server is used outside its describe block');
      const value: unknown = Reflect.get(running, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(running) : value;
    },
  });
}
