/// <reference types="mocha" />
// Issue 10 in the real extension host: Find User IDs (emails, phones, departments), Why No Red
// Dot? (diagnose), and bulk runs given by email with the pre-flight, against the local server's
// directory (per-app open_ids, statuses, visibility lists, scopes).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { BulkCommandResult } from '../../../src/host/commands/bulk.ts';
import type { DiagnoseResult } from '../../../src/core/diagnose.ts';
import type { ResolveUsersResult } from '../../../src/host/send/recipients.ts';
import { openDepartmentIdFor, openIdFor } from '../../support/feishuServer.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { connectTo, disconnect, startSuiteServer } from './server.ts';
import { stubWindow, withStubs } from './stubs.ts';

const APP = { appId: 'cli_people_app', appSecret: 'people-secret-5b7e1c9d20' };
const OTHER = { appId: 'cli_people_other', appSecret: 'people-other-secret-77a1e0' };
const SILENT = { silent: true };

const resolveUsers = (args: unknown): Thenable<ResolveUsersResult> => vscode.commands.executeCommand<ResolveUsersResult>('feishuBadge.resolveUsers', args, SILENT);
const diagnose = (args: unknown): Thenable<DiagnoseResult> => vscode.commands.executeCommand<DiagnoseResult>('feishuBadge.diagnose', args, SILENT);
const bulk = (args: unknown): Thenable<BulkCommandResult> => vscode.commands.executeCommand<BulkCommandResult>('feishuBadge.bulkSetBadges', args, SILENT);
const byId = (result: DiagnoseResult): Record<string, string> => Object.fromEntries(result.checks.map((check) => [check.id, check.status]));

async function useApp(app: { appId: string; appSecret: string }): Promise<void> {
  const connected = await vscode.commands.executeCommand<{ ok: boolean }>('feishuBadge.configureCredentials', app);
  assert.equal(connected.ok, true);
}

describe('recipients and diagnosis in the extension host', function () {
  this.timeout(60_000);
  let server: FeishuServer;

  const seed = (): void => {
    server.addDepartment({ departmentId: 'eng', parentId: '0', name: 'Engineering' });
    server.addDepartment({ departmentId: 'eng-web', parentId: 'eng', name: 'Web' });
    server.addPerson({ userId: 'u_ann', email: 'ann@example.com', mobile: '+8613800000001', name: 'Ann', departments: ['eng'] });
    server.addPerson({ userId: 'u_bob', email: 'bob@example.com', name: 'Bob', departments: ['eng-web'], status: { is_frozen: true } });
    server.addPerson({ userId: 'u_cyd', email: 'cyd@example.com', name: 'Cyd', departments: ['eng-web'] });
    server.addPerson({ userId: 'u_dee', email: 'dee@example.com', mobile: '+14155550100', name: 'Dee', departments: ['eng', 'eng-web'] });
    server.configureApp(APP.appId, { hiddenFrom: ['u_cyd'] });
  };

  before(async () => {
    server = await startSuiteServer({ apps: [APP, OTHER] });
    await connectTo(server, APP);
  });

  after(disconnect);

  beforeEach(async () => {
    server.reset();
    seed();
    // reset() forgot the tokens: new credentials make the extension fetch one (and forget its cache).
    await useApp(APP);
    server.clearRequests();
  });

  it('resolveUsers: emails and phones to this app\'s open_ids, with statuses and the causes for the rest; a second ask comes from the cache', async () => {
    const result = await resolveUsers({ emails: ['ann@example.com', 'bob@example.com', 'nobody@example.com'], mobiles: ['13800000001'] });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(
      result.users.map((u) => [u.source, u.id, u.status?.is_frozen === true]),
      [
        ['email', openIdFor(APP.appId, 'u_ann'), false],
        ['email', openIdFor(APP.appId, 'u_bob'), true],
        ['mobile', openIdFor(APP.appId, 'u_ann'), false],
      ],
    );
    assert.equal(result.notFound[0]?.input, 'nobody@example.com');
    assert.ok(result.notFound[0]?.reasons.includes('enterprise-email'));
    assert.match(result.notFound[0]?.detail ?? '', /contact range/);
    const calls = server.requests.filter((r) => r.path.endsWith('/batch_get_id')).length;
    assert.equal(calls, 2, 'one call for the emails, one for the mobiles');
    const again = await resolveUsers({ emails: ['ANN@example.com'] });
    assert.equal(again.users[0]?.id, openIdFor(APP.appId, 'u_ann'));
    assert.equal(again.cached, 1);
    assert.equal(server.requests.filter((r) => r.path.endsWith('/batch_get_id')).length, calls, 'the cache answered');
  });

  it('resolveUsers: open_ids are per app, and the cache is never read across apps', async () => {
    const mine = await resolveUsers({ emails: ['ann@example.com'] });
    await useApp(OTHER);
    try {
      const theirs = await resolveUsers({ emails: ['ann@example.com'] });
      assert.equal(theirs.cached, undefined);
      assert.equal(theirs.users[0]?.id, openIdFor(OTHER.appId, 'u_ann'));
      assert.notEqual(theirs.users[0]?.id, mine.users[0]?.id);
    } finally {
      await useApp(APP);
    }
  });

  it('resolveUsers: a department with its sub-departments, each person once; direct members only when not recursive', async () => {
    const all = await resolveUsers({ departmentId: 'eng', departmentIdType: 'department_id', recursive: true });
    assert.equal(all.ok, true, JSON.stringify(all));
    assert.deepEqual(all.users.map((u) => u.name).sort(), ['Ann', 'Bob', 'Cyd', 'Dee']);
    const direct = await resolveUsers({ departmentId: openDepartmentIdFor('eng'), recursive: false });
    assert.deepEqual(direct.users.map((u) => u.name).sort(), ['Ann', 'Dee']);
  });

  it('resolveUsers: a missing scope names it; bad arguments are a validation result', async () => {
    server.configureApp(APP.appId, { scopes: ['application:application.app_badge:write'] });
    const denied = await resolveUsers({ emails: ['ann@example.com'] });
    assert.equal(denied.ok, false);
    assert.equal(denied.error, 'missing-scope');
    assert.ok(denied.missingScopes?.includes('contact:user.id:readonly'), JSON.stringify(denied));
    for (const bad of [{}, { emails: 'ann@example.com' }, { emails: ['a@b.c'], departmentId: 'eng' }, { departmentId: 'eng', userIdType: 'email' }]) {
      const result = await resolveUsers(bad);
      assert.equal(result.error, 'validation', JSON.stringify(bad));
    }
  });

  it('diagnose: nothing blocks an active, visible person; a frozen one and a black-listed one are named, in order', async () => {
    const ann = await diagnose({ user_id: openIdFor(APP.appId, 'u_ann') });
    assert.deepEqual(ann.checks.map((c) => c.id), ['credentials', 'app', 'id-shape', 'person', 'visibility', 'manual']);
    assert.equal(ann.ok, true, JSON.stringify(ann));
    const bob = await diagnose({ user_id: openIdFor(APP.appId, 'u_bob') });
    assert.equal(byId(bob).person, 'fail');
    assert.equal(bob.ok, false);
    const cyd = await diagnose({ user_id: openIdFor(APP.appId, 'u_cyd') });
    assert.equal(byId(cyd).visibility, 'fail');
    const mixed = await diagnose({ user_id: openIdFor(APP.appId, 'u_ann'), user_id_type: 'user_id' });
    assert.equal(byId(mixed)['id-shape'], 'fail');
    const text = JSON.stringify([ann, bob, cyd, mixed]);
    for (const token of server.issuedTokens()) assert.ok(!text.includes(token), 'no token in a diagnosis');
    assert.ok(!text.includes(APP.appSecret));
  });

  it('diagnose: a missing scope skips that check with the scope and the permission page, and the rest still run', async () => {
    server.configureApp(APP.appId, { scopes: ['application:application.app_badge:write', 'contact:user.base:readonly'] });
    const result = await diagnose({ user_id: openIdFor(APP.appId, 'u_ann') });
    const app = result.checks.find((c) => c.id === 'app');
    assert.equal(app?.status, 'skip');
    assert.match(`${app?.detail ?? ''} ${app?.fix ?? ''}`, /admin:app\.info:readonly/);
    assert.match(`${app?.detail ?? ''} ${app?.fix ?? ''}`, new RegExp(`/app/${APP.appId}/auth`));
    assert.equal(byId(result).person, 'pass');
    assert.equal(byId(result).visibility, 'skip');
  });

  it('bulk by email with pre-flight: unresolved, inactive and invisible recipients are held back and listed; only the rest are sent', async () => {
    const counts = { pc: { web_app: 3 } };
    const items = [
      { email: 'ann@example.com', ...counts },
      { email: 'bob@example.com', ...counts },
      { email: 'cyd@example.com', ...counts },
      { email: 'nobody@example.com', ...counts },
      { email: 'dee@example.com', ...counts },
    ];
    const result = await bulk({ items, preflight: true });
    assert.deepEqual([result.total, result.ok, result.failed, result.held], [5, 2, 0, 3], JSON.stringify(result));
    assert.deepEqual(result.preflight, { sendable: 2, notVisible: 1, inactive: 1, unknown: 0 });
    assert.deepEqual(result.contacts, { total: 5, resolved: 4 });
    assert.deepEqual(
      result.results.map((r) => r.status),
      ['ok', 'inactive', 'not-visible', 'unresolved', 'ok'],
    );
    assert.equal(result.results[3]?.hold?.input, 'nobody@example.com');
    const sent = server.badgeRequests().filter((r) => r.code === 0).map((r) => (r.body as { user_id: string }).user_id).sort();
    assert.deepEqual(sent, [openIdFor(APP.appId, 'u_ann'), openIdFor(APP.appId, 'u_dee')].sort());
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    const groups = extension?.exports.bulkResults() ?? [];
    assert.deepEqual(groups.map((g) => g.label), ['Not found by email or phone, not sent (1)', 'Cannot see the app, not sent (1)', 'Not active (resigned, frozen, not activated), not sent (1)', 'Set (2)']);
  });

  it('bulk by email without pre-flight: whom the lookup found frozen or gone is held, the unresolved one is never sent, the invisible one is refused by the badge call', async () => {
    server.addPerson({ userId: 'u_eve', email: 'eve@example.com', status: { is_resigned: true, is_activated: false } });
    const items = ['ann@example.com', 'bob@example.com', 'cyd@example.com', 'nobody@example.com', 'eve@example.com'].map((email) => ({ email, pc: { web_app: 1 } }));
    const result = await bulk({ items });
    assert.deepEqual([result.ok, result.failed, result.held], [1, 1, 3], JSON.stringify(result));
    assert.deepEqual(result.results.map((r) => r.status), ['ok', 'inactive', 'failed', 'unresolved', 'inactive']);
    assert.equal(result.results[2]?.result?.code, 213007);
    assert.match(result.results[4]?.hold?.detail ?? '', /resigned/i);
    assert.equal(server.badgeRequests().length, 2);
  });

  it('the bulk flow from the palette: pasted emails and a spaced phone number, the pre-flight box ticked; the one the app is hidden from is held and named', async () => {
    // The source pick answers its first item; the pre-flight multi-select answers its (ticked) items.
    const pick = stubWindow('showQuickPick', ([items, options]) => ((options as vscode.QuickPickOptions | undefined)?.canPickMany === true ? (items as vscode.QuickPickItem[]).filter((item) => item.picked === true) : (items as string[])[0]));
    const answers = ['ann@example.com, cyd@example.com\n+1 415 555 0100', '2'];
    const boxes = stubWindow('showInputBox', () => answers.shift());
    const info = stubWindow('showInformationMessage', ([, options, ...buttons]) => (typeof options === 'object' && options !== null && (options as vscode.MessageOptions).modal === true ? buttons[0] : undefined));
    const warn = stubWindow('showWarningMessage', () => undefined);
    const result = await withStubs([pick, boxes, info, warn], () => vscode.commands.executeCommand<BulkCommandResult>('feishuBadge.bulkSetBadges'));
    assert.deepEqual([result.ok, result.held], [2, 1], JSON.stringify(result));
    assert.deepEqual(result.preflight, { sendable: 2, notVisible: 1, inactive: 0, unknown: 0 });
    const sent = server.badgeRequests().map((r) => r.body as { user_id: string; mobile?: unknown });
    assert.deepEqual(sent.map((b) => b.user_id).sort(), [openIdFor(APP.appId, 'u_ann'), openIdFor(APP.appId, 'u_dee')].sort());
    assert.ok(sent.every((b) => JSON.stringify(b.mobile) === '{"web_app":2}'), 'the mobile counts survive the lookup');
    assert.equal(result.results.find((r) => r.status === 'not-visible')?.hold?.input, 'cyd@example.com');
  });

  it('1,000 recipients by email with pre-flight, at a badge limit of 50/s: resolved, checked and sent within a generous bound (figure printed)', async function () {
    this.timeout(180_000);
    server.reset();
    const hidden: string[] = [];
    for (let i = 0; i < 1_000; i++) {
      server.addPerson({ userId: `u_vol_${i}`, email: `vol${i}@example.com`, ...(i % 20 === 19 ? { status: { is_frozen: true } } : {}) });
      if (i % 25 === 24) hidden.push(`u_vol_${i}`);
    }
    server.configureApp(APP.appId, { hiddenFrom: hidden });
    server.setRateLimit({ limit: 50, windowMs: 1_000, headers: 'on429' });
    await useApp(APP);
    server.clearRequests();
    const items = Array.from({ length: 1_000 }, (_, i) => ({ email: `vol${i}@example.com`, pc: { web_app: 1 }, mobile: { web_app: 1 } }));
    const started = Date.now();
    const result = await bulk({ items, preflight: true, concurrency: 8 });
    const ms = Date.now() - started;
    // 50 frozen, 40 hidden, 10 both (inactive wins): 80 held back.
    assert.deepEqual([result.ok, result.failed, result.held], [920, 0, 80], JSON.stringify({ ...result, results: result.results.filter((r) => r.status === 'failed').slice(0, 3) }));
    assert.deepEqual(result.preflight, { sendable: 920, notVisible: 30, inactive: 50, unknown: 0 });
    assert.deepEqual(result.contacts, { total: 1_000, resolved: 1_000 });
    const floorMs = (920 / 50) * 1_000;
    const contact = server.requests.filter((r) => r.route === 'other');
    const badges = server.badgeRequests();
    const span = (list: typeof badges): string => (list.length === 0 ? '-' : `${(((list.at(-1)?.receivedAt ?? 0) - (list[0]?.receivedAt ?? 0)) / 1000).toFixed(2)} s`);
    console.log(
      `[figure] 1,000 recipients by email with pre-flight in the extension host: ${(ms / 1000).toFixed(2)} s for 920 sent (floor ${(floorMs / 1000).toFixed(1)} s at 50/s, ratio ${(ms / floorMs).toFixed(3)}); ` +
        `${contact.length} contact and visibility calls over ${span(contact)}, first badge ${(((badges[0]?.receivedAt ?? started) - started) / 1000).toFixed(2)} s after the start, ${badges.length} badge requests over ${span(badges)} (${badges.filter((r) => r.status === 429).length} answered 429)`,
    );
    assert.ok(ms < floorMs * 3, `took ${ms} ms, more than 3 × the ${floorMs} ms floor`);
    assert.equal(server.badgeRequests().filter((r) => r.code === 213006 || r.code === 213007).length, 0, 'nobody the pre-flight held back was sent');
  });
});
