// The host's RecipientService in plain Node over real core clients and the local server: answers
// come back as the caller wrote them (a spaced or full-width phone number, an upper-case email),
// the cache is keyed as the platform reads them, and a second profile never reads the first's.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogOutputChannel } from 'vscode';
import type { ClientOrProblem, ClientSource } from '../../src/host/send/clients.ts';
import { RecipientService } from '../../src/host/send/recipients.ts';
import { SANDBOX_APP, makeCore, useFeishuServer } from '../support/core.ts';
import type { FeishuServer } from '../support/feishuServer.ts';
import { openIdFor } from '../support/feishuServer.ts';

const lines: string[] = [];
const log = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), debug: () => undefined } as unknown as LogOutputChannel;

function service(server: FeishuServer, profileId = 'default'): RecipientService {
  const core = makeCore(server);
  const client: ClientOrProblem = {
    ok: true,
    client: { profileId, baseUrl: server.url, origin: server.url, boundOrigin: server.url, credentials: { kind: 'self-built', ...SANDBOX_APP }, appId: SANDBOX_APP.appId, ...core },
  };
  const source: ClientSource = { active: async () => client, forNetwork: async () => client, redactSecrets: (text) => core.tokens.redactSecrets(text) };
  return new RecipientService({ clients: source, locale: () => 'en', log });
}

describe('RecipientService', () => {
  const server = useFeishuServer();
  const calls = (): number => server.requests.filter((r) => r.path.endsWith('/batch_get_id')).length;

  test('inputs come back as written; the lookup and the cache use the platform\'s form', async () => {
    server.addPerson({ userId: 'u_ann', email: 'ann@example.com', mobile: '+8613800000001' });
    const recipients = service(server);
    const first = await recipients.resolve({ emails: ['ANN@example.com'], mobiles: ['+86 138-0000-0001', '＋８６１３９００００００００'] });
    assert.deepEqual(
      first.users.map((u) => [u.email ?? u.mobile, u.id]),
      [
        ['ANN@example.com', openIdFor(SANDBOX_APP.appId, 'u_ann')],
        ['+86 138-0000-0001', openIdFor(SANDBOX_APP.appId, 'u_ann')],
      ],
    );
    assert.deepEqual(first.notFound.map((n) => n.input), ['＋８６１３９００００００００']);
    const sent = server.requests.filter((r) => r.path.endsWith('/batch_get_id')).map((r) => r.body);
    assert.deepEqual(sent, [{ emails: ['ANN@example.com'] }, { mobiles: ['+8613800000001', '+8613900000000'] }]);
    const before = calls();
    const again = await recipients.resolve({ mobiles: ['+8613800000001'], emails: ['ann@example.com'] });
    assert.equal(again.cached, 2);
    assert.equal(calls(), before, 'answered from the cache');
    assert.deepEqual(again.users.map((u) => u.email ?? u.mobile), ['ann@example.com', '+8613800000001']);
  });

  test('another profile, with the same app, does not read this one\'s cache (one service, the active profile switched)', async () => {
    server.addPerson({ userId: 'u_ann', email: 'ann@example.com' });
    const core = makeCore(server);
    const clientFor = (profileId: string): ClientOrProblem => ({
      ok: true,
      client: { profileId, baseUrl: server.url, origin: server.url, boundOrigin: server.url, credentials: { kind: 'self-built', ...SANDBOX_APP }, appId: profileId === 'default' ? SANDBOX_APP.appId : `${profileId}/${SANDBOX_APP.appId}`, ...core },
    });
    let current = clientFor('default');
    const recipients = new RecipientService({ clients: { active: async () => current, forNetwork: async () => current, redactSecrets: (text) => text }, locale: () => 'en', log });
    await recipients.resolve({ emails: ['ann@example.com'] });
    assert.equal((await recipients.resolve({ emails: ['ann@example.com'] })).cached, 1, 'the same profile reads its cache');
    const before = calls();
    current = clientFor('p-2');
    const other = await recipients.resolve({ emails: ['ann@example.com'] });
    assert.equal(other.cached, undefined);
    assert.equal(calls(), before + 1);
  });

  test('Diagnose without a usable client: no credentials is the core\'s answer; unusable settings fail the first check with their reason; nothing is sent', async () => {
    const before = server.requests.length;
    const without = (problem: ClientOrProblem): RecipientService =>
      new RecipientService({ clients: { active: async () => problem, forNetwork: async () => problem, redactSecrets: (text) => text }, locale: () => 'en', log });
    const none = await without({ ok: false, error: 'no-credentials', message: 'No credentials.' }).diagnose({ userId: 'ou_x', userIdType: 'open_id' });
    assert.equal(none.checks[0]?.id, 'credentials');
    assert.equal(none.checks[0]?.status, 'fail');
    assert.ok(none.checks.slice(1).filter((c) => c.id !== 'id-shape').every((c) => c.status === 'skip'), JSON.stringify(none.checks));
    const bad = await without({ ok: false, error: 'bad-settings', message: 'The API base is not a URL.' }).diagnose({ userId: 'ou_x', userIdType: 'open_id' });
    assert.deepEqual([bad.ok, bad.checks[0]?.status, bad.checks[0]?.detail], [false, 'fail', 'The API base is not a URL.']);
    assert.equal(server.requests.length, before);
  });
});
