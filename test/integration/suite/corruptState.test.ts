/// <reference types="mocha" />
// Corrupted state (issue 11, §3) in the real extension host: what an older release, a hand edit
// or a broken disk leaves in globalState is read through a schema, repaired in storage the first
// time it is read, and never stops a command. The malformed values are written into the
// extension's own globalState through the test API (present only in ExtensionMode.Test); every
// key this suite touches is put back afterwards. The reader rules and the log warnings are
// covered in plain Node (test/unit/corruptState.test.ts, test/unit/profilesState.test.ts).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json' with { type: 'json' };
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { BulkCommandResult } from '../../../src/host/commands/bulk.ts';
import type { ProfileResult } from '../../../src/host/commands/profiles.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { startSuiteServer } from './server.ts';

const APP = { appId: 'cli_corrupt_app', appSecret: 'corrupt-secret-3d9a7e21c4' };
const USER = 'ou_corrupt_ivan';
const PROFILES = 'feishuBadge.profiles';
const HISTORY = 'feishuBadge.history';
const RECENT = 'feishuBadge.recentUsers';
const LAST_TARGET = 'feishuBadge.lastTarget';
const CHECKPOINT = 'feishuBadge.bulk.checkpoint';
const REMEMBERED_PREFIX = 'feishuBadge.badges:';
const COMMAND_IDS = manifest.contributes.commands.map((command) => command.command);

const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);
const set = (userId = USER): Thenable<BadgeCommandResult> => run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: userId, pc: { web_app: 2 } }, { silent: true });
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

describe('corrupted state in the extension host', function () {
  this.timeout(60_000);
  let server: FeishuServer;
  let api: FeishuBadgeApi;
  let state: vscode.Memento;
  /** What each touched key held before this suite: put back in `after`. */
  const saved = new Map<string, unknown>();

  const corrupt = async (key: string, value: unknown): Promise<void> => {
    if (!saved.has(key)) saved.set(key, state.get(key));
    await state.update(key, value);
  };

  /** Every contributed command is still registered, and the extension still active. */
  const assertAllCommands = async (): Promise<void> => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMAND_IDS.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'every feishuBadge.* command is registered');
    assert.equal(vscode.extensions.getExtension('feishu-badge.feishu-badge')?.isActive, true);
  };

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', server.url);
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    assert.ok(extension);
    api = await extension.activate();
    assert.ok(api.globalStateForTests, 'the test API hands out globalState while VS Code runs the tests');
    state = api.globalStateForTests;
    await corrupt(PROFILES, state.get(PROFILES));
    assert.equal((await run<ProfileResult>('feishuBadge.switchProfile', { id: 'default' })).ok, true);
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
  });

  after(async () => {
    await run('feishuBadge.clearCredentials');
    for (const [key, value] of saved) await state.update(key, value);
    for (const key of ['domain', 'customBaseUrl']) await setting(key, undefined);
  });

  beforeEach(() => server.clearRequests());

  const brokenProfiles: Array<[string, unknown, unknown]> = [
    ['a string', 'not profiles', { active: 'default', profiles: [] }],
    ['profiles not an array', { active: 'default', profiles: 'nope' }, { active: 'default', profiles: [] }],
    ['an array of garbage', { active: 'default', profiles: [null, 7, 'x', { id: 5 }, { name: 'no id' }] }, { active: 'default', profiles: [] }],
    [
      'duplicate ids and an active id that does not exist',
      {
        active: 'pghost1',
        profiles: [
          { id: 'pcorrupt1', name: 'Kept', domain: 'custom', customBaseUrl: 'https://open.example.com', production: false },
          { id: 'pcorrupt1', name: 'Shadow', domain: 'feishu', production: true },
        ],
      },
      { active: 'default', profiles: [{ id: 'pcorrupt1', name: 'Kept', domain: 'custom', customBaseUrl: 'https://open.example.com', production: false }] },
    ],
  ];

  for (const [what, value, repaired] of brokenProfiles) {
    it(`stored profiles that are ${what}: every command stays, setBadge answers ok, the value is repaired`, async () => {
      await corrupt(PROFILES, value);
      await assertAllCommands();
      const result = await set();
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(server.badgeRequests().length, 1);
      assert.deepEqual(state.get(PROFILES), repaired);
      assert.ok(api.statusBar().text.length > 0, 'the status bar still renders');
    });
  }

  it('a stored profile name of 10 KB with control characters is cut and cleaned wherever it shows', async () => {
    const name = `Huge\u0000\u001b[2J\u202e${'x'.repeat(10_240)}\n`;
    await corrupt(PROFILES, { active: 'default', profiles: [{ id: 'pcorrupt2', name, domain: 'custom', customBaseUrl: server.url, production: false }] });
    const switched = await run<ProfileResult>('feishuBadge.switchProfile', { id: 'pcorrupt2' });
    try {
      assert.equal(switched.ok, true, JSON.stringify(switched).slice(0, 300));
      const shown = switched.name ?? '';
      assert.ok(shown.startsWith('Huge') && [...shown].length <= 64 && !CONTROL.test(shown), JSON.stringify(shown.slice(0, 200)));
      const stored = state.get<{ profiles: Array<{ id: string; name: string }> }>(PROFILES);
      assert.equal(stored?.profiles.find((profile) => profile.id === 'pcorrupt2')?.name, shown, 'repaired in storage');
      assert.ok(!CONTROL.test(api.statusBar().text) && api.statusBar().text.length < 200, api.statusBar().text.slice(0, 300));
    } finally {
      await run('feishuBadge.switchProfile', { id: 'default' });
    }
    await assertAllCommands();
  });

  it('history, recent users and the last target of the wrong type: repaired when read, and setBadge answers ok', async () => {
    await corrupt(HISTORY, { entries: 'not a list' });
    await corrupt(RECENT, 'ou_not_a_list');
    await corrupt(LAST_TARGET, 42);
    assert.deepEqual(api.history(), []);
    assert.deepEqual(state.get(HISTORY), [], 'the history was repaired when read');
    const result = await set();
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.deepEqual(api.history().map((entry) => entry.userId), [USER]);
    assert.deepEqual(state.get(RECENT), [{ userId: USER, userIdType: 'open_id' }]);
    assert.deepEqual(state.get(LAST_TARGET), { userId: USER, userIdType: 'open_id' });
    await assertAllCommands();
  });

  it('history entries of the wrong shape are dropped in storage; the rest stays re-sendable', async () => {
    const first = await set('ou_corrupt_judy');
    assert.equal(first.ok, true);
    const stored = state.get<unknown[]>(HISTORY) ?? [];
    await corrupt(HISTORY, [null, { at: 'yesterday' }, ...stored, 'x']);
    assert.equal(api.history()[0]?.userId, 'ou_corrupt_judy');
    assert.deepEqual(state.get(HISTORY), stored, 'only the good entries are stored');
    const again = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, { silent: true });
    assert.equal(again.ok, true, JSON.stringify(again));
  });

  it('a stored remembered-badge map of the wrong type and an old checkpoint key: clear and bulk still answer, and leave valid state', async () => {
    assert.equal((await set()).ok, true);
    // Per-user state is written in batches (at most 2 s after a send).
    let key: string | undefined;
    for (let i = 0; i < 60 && key === undefined; i++) {
      key = state.keys().find((candidate) => candidate.startsWith(REMEMBERED_PREFIX) && candidate.endsWith(`|${APP.appId}`));
      if (key === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(key, 'the set was remembered');
    await corrupt(key, 'three');
    await corrupt(CHECKPOINT, { runId: 7, done: 'everyone' });
    const cleared = await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: USER }, { silent: true });
    assert.equal(cleared.ok, true, JSON.stringify(cleared));
    const bulk = await run<BulkCommandResult>('feishuBadge.bulkSetBadges', { items: [{ user_id: 'ou_corrupt_k1', pc: { web_app: 1 } }, { user_id: 'ou_corrupt_k2', pc: { web_app: 1 } }] }, { silent: true });
    assert.deepEqual([bulk.total, bulk.ok, bulk.failed], [2, 2, 0], JSON.stringify(bulk).slice(0, 500));
    // The end of the bulk run writes the map: the broken value is replaced by a valid one holding the clear.
    const stored = state.get<{ v?: unknown; e?: Array<[string, { version?: unknown }]> }>(key);
    assert.equal(stored?.v, 1, JSON.stringify(stored).slice(0, 200));
    assert.equal(stored?.e?.find(([user]) => user === `open_id:${USER}`)?.[1].version, cleared.version, 'the clear is remembered in place of the broken value');
    await assertAllCommands();
  });
});
