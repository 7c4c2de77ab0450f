// Issue 10 §2, "Why no red dot?": every check over real HTTP against the local server (app
// information, status by ID, the visibility check, the token endpoint), in English and 简体中文:
// what passes, what fails and why, what is skipped for a missing scope (named, with the page to
// grant it) while the other checks still run, and that no token ever reaches the text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_ME_PATH, diagnose } from '../../src/core/diagnose.ts';
import type { DiagnoseCheck, DiagnoseInput, DiagnoseResult } from '../../src/core/diagnose.ts';
import { DIAGNOSE_MESSAGES, formatDiagnose, isDiagnoseMessageId } from '../../src/core/diagnoseMessages.ts';
import type { DiagnoseMessageId } from '../../src/core/diagnoseMessages.ts';
import { callOpenApi } from '../../src/core/openApi.ts';
import { USERS_BATCH_PATH, consoleOriginFor } from '../../src/core/preflight.ts';
import type { UserIdType } from '../../src/core/types.ts';
import { SANDBOX_APP, makeCore, useFeishuServer } from '../support/core.ts';
import { BADGE_PATH, VISIBILITY_CHECK_PATTERN, openIdFor, unionIdFor } from '../support/feishuServer.ts';
import type { FeishuServer } from '../support/feishuServer.ts';

const OTHER_APP = { appId: 'cli_other_app', appSecret: 'other-secret-0123456789' };
const ALL_SCOPES_BUT = (...missing: string[]): string[] =>
  ['admin:app.info:readonly', 'contact:user.base:readonly', 'admin:app.visibility:readonly', 'contact:user.id:readonly'].filter((scope) => !missing.includes(scope));
const FAST = { retry: { backoffBaseMs: 5, backoffMaxMs: 20 } };

const ANN = openIdFor(SANDBOX_APP.appId, 'u_ann');

function seed(server: FeishuServer): void {
  server.addPerson({ userId: 'u_ann', email: 'ann@example.com', name: 'Ann' });
  server.addPerson({ userId: 'u_bob', name: 'Bob', status: { is_resigned: true, is_frozen: true } });
  server.addPerson({ userId: 'u_cyd', name: 'Cyd' });
  server.addPerson({ userId: 'u_dee', name: 'Dee', status: { is_activated: false } });
}

const statuses = (result: DiagnoseResult): Record<string, string> => Object.fromEntries(result.checks.map((check) => [check.id, check.status]));
function check(result: DiagnoseResult, id: DiagnoseCheck['id']): DiagnoseCheck {
  const found = result.checks.find((c) => c.id === id);
  assert.ok(found, `no check ${id}`);
  return found;
}
const paths = (server: FeishuServer): string[] => server.requests.map((r) => (VISIBILITY_CHECK_PATTERN.test(r.path) ? 'visibility' : r.path));

/** What the server's badge call answers for this ID: the diagnosis predicts it. */
async function badgeCode(server: FeishuServer, userId: string, userIdType: UserIdType): Promise<number | string> {
  const { transport, tokens } = makeCore(server);
  const outcome = await callOpenApi(transport, tokens, { method: 'POST', path: BADGE_PATH, query: { user_id_type: userIdType }, body: { user_id: userId, version: String(Date.now()), pc: { web_app: 1 } } });
  return outcome.kind === 'success' || outcome.kind === 'api-error' ? outcome.code : outcome.kind;
}

describe('diagnose: why no red dot?', () => {
  const server = useFeishuServer({ apps: [{ ...SANDBOX_APP }, OTHER_APP] });
  const run = async (input: Partial<DiagnoseInput> = {}, core = makeCore(server)): Promise<DiagnoseResult> =>
    diagnose(core.transport, core.tokens, { userId: ANN, appId: SANDBOX_APP.appId, locale: 'en', hasCredentials: true, ...input }, FAST);

  test('all clear: every check passes, each call-decided check carries the code and log ID of its answer', async () => {
    seed(server);
    const result = await run({ counts: { pc: { web_app: 3 }, mobile: { web_app: 3 } } });
    assert.deepEqual(result.checks.map((c) => c.id), ['credentials', 'app', 'id-shape', 'person', 'visibility', 'manual']);
    assert.deepEqual(statuses(result), { credentials: 'pass', app: 'pass', 'id-shape': 'pass', person: 'pass', visibility: 'pass', manual: 'skip' });
    assert.equal(result.ok, true);
    assert.equal(result.cancelled, undefined);
    assert.deepEqual(paths(server), ['/open-apis/auth/v3/tenant_access_token/internal', APP_ME_PATH, USERS_BATCH_PATH, 'visibility']);
    const [, me, batch, visibility] = server.requests;
    assert.equal(me?.query['lang'], 'en_us');
    assert.deepEqual([batch?.query['user_ids'], batch?.query['user_id_type']], [ANN, 'open_id']);
    assert.equal(visibility?.path, `/open-apis/application/v6/applications/${SANDBOX_APP.appId}/visibility/check_white_black_list`);
    assert.deepEqual([visibility?.query['user_id_type'], visibility?.body], ['open_id', { user_ids: [ANN] }]);
    assert.deepEqual([check(result, 'app').code, check(result, 'app').logId], [0, me?.logId]);
    assert.deepEqual([check(result, 'person').code, check(result, 'person').logId], [0, batch?.logId]);
    assert.deepEqual([check(result, 'id-shape').code, check(result, 'id-shape').logId], [0, batch?.logId]);
    assert.deepEqual([check(result, 'visibility').code, check(result, 'visibility').logId], [0, visibility?.logId]);
    assert.match(check(result, 'person').detail, /Ann is active/);
    assert.match(check(result, 'app').detail, /"Sandbox app" is enabled/);
    // Even a pass says that departments and groups may not be counted.
    assert.match(check(result, 'visibility').detail, /departments or user groups may not be reflected/);
    assert.match(check(result, 'manual').detail, /pc\.web_app 3, mobile\.web_app 3\) are between 1 and 999/);
    assert.equal(await badgeCode(server, ANN, 'open_id'), 0);
  });

  test('no credentials: the first check fails, the others say why they did not run, nothing is sent', async () => {
    seed(server);
    const result = await diagnose(undefined, undefined, { userId: ANN, locale: 'en', hasCredentials: false });
    assert.deepEqual(statuses(result), { credentials: 'fail', app: 'skip', 'id-shape': 'skip', person: 'skip', visibility: 'skip', manual: 'skip' });
    assert.equal(result.ok, false);
    assert.match(check(result, 'credentials').fix ?? '', /Configure Credentials/);
    for (const id of ['app', 'id-shape', 'person', 'visibility'] as const) assert.equal(check(result, id).detail, 'Not checked: there are no credentials to call the platform with.');
    const withTransport = await run({ hasCredentials: false });
    assert.equal(check(withTransport, 'credentials').status, 'fail');
    assert.equal(server.requests.length, 0);
  });

  test('no credentials still reports a wrong ID shape, which needs no call', async () => {
    const result = await diagnose(undefined, undefined, { userId: ANN, userIdType: 'user_id', locale: 'en', hasCredentials: false });
    assert.equal(check(result, 'id-shape').status, 'fail');
    assert.match(check(result, 'id-shape').detail, /starts with "ou_", which marks the type open_id, but the ID type is user_id/);
  });

  test('a wrong App Secret: credentials fail with 10015 and the token answer\'s log ID; nothing else is called', async () => {
    seed(server);
    const core = makeCore(server, { source: { kind: 'self-built', appId: SANDBOX_APP.appId, appSecret: 'wrong-secret-0123456789' } });
    const result = await run({}, core);
    assert.deepEqual(statuses(result), { credentials: 'fail', app: 'skip', 'id-shape': 'skip', person: 'skip', visibility: 'skip', manual: 'skip' });
    const credentials = check(result, 'credentials');
    assert.equal(credentials.code, 10015);
    assert.equal(credentials.logId, server.tokenRequests()[0]?.logId);
    assert.match(credentials.detail, /^The tenant token could not be obtained: The App Secret does not match/);
    assert.match(check(result, 'person').detail, /no usable tenant token/);
    assert.deepEqual(paths(server), ['/open-apis/auth/v3/tenant_access_token/internal']);
    assert.equal(result.ok, false);
  });

  test('a stopped app fails the app check (and only it)', async () => {
    seed(server);
    server.configureApp(SANDBOX_APP.appId, { status: 0 });
    const result = await run();
    assert.deepEqual(statuses(result), { credentials: 'pass', app: 'fail', 'id-shape': 'pass', person: 'pass', visibility: 'pass', manual: 'skip' });
    assert.match(check(result, 'app').detail, /is stopped \(status 0\)/);
    assert.match(check(result, 'app').fix ?? '', /administrator to enable the app/);
    assert.equal(result.ok, false);
    server.configureApp(SANDBOX_APP.appId, { status: 2 });
    assert.match(check(await run(), 'app').detail, /not enabled in this tenant \(status 2\)/);
  });

  test('an app never released is a warning, not a failure', async () => {
    seed(server);
    server.configureApp(SANDBOX_APP.appId, { onlineVersionId: '' });
    const result = await run();
    assert.equal(check(result, 'app').status, 'warn');
    assert.match(check(result, 'app').detail, /No version of the app was ever released \(online_version_id is empty\)/);
    assert.equal(result.ok, true);
  });

  test('mini-program counts on an app whose PC ability is a web app: a warning for PC, none for mobile (a mini program there)', async () => {
    seed(server);
    server.configureApp(SANDBOX_APP.appId, { pcAbility: 'web_app', mobileAbility: 'gadget' });
    const result = await run({ counts: { pc: { gadget: 5 }, mobile: { gadget: 5, web_app: 0 } } });
    const app = check(result, 'app');
    assert.equal(app.status, 'warn');
    assert.match(app.detail, /Default ability: web app \(web_app\) on PC, mini program \(gadget\) on mobile\./);
    assert.match(app.detail, /Counts on PC are set for the mini program \(gadget\), but the app's default ability on PC is the web app \(web_app\)/);
    assert.doesNotMatch(app.detail, /mobile counts are set/);
    assert.match(app.fix ?? '', /Send the PC count for the web app \(web_app\) instead/);
    // Counts that match the abilities (or are 0) raise nothing.
    assert.equal(check(await run({ counts: { pc: { web_app: 5, gadget: 0 }, mobile: { gadget: 1 } } }), 'app').status, 'pass');
    server.configureApp(SANDBOX_APP.appId, { pcAbility: 'bot' });
    assert.match(check(await run({ counts: { pc: { web_app: 1 } } }), 'app').fix ?? '', /only on a web app or a mini program/);
  });

  test('an open_id given as a user_id: the mix-up fails, and the lookup by its real type says whose it is', async () => {
    seed(server);
    const result = await run({ userIdType: 'user_id' });
    const shape = check(result, 'id-shape');
    assert.equal(shape.status, 'fail');
    assert.match(shape.detail, /99992360/);
    assert.match(shape.detail, /With the type open_id, it belongs to Ann\./);
    assert.match(shape.fix ?? '', /Pick open_id as the ID type/);
    const batch = server.requests.find((r) => r.path === USERS_BATCH_PATH);
    assert.equal(batch?.query['user_id_type'], 'open_id');
    assert.match(check(result, 'person').detail, /Checked with the type open_id\./);
    assert.equal(result.ok, false);
    assert.equal(await badgeCode(server, ANN, 'user_id'), 99992360);
    // A union_id that is not on_, and an open_id that is not ou_.
    assert.match(check(await run({ userId: unionIdFor('u_ann'), userIdType: 'open_id' }), 'id-shape').detail, /An open_id starts with "ou_".*suggests the type union_id/);
    const asUnion = await run({ userId: 'u_ann', userIdType: 'union_id' });
    assert.match(check(asUnion, 'id-shape').detail, /A union_id starts with "on_".*suggests the type user_id.*With the type user_id, it belongs to Ann/);
  });

  test("another app's open_id: not found for this app, a warning that says what is not certain", async () => {
    seed(server);
    const foreign = openIdFor(OTHER_APP.appId, 'u_ann');
    const result = await run({ userId: foreign });
    const shape = check(result, 'id-shape');
    assert.equal(shape.status, 'warn');
    assert.match(shape.detail, /Not found for this app\. It may be another app's open_id .*99992361.*outside the app's contact range\. Which one cannot be told from here\./);
    assert.equal(shape.code, 0);
    assert.equal(check(result, 'person').status, 'skip');
    assert.equal(await badgeCode(server, foreign, 'open_id'), 99992361);
    // A user_id nobody has is worded for its type.
    assert.match(check(await run({ userId: 'u_nobody', userIdType: 'user_id' }), 'id-shape').detail, /No one with this user_id was found/);
  });

  test('a resigned and frozen person: the person check fails naming both and 213006', async () => {
    seed(server);
    const bob = openIdFor(SANDBOX_APP.appId, 'u_bob');
    const result = await run({ userId: bob });
    const person = check(result, 'person');
    assert.equal(person.status, 'fail');
    assert.equal(person.detail, 'Bob is resigned, frozen: the badge call would answer 213006 (user status not valid), and no badge can be set for this person.');
    assert.equal(result.ok, false);
    assert.equal(await badgeCode(server, bob, 'open_id'), 213006);
    assert.match(check(await run({ userId: openIdFor(SANDBOX_APP.appId, 'u_dee') }), 'person').detail, /Dee is not activated/);
  });

  test('black-listed: the visibility check fails with 213007; not in the white list only warns, with the departments caveat', async () => {
    seed(server);
    const cyd = openIdFor(SANDBOX_APP.appId, 'u_cyd');
    const bob = openIdFor(SANDBOX_APP.appId, 'u_bob');
    server.configureApp(SANDBOX_APP.appId, { visibleTo: ['u_ann', 'u_bob'], hiddenFrom: ['u_ann'] });
    const black = await run();
    assert.equal(check(black, 'visibility').status, 'fail');
    assert.match(check(black, 'visibility').detail, /black list .*213007.*departments or user groups may not be reflected/);
    assert.equal(black.ok, false);
    assert.equal(await badgeCode(server, ANN, 'open_id'), 213007);
    const notWhite = await run({ userId: cyd });
    assert.equal(check(notWhite, 'visibility').status, 'warn');
    assert.match(check(notWhite, 'visibility').detail, /not in the app's white list.*departments or user groups may not be reflected/);
    assert.equal(notWhite.ok, true);
    assert.equal(check(await run({ userId: bob }), 'visibility').status, 'pass');
  });

  test('no scope for the app information: that check is skipped with the scope and the page to grant it; the others still run', async () => {
    seed(server);
    server.configureApp(SANDBOX_APP.appId, { scopes: ALL_SCOPES_BUT('admin:app.info:readonly') });
    const result = await run();
    assert.deepEqual(statuses(result), { credentials: 'pass', app: 'skip', 'id-shape': 'pass', person: 'pass', visibility: 'pass', manual: 'skip' });
    const app = check(result, 'app');
    assert.equal(app.code, 99991672);
    assert.ok(app.missingScopes?.includes('admin:app.info:readonly'), JSON.stringify(app.missingScopes));
    assert.equal(app.permissionPage, 'https://open.feishu.cn/app/cli_sandbox_app/auth');
    assert.match(app.detail, /lacks the scope admin:app\.info:readonly/);
    assert.match(app.fix ?? '', /https:\/\/open\.feishu\.cn\/app\/cli_sandbox_app\/auth/);
    assert.equal(app.logId, server.requests.find((r) => r.path === APP_ME_PATH)?.logId);
    assert.equal(result.ok, true);
  });

  test('no scope for the status lookup: the person check is skipped, the ID shape still passes on its own', async () => {
    seed(server);
    server.configureApp(SANDBOX_APP.appId, { scopes: ALL_SCOPES_BUT('contact:user.base:readonly') });
    const result = await run();
    assert.equal(check(result, 'person').status, 'skip');
    assert.ok(check(result, 'person').missingScopes?.includes('contact:user.base:readonly'));
    assert.equal(check(result, 'id-shape').status, 'pass');
    assert.match(check(result, 'id-shape').detail, /could not be checked/);
    assert.equal(check(result, 'visibility').status, 'pass');
  });

  test('a call failing after its retries skips its check with the log ID; the other checks still run', async () => {
    seed(server);
    const core = makeCore(server);
    assert.equal((await core.tokens.getToken()).ok, true);
    server.inject({ type: 'status', status: 503 }, { route: 'any', times: 3 });
    const result = await run({}, core);
    assert.equal(check(result, 'app').status, 'skip');
    assert.match(check(result, 'app').detail, /^Not checked: the call failed\./);
    assert.equal(check(result, 'app').logId, server.requests.filter((r) => r.path === APP_ME_PATH).at(-1)?.logId);
    assert.equal(server.requests.filter((r) => r.path === APP_ME_PATH).length, 3);
    assert.deepEqual([check(result, 'person').status, check(result, 'visibility').status], ['pass', 'pass']);
  });

  test('a pasted token: the App ID is learned from the app information; a refused token fails the credentials', async () => {
    seed(server);
    const token = 't-pasted-token-0123456789abcdef';
    server.addToken(token, SANDBOX_APP.appId);
    const pasted = makeCore(server, { source: { kind: 'manual', token } });
    const result = await diagnose(pasted.transport, pasted.tokens, { userId: ANN, locale: 'en', hasCredentials: true }, FAST);
    assert.deepEqual(statuses(result), { credentials: 'pass', app: 'pass', 'id-shape': 'pass', person: 'pass', visibility: 'pass', manual: 'skip' });
    assert.equal(check(result, 'credentials').detail, 'A pasted tenant token is used, and the platform accepted it.');
    assert.ok(server.requests.some((r) => r.path.includes(`/applications/${SANDBOX_APP.appId}/visibility/`)));
    assert.ok(!JSON.stringify(result).includes(token));

    server.clearRequests();
    const stale = makeCore(server, { source: { kind: 'manual', token: 't-never-issued-0123456789abcdef' } });
    const refused = await diagnose(stale.transport, stale.tokens, { userId: ANN, locale: 'en', hasCredentials: true }, FAST);
    assert.deepEqual(statuses(refused), { credentials: 'fail', app: 'skip', 'id-shape': 'skip', person: 'skip', visibility: 'skip', manual: 'skip' });
    assert.equal(check(refused, 'credentials').code, 99991663);
    assert.deepEqual(paths(server), [APP_ME_PATH]);
    assert.ok(!JSON.stringify(refused).includes('t-never-issued-0123456789abcdef'));
  });

  test('a pasted token whose app information cannot be read: visibility is skipped for want of the App ID', async () => {
    seed(server);
    const token = 't-pasted-token-0123456789abcdef';
    server.addToken(token, SANDBOX_APP.appId);
    server.configureApp(SANDBOX_APP.appId, { scopes: ALL_SCOPES_BUT('admin:app.info:readonly') });
    const pasted = makeCore(server, { source: { kind: 'manual', token } });
    const result = await diagnose(pasted.transport, pasted.tokens, { userId: ANN, locale: 'en', hasCredentials: true }, FAST);
    assert.equal(check(result, 'visibility').status, 'skip');
    assert.match(check(result, 'visibility').detail, /App ID is unknown/);
    assert.equal(check(result, 'app').permissionPage, undefined);
    assert.match(check(result, 'app').fix ?? '', /permission page in the developer console/);
  });

  test('English and Chinese differ, the app information is asked in the same language, and no token is in either', async () => {
    seed(server);
    const core = makeCore(server);
    const en = await run({ counts: { pc: { web_app: 1200 } } }, core);
    const zh = await run({ locale: 'zh-cn', counts: { pc: { web_app: 1200 } } }, core);
    assert.deepEqual(statuses(en), statuses(zh));
    for (const [a, b] of en.checks.map((c, i) => [c, zh.checks[i]] as const)) {
      assert.notEqual(a.title, b?.title);
      assert.notEqual(a.detail, b?.detail);
      assert.match(b?.title ?? '', /[\u4e00-\u9fff]/);
    }
    assert.deepEqual(server.requests.filter((r) => r.path === APP_ME_PATH).map((r) => r.query['lang']), ['en_us', 'zh_cn']);
    assert.match(check(zh, 'app').detail, /应用“沙盒应用”已启用/);
    assert.match(check(en, 'manual').detail, /counts above 999 \(pc\.web_app 1200\) show as a dot/);
    assert.match(check(zh, 'manual').detail, /超过 999 的数量（pc\.web_app 1200）只显示为圆点/);
    const issued = server.issuedTokens();
    assert.equal(issued.length, 1);
    for (const token of issued) {
      assert.ok(!JSON.stringify(en).includes(token));
      assert.ok(!JSON.stringify(zh).includes(token));
    }
    assert.ok(!JSON.stringify([en, zh]).includes(SANDBOX_APP.appSecret));
  });

  test('counts of 0 everywhere: the checklist says no badge will show', async () => {
    seed(server);
    assert.match(check(await run({ counts: { pc: { web_app: 0, gadget: 0 }, mobile: { web_app: 0 } } }), 'manual').detail, /every count sent is 0, which shows no badge/);
    assert.match(check(await run(), 'manual').detail, /1–999 \(shown as a number\)/);
  });

  test('cancelled: the result says so, with the checks not made skipped', async () => {
    seed(server);
    const controller = new AbortController();
    controller.abort();
    const result = await diagnose(makeCore(server).transport, makeCore(server).tokens, { userId: ANN, appId: SANDBOX_APP.appId, locale: 'en', hasCredentials: true }, { signal: controller.signal });
    assert.equal(result.cancelled, true);
    assert.equal(result.ok, false);
    assert.equal(check(result, 'app').detail, 'Not checked: the diagnosis was cancelled.');
    assert.equal(server.requests.length, 0);
    // Cancelled between calls: what was decided stays.
    const midway = new AbortController();
    const core = makeCore(server);
    const paced = async (): Promise<boolean> => {
      if (server.requests.some((r) => r.path === APP_ME_PATH)) midway.abort();
      return !midway.signal.aborted;
    };
    const partial = await diagnose(core.transport, core.tokens, { userId: ANN, appId: SANDBOX_APP.appId, locale: 'en', hasCredentials: true }, { signal: midway.signal, pace: paced });
    assert.equal(partial.cancelled, true);
    assert.deepEqual(statuses(partial), { credentials: 'pass', app: 'pass', 'id-shape': 'skip', person: 'skip', visibility: 'skip', manual: 'skip' });
  });
});

describe('diagnose texts', () => {
  test('every text exists in English and Simplified Chinese, with the same placeholders', () => {
    const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
    for (const id of Object.keys(DIAGNOSE_MESSAGES.en) as DiagnoseMessageId[]) {
      const zh = DIAGNOSE_MESSAGES['zh-cn'][id];
      assert.ok(zh.trim() !== '', id);
      assert.deepEqual(placeholders(zh), placeholders(DIAGNOSE_MESSAGES.en[id]), id);
      assert.notEqual(zh, DIAGNOSE_MESSAGES.en[id], id);
    }
    assert.equal(formatDiagnose('en', 'skip.scope', { scopes: 'a:b' }), 'Not checked: the app lacks the scope a:b, which this check needs.');
    assert.equal(isDiagnoseMessageId('preflight.resigned'), true);
    assert.equal(isDiagnoseMessageId('preflight.nope'), false);
    assert.equal(isDiagnoseMessageId('toString'), false);
  });

  test('the console for an API base: Lark for larksuite.com, Feishu otherwise', () => {
    assert.equal(consoleOriginFor('https://open.larksuite.com'), 'https://open.larksuite.com');
    assert.equal(consoleOriginFor('https://open.feishu.cn'), 'https://open.feishu.cn');
    assert.equal(consoleOriginFor('http://127.0.0.1:8080/base'), 'https://open.feishu.cn');
    assert.equal(consoleOriginFor('https://evil-larksuite.com'), 'https://open.feishu.cn');
    assert.equal(consoleOriginFor('not a url'), 'https://open.feishu.cn');
  });
});
