// Issue 10 §1 (second part): the members of a department, over real HTTP against the local
// server's directory: paging (tokens handed back, nothing twice), sub-departments (each once, even
// in a cycle), the root and the contact range, both department ID types, a missing scope (named),
// a rate limit waited out, cancelling, per-app open_ids, and a server that never stops paging.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMessage } from '../../src/core/messages.ts';
import type { MessageId } from '../../src/core/messages.ts';
import { findDepartmentMembers } from '../../src/core/recipients.ts';
import type { DepartmentProgress } from '../../src/core/recipients.ts';
import type { Transport } from '../../src/core/http.ts';
import type { Outcome } from '../../src/core/types.ts';
import { SANDBOX_APP, makeCore, useFeishuServer } from '../support/core.ts';
import { DEPARTMENT_CHILDREN_PATTERN, FIND_BY_DEPARTMENT_PATH, openDepartmentIdFor, openIdFor, unionIdFor } from '../support/feishuServer.ts';
import type { FeishuServer } from '../support/feishuServer.ts';

const OTHER_APP = { appId: 'cli_other_app', appSecret: 'other-secret-0123456789' };
const NO_SCOPE_APP = { appId: 'cli_no_contact', appSecret: 'no-contact-secret-012345', scopes: ['contact:user.id:readonly'] };

/** The real transport, with each GET's outcome kept (and optionally changed) on its way back. */
function recording(transport: Transport, rewrite?: (outcome: Outcome) => Outcome): { transport: Transport; answers: Outcome[] } {
  const answers: Outcome[] = [];
  return {
    answers,
    transport: {
      baseUrl: transport.baseUrl,
      post: (path, json, options) => transport.post(path, json, options),
      get: async (path, options) => {
        const outcome = await transport.get(path, options);
        const kept = rewrite === undefined ? outcome : rewrite(outcome);
        answers.push(kept);
        return kept;
      },
    },
  };
}

const pageTokenOf = (outcome: Outcome | undefined): unknown => (outcome?.kind === 'success' ? (outcome.response as { data?: { page_token?: unknown } }).data?.page_token : undefined);
/** A walk that never ends fails by name instead of hanging the run. */
const BOUNDED = { timeout: 10_000 };
const findCalls = (server: FeishuServer) => server.requests.filter((r) => r.path === FIND_BY_DEPARTMENT_PATH);
const childCalls = (server: FeishuServer) => server.requests.filter((r) => DEPARTMENT_CHILDREN_PATTERN.test(r.path));

describe('finding the members of a department', () => {
  const server = useFeishuServer({ apps: [{ ...SANDBOX_APP }, OTHER_APP, NO_SCOPE_APP] });

  /** 0 → d_a → d_b → d_c, and d_x beside d_a; p4 is in d_b and d_c, p5 outside d_a's tree. */
  const seedTree = (): void => {
    server.addDepartment({ departmentId: 'd_a', parentId: '0' });
    server.addDepartment({ departmentId: 'd_b', parentId: 'd_a' });
    server.addDepartment({ departmentId: 'd_c', parentId: 'd_b' });
    server.addDepartment({ departmentId: 'd_x', parentId: '0' });
    server.addPerson({ userId: 'p1', name: 'One', email: 'p1@example.com', mobile: '+8613800000001', departments: ['d_a'] });
    server.addPerson({ userId: 'p2', departments: ['d_b'] });
    server.addPerson({ userId: 'p3', departments: ['d_c'], status: { is_frozen: true } });
    server.addPerson({ userId: 'p4', departments: ['d_b', 'd_c'] });
    server.addPerson({ userId: 'p5', departments: ['d_x'] });
  };
  const seedBig = (n = 120): void => {
    server.addDepartment({ departmentId: 'd_big', parentId: '0' });
    for (let i = 0; i < n; i++) server.addPerson({ userId: `big_${i}`, departments: ['d_big'] });
  };
  const ids = (app: string, ...users: string[]): string[] => users.map((user) => openIdFor(app, user)).sort();

  test('120 members come in 3 pages of 50, each page token handed back, everyone once', async () => {
    seedBig();
    const core = makeCore(server);
    const { transport, answers } = recording(core.transport);
    const progress: DepartmentProgress[] = [];
    const result = await findDepartmentMembers(transport, core.tokens, { departmentId: openDepartmentIdFor('d_big') }, { onProgress: (p) => progress.push(p) });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const calls = findCalls(server);
    assert.deepEqual(calls.map((c) => c.query['page_size']), ['50', '50', '50']);
    assert.equal(calls[0]?.query['page_token'], undefined);
    assert.equal(calls[1]?.query['page_token'], pageTokenOf(answers[0]));
    assert.equal(calls[2]?.query['page_token'], pageTokenOf(answers[1]));
    assert.notEqual(calls[1]?.query['page_token'], calls[2]?.query['page_token']);
    assert.ok(calls.every((c) => c.query['department_id_type'] === 'open_department_id' && c.query['user_id_type'] === 'open_id'));
    assert.equal(result.users.length, 120);
    assert.deepEqual(result.users.map((u) => u.id).sort(), ids(SANDBOX_APP.appId, ...Array.from({ length: 120 }, (_, i) => `big_${i}`)));
    assert.ok(result.users.every((u) => u.source === 'department' && u.idType === 'open_id'));
    assert.deepEqual(progress, [
      { departmentsDone: 0, departmentsSeen: 1, users: 50 },
      { departmentsDone: 0, departmentsSeen: 1, users: 100 },
      { departmentsDone: 1, departmentsSeen: 1, users: 120 },
    ]);
    assert.equal(childCalls(server).length, 0, 'not recursive: no children listed');
  });

  test('recursive: three levels, a person in two departments once; not recursive: direct members only', BOUNDED, async () => {
    seedTree();
    const { transport, tokens } = makeCore(server);
    const top = openDepartmentIdFor('d_a');
    const progress: DepartmentProgress[] = [];
    const all = await findDepartmentMembers(transport, tokens, { departmentId: top, recursive: true }, { onProgress: (p) => progress.push(p) });
    assert.equal(all.ok, true, JSON.stringify(all.error));
    assert.deepEqual(all.users.map((u) => u.id).sort(), ids(SANDBOX_APP.appId, 'p1', 'p2', 'p3', 'p4'));
    assert.deepEqual(findCalls(server).map((c) => c.query['department_id']), ['d_a', 'd_b', 'd_c'].map(openDepartmentIdFor));
    assert.deepEqual(childCalls(server).map((c) => c.path), ['d_a', 'd_b', 'd_c'].map((d) => `/open-apis/contact/v3/departments/${openDepartmentIdFor(d)}/children`));
    assert.deepEqual(progress.at(-1), { departmentsDone: 3, departmentsSeen: 3, users: 4 });
    const one = all.users.find((u) => u.id === openIdFor(SANDBOX_APP.appId, 'p1'));
    assert.deepEqual(one, { id: openIdFor(SANDBOX_APP.appId, 'p1'), idType: 'open_id', source: 'department', name: 'One', email: 'p1@example.com', mobile: '+8613800000001', status: { is_frozen: false, is_resigned: false, is_activated: true, is_exited: false, is_unjoin: false } });
    assert.equal(all.users.find((u) => u.id === openIdFor(SANDBOX_APP.appId, 'p3'))?.status?.is_frozen, true);

    server.clearRequests();
    const direct = await findDepartmentMembers(transport, tokens, { departmentId: top });
    assert.deepEqual(direct.users.map((u) => u.id), ids(SANDBOX_APP.appId, 'p1'));
    assert.equal(childCalls(server).length, 0);
  });

  test('a cycle in the department tree: each department listed once, and the walk ends', BOUNDED, async () => {
    server.addDepartment({ departmentId: 'd_y', parentId: 'd_z' });
    server.addDepartment({ departmentId: 'd_z', parentId: 'd_y' });
    server.addPerson({ userId: 'py', departments: ['d_y'] });
    server.addPerson({ userId: 'pz', departments: ['d_z'] });
    const { transport, tokens } = makeCore(server);
    const result = await findDepartmentMembers(transport, tokens, { departmentId: 'd_y', departmentIdType: 'department_id', recursive: true });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.deepEqual(result.users.map((u) => u.id).sort(), ids(SANDBOX_APP.appId, 'py', 'pz'));
    assert.deepEqual(findCalls(server).map((c) => c.query['department_id']), ['d_y', 'd_z']);
    assert.equal(childCalls(server).length, 2);
  });

  test('the root 0 with the all-members range lists everyone there; a narrower range answers outside-contact-range', async () => {
    server.addPerson({ userId: 'r1' });
    server.addPerson({ userId: 'r2' });
    seedTree();
    const { transport, tokens } = makeCore(server);
    const root = await findDepartmentMembers(transport, tokens, { departmentId: '0', recursive: true });
    assert.equal(root.ok, true, JSON.stringify(root.error));
    assert.deepEqual(root.users.map((u) => u.id).sort(), ids(SANDBOX_APP.appId, 'r1', 'r2', 'p1', 'p2', 'p3', 'p4', 'p5'));

    server.configureApp(SANDBOX_APP.appId, { contactRange: ['d_a'] });
    const limited = await findDepartmentMembers(transport, tokens, { departmentId: '0' });
    assert.equal(limited.ok, false);
    assert.equal(limited.error, 'outside-contact-range');
    assert.equal(limited.code, 41050);
    assert.ok(limited.logId);
    assert.deepEqual(limited.users, []);
    const inside = await findDepartmentMembers(transport, tokens, { departmentId: 'd_b', departmentIdType: 'department_id', recursive: true });
    assert.deepEqual(inside.users.map((u) => u.id).sort(), ids(SANDBOX_APP.appId, 'p2', 'p3', 'p4'));
  });

  test('department_id and open_department_id: the ID type is sent and followed into the children; a mismatch is department-not-found', async () => {
    seedTree();
    const { transport, tokens } = makeCore(server);
    const byCustom = await findDepartmentMembers(transport, tokens, { departmentId: 'd_a', departmentIdType: 'department_id', recursive: true, userIdType: 'user_id' });
    assert.deepEqual(byCustom.users.map((u) => [u.id, u.idType]).sort(), [['p1', 'user_id'], ['p2', 'user_id'], ['p3', 'user_id'], ['p4', 'user_id']]);
    assert.deepEqual(findCalls(server).map((c) => [c.query['department_id'], c.query['department_id_type'], c.query['user_id_type']]), [
      ['d_a', 'department_id', 'user_id'],
      ['d_b', 'department_id', 'user_id'],
      ['d_c', 'department_id', 'user_id'],
    ]);
    assert.deepEqual(childCalls(server).map((c) => [c.path.split('/')[5], c.query['department_id_type']]), [['d_a', 'department_id'], ['d_b', 'department_id'], ['d_c', 'department_id']]);

    server.clearRequests();
    const byOpen = await findDepartmentMembers(transport, tokens, { departmentId: openDepartmentIdFor('d_a'), departmentIdType: 'open_department_id', recursive: true, userIdType: 'union_id' });
    assert.deepEqual(byOpen.users.map((u) => u.id).sort(), ['p1', 'p2', 'p3', 'p4'].map(unionIdFor).sort());
    assert.ok(childCalls(server).every((c) => c.query['department_id_type'] === 'open_department_id'));

    const mismatch = await findDepartmentMembers(transport, tokens, { departmentId: 'd_a' });
    assert.equal(mismatch.ok, false);
    assert.equal(mismatch.error, 'department-not-found');
    assert.equal(mismatch.code, 40013);
  });

  test('a missing scope stops at the first call, names the scope, and returns no one', async () => {
    seedTree();
    const core = makeCore(server, { source: { kind: 'self-built', appId: NO_SCOPE_APP.appId, appSecret: NO_SCOPE_APP.appSecret } });
    const result = await findDepartmentMembers(core.transport, core.tokens, { departmentId: 'd_a', departmentIdType: 'department_id', recursive: true });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'missing-scope');
    assert.equal(result.code, 99991672);
    assert.ok(result.missingScopes?.includes('contact:contact.base:readonly'), JSON.stringify(result.missingScopes));
    assert.deepEqual(result.users, []);
    assert.equal(findCalls(server).length, 1, 'not retried');
    assert.equal(childCalls(server).length, 0);
  });

  test('a 429 is waited out for the time the server names, and the result is complete', async () => {
    seedBig();
    const { transport, tokens } = makeCore(server);
    // The token first: an `any` fault would otherwise meet the token request.
    assert.equal((await tokens.getToken()).ok, true);
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-reset': '1' } }, { route: 'any' });
    const result = await findDepartmentMembers(transport, tokens, { departmentId: 'd_big', departmentIdType: 'department_id' });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.users.length, 120);
    assert.equal(new Set(result.users.map((u) => u.id)).size, 120);
    const calls = findCalls(server);
    assert.deepEqual(calls.map((c) => c.status), [429, 200, 200, 200]);
    assert.equal(calls[1]?.query['page_token'], undefined, 'the refused page is asked again');
    assert.ok((calls[1]?.receivedAt ?? 0) - (calls[0]?.receivedAt ?? 0) >= 900, 'waited for the reset');
  });

  test('cancelling stops the walk: no request after the signal, the people found so far kept', async () => {
    seedBig();
    const { transport, tokens } = makeCore(server);
    const controller = new AbortController();
    const result = await findDepartmentMembers(transport, tokens, { departmentId: 'd_big', departmentIdType: 'department_id', recursive: true }, { signal: controller.signal, onProgress: () => controller.abort() });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'cancelled');
    assert.equal(result.users.length, 50);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(findCalls(server).length, 1);
    assert.equal(childCalls(server).length, 0);

    server.clearRequests();
    const before = await findDepartmentMembers(transport, tokens, { departmentId: 'd_big', departmentIdType: 'department_id' }, { signal: AbortSignal.abort() });
    assert.equal(before.error, 'cancelled');
    assert.equal(server.requests.length, 0);
  });

  test('open_ids are per app: the same members have other open_ids in another app', async () => {
    seedTree();
    const mine = makeCore(server);
    const other = makeCore(server, { source: { kind: 'self-built', ...OTHER_APP } });
    const a = await findDepartmentMembers(mine.transport, mine.tokens, { departmentId: 'd_a', departmentIdType: 'department_id', recursive: true });
    const b = await findDepartmentMembers(other.transport, other.tokens, { departmentId: 'd_a', departmentIdType: 'department_id', recursive: true });
    assert.deepEqual(a.users.map((u) => u.id).sort(), ids(SANDBOX_APP.appId, 'p1', 'p2', 'p3', 'p4'));
    assert.deepEqual(b.users.map((u) => u.id).sort(), ids(OTHER_APP.appId, 'p1', 'p2', 'p3', 'p4'));
    assert.equal(a.users.filter((u) => b.users.some((v) => v.id === u.id)).length, 0);
  });

  test('a server that hands back the same page token stops with paging-loop, not a loop', BOUNDED, async () => {
    const { transport, tokens } = makeCore(server);
    assert.equal((await tokens.getToken()).ok, true);
    const body = JSON.stringify({ code: 0, msg: 'success', data: { has_more: true, page_token: 'same_token', items: [{ open_id: 'ou_loop', name: 'Loop' }] } });
    server.inject({ type: 'status', status: 200, body }, { route: 'any', times: 5 });
    const result = await findDepartmentMembers(transport, tokens, { departmentId: '0' });
    assert.equal(result.ok, false);
    assert.equal(result.error, 'paging-loop');
    assert.ok(result.logId);
    assert.deepEqual(result.users.map((u) => u.id), ['ou_loop']);
    assert.deepEqual(findCalls(server).map((c) => c.query['page_token']), [undefined, 'same_token']);
    assert.equal(server.pendingFaults(), 3);
  });

  test('a server that says has_more with a fresh token forever is stopped after a bounded number of pages', BOUNDED, async () => {
    const core = makeCore(server);
    assert.equal((await core.tokens.getToken()).ok, true);
    let n = 0;
    // Each answer gets a token never seen before (one the local server can read), so only the page bound can end it.
    const { transport } = recording(core.transport, (outcome) =>
      outcome.kind === 'success' ? { ...outcome, response: { code: 0, msg: 'success', data: { has_more: true, page_token: Buffer.from(`offset:${n++}`).toString('base64url'), items: [] } } } : outcome,
    );
    const result = await findDepartmentMembers(transport, core.tokens, { departmentId: '0' }, { maxUsers: 1 });
    assert.equal(result.error, 'paging-loop');
    assert.equal(findCalls(server).length, 12);
    const missing = recording(core.transport, (outcome) => (outcome.kind === 'success' ? { ...outcome, response: { code: 0, msg: 'success', data: { has_more: true } } } : outcome));
    server.clearRequests();
    assert.equal((await findDepartmentMembers(missing.transport, core.tokens, { departmentId: '0' })).error, 'paging-loop');
    assert.equal(findCalls(server).length, 1, 'has_more without a token would restart at page one');
  });

  test('past maxUsers or maxDepartments the walk stops with too-many', async () => {
    seedTree();
    const { transport, tokens } = makeCore(server);
    const people = await findDepartmentMembers(transport, tokens, { departmentId: 'd_a', departmentIdType: 'department_id', recursive: true }, { maxUsers: 2 });
    assert.equal(people.ok, false);
    assert.equal(people.error, 'too-many');
    assert.equal(people.users.length, 2);
    const departments = await findDepartmentMembers(transport, tokens, { departmentId: 'd_a', departmentIdType: 'department_id', recursive: true }, { maxDepartments: 2 });
    assert.equal(departments.error, 'too-many');
  });

  test('an empty or control-character department ID, or an unknown ID type, is refused before any call', async () => {
    const { transport, tokens } = makeCore(server);
    for (const departmentId of ['', '   ', 'od_1\n', 'od_\u200b1', 'd\u0000', 'x'.repeat(300), 42 as unknown as string]) {
      const result = await findDepartmentMembers(transport, tokens, { departmentId });
      assert.deepEqual(result, { ok: false, users: [], notFound: [], error: 'invalid-input' }, JSON.stringify(departmentId));
    }
    const badType = await findDepartmentMembers(transport, tokens, { departmentId: 'd_a', departmentIdType: 'dept' as 'department_id' });
    assert.equal(badType.error, 'invalid-input');
    const badUserType = await findDepartmentMembers(transport, tokens, { departmentId: 'd_a', userIdType: 'email' as 'open_id' });
    assert.equal(badUserType.error, 'invalid-input');
    assert.equal(server.requests.length, 0);
  });

  test('the department messages exist in English and Simplified Chinese, the scopes filled in', () => {
    const ids: MessageId[] = ['recipient.outside-contact-range-department', 'recipient.department-not-found', 'recipient.missing-scope', 'recipient.paging-loop', 'recipient.too-many'];
    for (const id of ids) {
      assert.match(formatMessage(id, 'en'), /[a-z]{4}/, id);
      assert.match(formatMessage(id, 'zh-cn'), /[\u4e00-\u9fff]{4}/, id);
    }
    for (const locale of ['en', 'zh-cn'] as const) {
      const text = formatMessage('recipient.missing-scope', locale, { scopes: 'contact:contact.base:readonly' });
      assert.ok(text.includes('contact:contact.base:readonly') && !text.includes('{scopes}'), text);
      assert.match(formatMessage('recipient.outside-contact-range-department', locale), /0/);
    }
  });
});
