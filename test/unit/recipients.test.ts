// Issue 10 §1 (first part): emails and mobiles resolved to IDs over real HTTP against the local
// server's directory: found, not found (with the documented causes), resigned, a missing scope
// (named), chunks of 50, per-app open_ids, mainland numbers without +86.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMessage } from '../../src/core/messages.ts';
import { resolveContacts } from '../../src/core/recipients.ts';
import { SANDBOX_APP, makeCore, useFeishuServer } from '../support/core.ts';
import { openIdFor } from '../support/feishuServer.ts';

const OTHER_APP = { appId: 'cli_other_app', appSecret: 'other-secret-0123456789' };
const NO_SCOPE_APP = { appId: 'cli_no_contact', appSecret: 'no-contact-secret-012345', scopes: ['application:application.app_badge:write'] };

describe('resolving emails and mobiles', () => {
  const server = useFeishuServer({ apps: [{ ...SANDBOX_APP }, OTHER_APP, NO_SCOPE_APP] });
  const seed = (): void => {
    server.addPerson({ userId: 'u_ann', email: 'ann@example.com', mobile: '+8613800000001', name: 'Ann' });
    server.addPerson({ userId: 'u_bob', email: 'bob@example.com', mobile: '+14155550100', status: { is_frozen: true } });
    server.addPerson({ userId: 'u_cyd', email: 'cyd@example.com', status: { is_resigned: true, is_activated: false } });
  };

  test('found and not found: IDs for this app, statuses, and the possible causes for the rest', async () => {
    seed();
    const { transport, tokens } = makeCore(server);
    const result = await resolveContacts(transport, tokens, { emails: ['Ann@example.com', 'nobody@example.com', 'cyd@example.com'], mobiles: ['13800000001', '4155550100', '+14155550100'] });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(
      result.users.map((u) => [u.source, u.email ?? u.mobile, u.id]),
      [
        ['email', 'Ann@example.com', openIdFor(SANDBOX_APP.appId, 'u_ann')],
        ['mobile', '13800000001', openIdFor(SANDBOX_APP.appId, 'u_ann')],
        ['mobile', '+14155550100', openIdFor(SANDBOX_APP.appId, 'u_bob')],
      ],
    );
    assert.equal(result.users[2]?.status?.is_frozen, true);
    assert.deepEqual(result.notFound, [
      { input: 'nobody@example.com', reasons: ['no-such-person', 'enterprise-email', 'outside-contact-range', 'resigned'] },
      { input: 'cyd@example.com', reasons: ['no-such-person', 'enterprise-email', 'outside-contact-range', 'resigned'] },
      { input: '4155550100', reasons: ['no-such-person', 'missing-country-code', 'outside-contact-range', 'resigned'] },
    ]);
  });

  test('resigned people come back only when asked, marked so', async () => {
    seed();
    const { transport, tokens } = makeCore(server);
    const result = await resolveContacts(transport, tokens, { emails: ['cyd@example.com'], includeResigned: true, userIdType: 'user_id' });
    assert.deepEqual(result.users.map((u) => [u.id, u.idType, u.status?.is_resigned]), [['u_cyd', 'user_id', true]]);
  });

  test('open_ids are per app: the same person has another open_id in another app', async () => {
    seed();
    const other = makeCore(server, { source: { kind: 'self-built', ...OTHER_APP } });
    const mine = makeCore(server);
    const a = await resolveContacts(mine.transport, mine.tokens, { emails: ['ann@example.com'] });
    const b = await resolveContacts(other.transport, other.tokens, { emails: ['ann@example.com'] });
    assert.notEqual(a.users[0]?.id, b.users[0]?.id);
    assert.equal(b.users[0]?.id, openIdFor(OTHER_APP.appId, 'u_ann'));
  });

  test('a missing scope stops the lookup and names the scope to grant', async () => {
    seed();
    const core = makeCore(server, { source: { kind: 'self-built', appId: NO_SCOPE_APP.appId, appSecret: NO_SCOPE_APP.appSecret } });
    const result = await resolveContacts(core.transport, core.tokens, { emails: ['ann@example.com'] });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'missing-scope');
    assert.equal(result.code, 99991672);
    assert.ok(result.missingScopes?.includes('contact:user.id:readonly'), JSON.stringify(result.missingScopes));
    assert.ok(result.logId);
  });

  test('120 emails go in chunks of 50 (3 calls), duplicates and blanks once, every input accounted for', async () => {
    for (let i = 0; i < 60; i++) server.addPerson({ userId: `u_${i}`, email: `p${i}@example.com` });
    const { transport, tokens } = makeCore(server);
    const emails = [...Array.from({ length: 120 }, (_, i) => `p${i}@example.com`), ' p1@example.com ', ''];
    const result = await resolveContacts(transport, tokens, { emails });
    const calls = server.requests.filter((r) => r.path === '/open-apis/contact/v3/users/batch_get_id');
    assert.deepEqual(calls.map((c) => (c.body as { emails: string[] }).emails.length), [50, 50, 20]);
    assert.equal(result.users.length, 60);
    assert.equal(result.notFound.length, 60);
  });

  test('every reason has a message in English and Simplified Chinese', () => {
    for (const reason of ['no-such-person', 'enterprise-email', 'outside-contact-range', 'resigned', 'missing-country-code'] as const) {
      for (const locale of ['en', 'zh-cn'] as const) assert.match(formatMessage(`recipient.${reason}`, locale), /\S{4}/, `${reason} ${locale}`);
    }
  });
});
