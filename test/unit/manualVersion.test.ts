// Issue 11 §3: a manual version is remembered only once the server accepted it. A manual send the
// server refused must not push every later automatic send for that user above it (and, at the
// int64 bound, make them impossible), in this session or after a restart.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BadgeClient } from '../../src/core/client.ts';
import { createTransport } from '../../src/core/http.ts';
import { TokenManager } from '../../src/core/token.ts';
import { VersionClock, memoryVersionStore } from '../../src/core/versions.ts';
import type { VersionStore } from '../../src/core/versions.ts';
import { SANDBOX_APP, USER, badge, makeCore, useFeishuServer } from '../support/core.ts';

const MANUAL = '9000000000000000';
const INT64_MAX = '9223372036854775807';

/** A client over `store`, as a host builds one after a restart (a new clock, the same stored versions). */
function clientOver(url: string, store: VersionStore): BadgeClient {
  const transport = createTransport({ baseUrl: url, timeoutMs: 5_000 });
  return new BadgeClient({
    transport,
    tokens: new TokenManager({ transport, source: { kind: 'self-built', ...SANDBOX_APP } }),
    versions: new VersionClock(store),
    appId: SANDBOX_APP.appId,
    retry: { backoffBaseMs: 5, backoffMaxMs: 40 },
  });
}

const isEpochMs = (version: string, before: number): boolean => Number(version) >= before && Number(version) <= Date.now();

describe('a manual version is remembered only after the server accepted it', () => {
  const server = useFeishuServer();

  test('a manual send the server refuses (213006), then an automatic send: it succeeds with an epoch-ms version', async () => {
    const core = makeCore(server);
    server.setUserStatus(USER, 'inactive');
    const refused = await core.client.setBadge(badge({ version: MANUAL }));
    assert.ok(refused.kind === 'api-error' && refused.code === 213006, JSON.stringify(refused.kind));
    server.setUserStatus(USER, 'ok');

    const before = Date.now();
    const automatic = await core.client.setBadge(badge());
    assert.equal(automatic.kind, 'success', JSON.stringify(automatic));
    assert.ok(isEpochMs(automatic.version, before), `version ${automatic.version} is not epoch milliseconds`);
    assert.notEqual(automatic.version, (BigInt(MANUAL) + 1n).toString());
  });

  test('…and after a restart (a new clock over the same stored versions)', async () => {
    const store = memoryVersionStore();
    server.inject({ type: 'api-error', code: 213005, msg: 'invalid version' });
    const refused = await clientOver(server.url, store).setBadge(badge({ version: MANUAL }));
    assert.ok(refused.kind === 'api-error' && refused.code === 213005);
    assert.equal([...store.entries.values()].includes(MANUAL), false, 'the refused version was stored');

    const before = Date.now();
    const automatic = await clientOver(server.url, store).setBadge(badge());
    assert.equal(automatic.kind, 'success', JSON.stringify(automatic));
    assert.ok(isEpochMs(automatic.version, before), `version ${automatic.version}`);
  });

  test('a refused manual version at the int64 bound does not make the user unreachable', async () => {
    const store = memoryVersionStore();
    server.setUserStatus(USER, 'invisible');
    const refused = await clientOver(server.url, store).setBadge(badge({ version: INT64_MAX }));
    assert.ok(refused.kind === 'api-error' && refused.code === 213007);
    server.setUserStatus(USER, 'ok');
    // Today the next automatic send throws VersionExhaustedError: no version above the bound exists.
    const automatic = await clientOver(server.url, store).setBadge(badge());
    assert.equal(automatic.kind, 'success');
  });

  test('a manual send whose request never reached a server is not remembered either', async () => {
    const store = memoryVersionStore();
    const client = clientOver('http://127.0.0.1:9', store); // nothing listens on the discard port
    const result = await client.setBadge(badge({ version: MANUAL }));
    assert.equal(result.kind, 'token-error');
    assert.equal(store.entries.size, 0);
  });

  test('a manual version the server accepted: later automatic ones are above it', async () => {
    const core = makeCore(server);
    const manual = await core.client.setBadge(badge({ version: MANUAL }));
    assert.equal(manual.kind, 'success');
    const automatic = await core.client.setBadge(badge());
    assert.equal(automatic.kind, 'success');
    assert.equal(automatic.version, (BigInt(MANUAL) + 1n).toString());
  });

  test('a manual version whose answer never came (timeout) is kept: the server may hold it', async () => {
    const core = makeCore(server, { timeoutMs: 300, retry: { maxAttempts: 1 } });
    server.inject({ type: 'delay', ms: 600 });
    const lost = await core.client.setBadge(badge({ version: MANUAL }));
    assert.ok(lost.kind === 'network' && lost.reason === 'timeout');
    // The server did store it once the delay ended; the next automatic send must be above it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(server.lastVersion(SANDBOX_APP.appId, USER, 'pc'), MANUAL);
    const automatic = await core.client.setBadge(badge());
    assert.equal(automatic.kind, 'success', JSON.stringify(automatic));
    assert.equal(automatic.attempts, 1);
  });

  test('a manual version bumped after a conflict is remembered only if that bump was accepted', async () => {
    // The server holds a version far above the manual one (another machine): the bump is refused too.
    const other = makeCore(server);
    assert.equal((await other.client.setBadge(badge({ version: '9100000000000000' }))).kind, 'success');
    const store = memoryVersionStore();
    const client = clientOver(server.url, store);
    const refused = await client.setBadge(badge({ version: MANUAL }));
    assert.ok(refused.kind === 'api-error' && refused.code === 213001, JSON.stringify(refused.kind));
    assert.equal(refused.attempts, 2);
    assert.equal(store.entries.size, 0, `stored ${JSON.stringify([...store.entries])}`);
  });
});
