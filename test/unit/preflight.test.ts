// Issue 10 §3, bulk pre-flight, over real HTTP against the local server: recipients split into
// sendable / notVisible / inactive / unknown in chunks of 100 (visibility) and 50 (status), the
// split matching what the server's badge call would answer, a missing scope leaving the others'
// half unknown (not repeated, named), a call failing for good mid-way, and cancelling.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnose } from '../../src/core/diagnoseMessages.ts';
import { callOpenApi } from '../../src/core/openApi.ts';
import { USERS_BATCH_PATH, preflight } from '../../src/core/preflight.ts';
import type { PreflightOptions, PreflightReason } from '../../src/core/preflight.ts';
import type { Transport } from '../../src/core/http.ts';
import type { UserIdType } from '../../src/core/types.ts';
import { SANDBOX_APP, makeCore, useFeishuServer } from '../support/core.ts';
import { BADGE_PATH, VISIBILITY_CHECK_PATTERN, openIdFor } from '../support/feishuServer.ts';
import type { FeishuServer, RecordedRequest } from '../support/feishuServer.ts';

const OTHER_APP = { appId: 'cli_other_app', appSecret: 'other-secret-0123456789' };
const FAST: PreflightOptions = { retry: { backoffBaseMs: 5, backoffMaxMs: 20 } };
const ALL_SCOPES_BUT = (...missing: string[]): string[] =>
  ['admin:app.info:readonly', 'contact:user.base:readonly', 'admin:app.visibility:readonly', 'contact:user.id:readonly'].filter((scope) => !missing.includes(scope));
const idOf = (userId: string): string => openIdFor(SANDBOX_APP.appId, userId);

const isVisibility = (r: RecordedRequest): boolean => VISIBILITY_CHECK_PATTERN.test(r.path);
const isStatus = (r: RecordedRequest): boolean => r.path === USERS_BATCH_PATH;
/**
 * The IDs each status call asked about, as sent. The server's record keeps one value per query key
 * (the last `user_ids`), so the repeated keys are read where they leave: a spy over the real
 * transport, which still makes every request over HTTP.
 */
function spied(transport: Transport): { transport: Transport; statusIds: string[][] } {
  const statusIds: string[][] = [];
  return {
    statusIds,
    transport: {
      baseUrl: transport.baseUrl,
      post: (path, json, options) => transport.post(path, json, options),
      get: (path, options) => {
        const ids = options?.query?.['user_ids'];
        if (path === USERS_BATCH_PATH) statusIds.push(typeof ids === 'string' ? [ids] : [...(ids ?? [])]);
        return transport.get(path, options);
      },
    },
  };
}

/** The check calls the server answered, in order: `v<n>` a visibility call with n IDs, `s<n>` a status call with n IDs (sizes from the spy). */
function calls(server: FeishuServer, statusIds: readonly string[][]): string[] {
  let status = 0;
  const out = server.requests.flatMap((r) => {
    if (isVisibility(r)) return [`v${(r.body as { user_ids: string[] }).user_ids.length}`];
    if (isStatus(r)) return [`s${statusIds[status++]?.length ?? '?'}`];
    return [];
  });
  assert.equal(status, statusIds.length, 'the server saw every status call the transport sent');
  return out;
}

async function badgeCode(server: FeishuServer, userId: string, userIdType: UserIdType = 'open_id'): Promise<number | string> {
  const { transport, tokens } = makeCore(server);
  const outcome = await callOpenApi(transport, tokens, { method: 'POST', path: BADGE_PATH, query: { user_id_type: userIdType }, body: { user_id: userId, version: String(Date.now()), pc: { web_app: 1 } } });
  return outcome.kind === 'success' || outcome.kind === 'api-error' ? outcome.code : outcome.kind;
}

describe('bulk pre-flight', () => {
  const server = useFeishuServer({ apps: [{ ...SANDBOX_APP }, OTHER_APP] });
  let statusIds: string[][] = [];
  const run = async (userIds: readonly string[], options: PreflightOptions = {}, core = makeCore(server), userIdType?: UserIdType) => {
    const spy = spied(core.transport);
    statusIds = spy.statusIds;
    return preflight(spy.transport, core.tokens, { appId: SANDBOX_APP.appId, userIds, ...(userIdType === undefined ? {} : { userIdType }) }, { ...FAST, ...options });
  };
  const sent = (): string[] => calls(server, statusIds);

  test('250 recipients: visibility in 100, 100, 50 and status in five calls of 50, interleaved; progress in recipients', async () => {
    for (let i = 0; i < 250; i++) server.addPerson({ userId: `u_${i}` });
    const ids = Array.from({ length: 250 }, (_, i) => idOf(`u_${i}`));
    const progress: Array<[number, number]> = [];
    const result = await run(ids, { onProgress: (done, total) => progress.push([done, total]) });
    assert.equal(result.ok, true);
    assert.deepEqual(sent(), ['v100', 's50', 's50', 'v100', 's50', 's50', 'v50', 's50']);
    assert.deepEqual(progress, [[100, 250], [200, 250], [250, 250]]);
    assert.deepEqual(result.sendable, ids);
    assert.deepEqual([result.notVisible, result.inactive, result.unknown], [[], [], []]);
    // Every ID was asked about exactly once per lookup, in order.
    assert.deepEqual(statusIds.flat(), ids);
    assert.deepEqual(server.requests.filter(isVisibility).flatMap((r) => (r.body as { user_ids: string[] }).user_ids), ids);
    assert.deepEqual(server.requests.filter(isStatus).map((r) => [r.query['user_ids'], r.query['user_id_type']]), [49, 99, 149, 199, 249].map((i) => [ids[i], 'open_id']));
  });

  test('a mix: each recipient in one place, for the reason the badge call would give, duplicates once', async () => {
    server.addPerson({ userId: 'u_ann', name: 'Ann' });
    server.addPerson({ userId: 'u_bob', name: 'Bob' });
    server.addPerson({ userId: 'u_cyd', name: 'Cyd', status: { is_resigned: true } });
    server.addPerson({ userId: 'u_dee', name: 'Dee', status: { is_frozen: true } });
    server.addPerson({ userId: 'u_eve', name: 'Eve' });
    server.addPerson({ userId: 'u_fay', name: 'Fay', status: { is_activated: false } });
    server.addPerson({ userId: 'u_gus', name: 'Gus', status: { is_exited: true } });
    server.addPerson({ userId: 'u_hal', name: 'Hal', status: { is_resigned: true } });
    server.addPerson({ userId: 'u_ivy', name: 'Ivy' });
    server.configureApp(SANDBOX_APP.appId, { visibleTo: ['u_ann', 'u_bob', 'u_cyd', 'u_dee', 'u_fay', 'u_gus', 'u_hal', 'u_ivy'], hiddenFrom: ['u_bob', 'u_hal'] });
    const foreign = openIdFor(OTHER_APP.appId, 'u_ann');
    const [ann, bob, cyd, dee, eve, fay, gus, hal, ivy] = ['u_ann', 'u_bob', 'u_cyd', 'u_dee', 'u_eve', 'u_fay', 'u_gus', 'u_hal', 'u_ivy'].map(idOf) as [string, string, string, string, string, string, string, string, string];
    const result = await run([ivy, ann, bob, cyd, dee, eve, foreign, fay, gus, hal, ann, ivy]);
    assert.equal(result.ok, true);
    assert.deepEqual(result.sendable, [ivy, ann]);
    assert.deepEqual(result.notVisible, [{ id: bob, reason: 'preflight.black-list' }]);
    // Hal is resigned and black-listed: the account decides (213006 is what the server answers).
    assert.deepEqual(result.inactive, [
      { id: cyd, reason: 'preflight.resigned' },
      { id: dee, reason: 'preflight.frozen' },
      { id: fay, reason: 'preflight.not-activated' },
      { id: gus, reason: 'preflight.exited' },
      { id: hal, reason: 'preflight.resigned' },
    ]);
    assert.deepEqual(result.unknown, [
      { id: eve, reason: 'preflight.not-in-white-list' },
      { id: foreign, reason: 'preflight.not-found' },
    ]);
    assert.deepEqual(sent(), ['v10', 's10']);
    assert.equal(result.missingScopes, undefined);
    // What the server's badge call answers for each: the split predicts it.
    const expected: Array<[string, number]> = [[ann, 0], [bob, 213007], [cyd, 213006], [dee, 213006], [fay, 213006], [gus, 213006], [hal, 213006], [eve, 213007], [foreign, 99992361]];
    for (const [id, code] of expected) assert.equal(await badgeCode(server, id), code, id);
  });

  test('user_id recipients are checked as user_ids; an open_id among them is not found', async () => {
    server.addPerson({ userId: 'u_ann' });
    const result = await run(['u_ann', idOf('u_ann')], {}, makeCore(server), 'user_id');
    assert.deepEqual(result.sendable, ['u_ann']);
    assert.deepEqual(result.unknown, [{ id: idOf('u_ann'), reason: 'preflight.not-found' }]);
    assert.deepEqual(server.requests.filter((r) => isStatus(r) || isVisibility(r)).map((r) => r.query['user_id_type']), ['user_id', 'user_id']);
  });

  test('no scope for the status lookup: asked once, everyone unknown but the black-listed, the scope named, ok stays true', async () => {
    for (let i = 0; i < 120; i++) server.addPerson({ userId: `u_${i}` });
    server.configureApp(SANDBOX_APP.appId, { scopes: ALL_SCOPES_BUT('contact:user.base:readonly'), hiddenFrom: ['u_3'] });
    const ids = Array.from({ length: 120 }, (_, i) => idOf(`u_${i}`));
    const result = await run(ids);
    assert.equal(result.ok, true);
    assert.deepEqual(sent(), ['v100', 's50', 'v20']);
    assert.deepEqual(result.sendable, []);
    assert.deepEqual(result.notVisible, [{ id: idOf('u_3'), reason: 'preflight.black-list' }]);
    assert.equal(result.unknown.length, 119);
    assert.ok(result.unknown.every((entry) => entry.reason === 'preflight.scope-missing'));
    assert.ok(result.missingScopes?.includes('contact:user.base:readonly'), JSON.stringify(result.missingScopes));
    assert.equal(result.permissionPage, 'https://open.feishu.cn/app/cli_sandbox_app/auth');
    assert.equal(result.error, undefined);
  });

  test('no scope for the visibility check: the account status still sorts out the inactive', async () => {
    server.addPerson({ userId: 'u_ann' });
    server.addPerson({ userId: 'u_cyd', status: { is_resigned: true } });
    server.configureApp(SANDBOX_APP.appId, { scopes: ALL_SCOPES_BUT('admin:app.visibility:readonly') });
    const result = await run([idOf('u_ann'), idOf('u_cyd')]);
    assert.equal(result.ok, true);
    assert.deepEqual(result.inactive, [{ id: idOf('u_cyd'), reason: 'preflight.resigned' }]);
    assert.deepEqual(result.unknown, [{ id: idOf('u_ann'), reason: 'preflight.scope-missing' }]);
    assert.ok(result.missingScopes?.includes('admin:app.visibility:readonly'));
  });

  test('a 5xx for good mid-way: earlier blocks keep their answers, the rest are unknown, ok false with the error', async () => {
    for (let i = 0; i < 150; i++) server.addPerson({ userId: `u_${i}`, ...(i === 120 ? { status: { is_resigned: true } } : {}) });
    server.configureApp(SANDBOX_APP.appId, { hiddenFrom: ['u_7'] });
    const ids = Array.from({ length: 150 }, (_, i) => idOf(`u_${i}`));
    const core = makeCore(server);
    const result = await run(ids, { onProgress: (done) => (done === 100 ? server.inject({ type: 'status', status: 500 }, { route: 'any', times: 1_000 }) : undefined) }, core);
    assert.equal(result.ok, false);
    assert.equal(result.error, 'api');
    assert.equal(result.code, -1);
    const failed = server.requests.filter(isVisibility).slice(1);
    assert.equal(failed.length, 3, 'the failing call is tried three times, then the pre-flight stops');
    assert.deepEqual(failed.map((r) => r.status), [500, 500, 500]);
    assert.equal(result.logId, failed.at(-1)?.logId);
    assert.deepEqual(sent(), ['v100', 's50', 's50', 'v50', 'v50', 'v50']);
    assert.deepEqual(result.sendable, ids.slice(0, 100).filter((id) => id !== idOf('u_7')));
    assert.deepEqual(result.notVisible, [{ id: idOf('u_7'), reason: 'preflight.black-list' }]);
    assert.deepEqual(result.inactive, []);
    assert.deepEqual(result.unknown, ids.slice(100).map((id) => ({ id, reason: 'preflight.check-failed' })));
  });

  test('a token that cannot be had: everyone unknown, ok false, the token answer\'s code', async () => {
    server.addPerson({ userId: 'u_ann' });
    const core = makeCore(server, { source: { kind: 'self-built', appId: SANDBOX_APP.appId, appSecret: 'wrong-secret-0123456789' } });
    const result = await run([idOf('u_ann')], {}, core);
    assert.deepEqual([result.ok, result.error, result.code], [false, 'api', 10015]);
    assert.deepEqual(result.unknown, [{ id: idOf('u_ann'), reason: 'preflight.check-failed' }]);
    assert.deepEqual(sent(), []);
  });

  test('cancelled after the first block: no further call, the rest unknown as cancelled', async () => {
    for (let i = 0; i < 230; i++) server.addPerson({ userId: `u_${i}` });
    const ids = Array.from({ length: 230 }, (_, i) => idOf(`u_${i}`));
    const controller = new AbortController();
    const result = await run(ids, { signal: controller.signal, onProgress: () => controller.abort() });
    assert.deepEqual([result.ok, result.error], [false, 'cancelled']);
    assert.deepEqual(sent(), ['v100', 's50', 's50']);
    assert.deepEqual(result.sendable, ids.slice(0, 100));
    assert.deepEqual(result.unknown, ids.slice(100).map((id) => ({ id, reason: 'preflight.cancelled' })));
  });

  test('nobody to check: no call', async () => {
    const result = await run([]);
    assert.deepEqual(result, { ok: true, sendable: [], notVisible: [], inactive: [], unknown: [] });
    assert.equal(server.requests.length, 0);
  });

  test('every reason has a text in English and Simplified Chinese', () => {
    const reasons: PreflightReason[] = [
      'preflight.black-list',
      'preflight.not-in-white-list',
      'preflight.resigned',
      'preflight.frozen',
      'preflight.not-activated',
      'preflight.exited',
      'preflight.not-found',
      'preflight.not-returned',
      'preflight.scope-missing',
      'preflight.check-failed',
      'preflight.cancelled',
    ];
    for (const reason of reasons) {
      const en = formatDiagnose('en', reason);
      const zh = formatDiagnose('zh-cn', reason);
      assert.match(en, /\w{4}/, reason);
      assert.match(zh, /[\u4e00-\u9fff]/, reason);
      assert.notEqual(en, zh);
    }
    assert.match(formatDiagnose('en', 'preflight.not-in-white-list'), /departments or groups may not be reflected/);
  });
});
