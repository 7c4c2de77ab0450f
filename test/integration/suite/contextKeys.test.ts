/// <reference types="mocha" />
// The context keys the host sets, in the real extension host: the palette hides Undo, Re-send and
// Copy as curl when there is nothing to act on, and the walkthrough completes its steps on the
// keys for credentials, a connection, a sent badge and an undone clear.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json' with { type: 'json' };
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { FeishuBadgeApi } from '../../../src/extension.ts';
import type { ProfileResult } from '../../../src/host/commands/profiles.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { startSuiteServer } from './server.ts';
import { stubWindow } from './stubs.ts';
import { waitFor } from './waitFor.ts';

const APP = { appId: 'cli_context_app', appSecret: 'context-secret-93d1f6b0e2' };
const USER = 'ou_context_dan';
const SILENT = { silent: true };
const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);

describe('context keys', function () {
  this.timeout(30_000);
  let server: FeishuServer;
  let api: FeishuBadgeApi;
  const key = (name: string): boolean | undefined => api.contexts()[`feishuBadge.${name}`];

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', server.url);
    const extension = vscode.extensions.getExtension<FeishuBadgeApi>('feishu-badge.feishu-badge');
    assert.ok(extension);
    api = await extension.activate();
  });

  after(async () => {
    await run('feishuBadge.switchProfile', { id: 'default' });
    await run('feishuBadge.clearCredentials');
    for (const name of ['domain', 'customBaseUrl']) await setting(name, undefined);
  });

  it('the palette shows Undo, Re-send and Copy as curl only when there is something to act on', () => {
    const palette = manifest.contributes.menus.commandPalette as Array<{ command: string; when?: string }>;
    const when = (command: string): string | undefined => palette.find((entry) => entry.command === command)?.when;
    assert.equal(when('feishuBadge.undoClear'), 'feishuBadge.canUndo');
    assert.equal(when('feishuBadge.resendFromHistory'), 'feishuBadge.hasHistory');
    assert.equal(when('feishuBadge.copyLastRequestAsCurl'), 'feishuBadge.hasLastRequest');
  });

  it('hasCredentials follows the credentials and the active profile', async () => {
    await run('feishuBadge.clearCredentials');
    await waitFor(() => key('hasCredentials') === false, 'hasCredentials false after clearing');
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
    await waitFor(() => key('hasCredentials') === true, 'hasCredentials true after configuring');
    const other = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Context other', domain: 'custom', customBaseUrl: server.url });
    assert.equal(other.ok, true);
    try {
      await waitFor(() => key('hasCredentials') === false, 'hasCredentials false for a profile without credentials');
      await run('feishuBadge.switchProfile', { id: 'default' });
      await waitFor(() => key('hasCredentials') === true, 'hasCredentials true back on the default profile');
    } finally {
      await run('feishuBadge.removeProfile', { id: other.id });
    }
  });

  it('canUndo, hasHistory and hasLastRequest follow sends, clears and undos; the walkthrough events are set', async () => {
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
    assert.equal((await run<{ ok: boolean }>('feishuBadge.testConnection')).ok, true);
    assert.equal(key('connected'), true);
    assert.equal((await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 4 }, mobile: { web_app: 4 } }, SILENT)).ok, true);
    assert.equal(key('sentBadge'), true);
    assert.equal(key('hasHistory'), true);
    assert.equal(api.history().length > 0, true);
    assert.equal(key('hasLastRequest'), true);
    assert.ok((await run<string>('feishuBadge.copyLastRequestAsCurl')).includes(USER));

    assert.equal((await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: USER }, SILENT)).ok, true);
    assert.equal(key('canUndo'), true, 'a clear that removed something can be undone');
    assert.equal((await run<BadgeCommandResult>('feishuBadge.undoClear')).ok, true);
    assert.equal(key('canUndo'), false, 'an undo is used once');
    assert.equal(key('clearedAndUndone'), true);

    // The undo put the counts back: clearing again can be undone; clearing the empty badge cannot.
    assert.equal((await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: USER }, SILENT)).ok, true);
    assert.equal(key('canUndo'), true);
    assert.equal((await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: USER }, SILENT)).ok, true);
    assert.equal(key('canUndo'), false, 'nothing left to put back');
    assert.equal(await run('feishuBadge.undoClear'), undefined);
  });

  it('undo belongs to the profile that cleared; a declined undo keeps it; Remove Profile needs a profile', async () => {
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
    assert.equal((await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 6 } }, SILENT)).ok, true);
    assert.equal((await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: USER }, SILENT)).ok, true);
    assert.equal(key('canUndo'), true);
    // Profiles another suite left behind are removed first (and named, to find who left them).
    const stored = api.globalStateForTests?.get<{ profiles?: Array<{ id?: unknown; name?: unknown }> }>('feishuBadge.profiles');
    for (const profile of stored?.profiles ?? []) {
      if (typeof profile.id !== 'string' || profile.id === 'default') continue;
      console.log(`[contextKeys] removing a profile left by an earlier suite: ${String(profile.name)} (${profile.id})`);
      await run('feishuBadge.removeProfile', { id: profile.id });
    }
    await waitFor(() => key('hasProfiles') === false, 'only Default: nothing to remove');

    const other = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Undo other', domain: 'custom', customBaseUrl: server.url });
    assert.equal(other.ok, true);
    try {
      await waitFor(() => key('hasProfiles') === true, 'hasProfiles after adding one');
      await run('feishuBadge.switchProfile', { id: other.id });
      assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
      await waitFor(() => key('canUndo') === false, 'no undo under another profile');
      const before = server.badgeRequests().length;
      assert.equal(await run('feishuBadge.undoClear'), undefined, 'another profile does not restore Default’s counts');
      assert.equal(server.badgeRequests().length, before);
      await run('feishuBadge.switchProfile', { id: 'default' });
      await waitFor(() => key('canUndo') === true, 'the undo is back with the profile that cleared');
    } finally {
      await run('feishuBadge.removeProfile', { id: other.id });
    }
    await waitFor(() => key('hasProfiles') === false, 'hasProfiles false once removed');

    // A production profile: declining the undo's confirmation keeps the undo.
    const prod = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Undo prod', domain: 'custom', customBaseUrl: server.url, production: true });
    assert.equal(prod.ok, true);
    let answer: string | undefined;
    const stub = stubWindow('showWarningMessage', (args, original) => (String(args[0]).includes('production profile') ? answer : original(...args)));
    try {
      await run('feishuBadge.switchProfile', { id: prod.id });
      assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
      answer = 'Send to production';
      assert.equal((await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 2 } }, SILENT)).ok, true);
      assert.equal((await run<BadgeCommandResult>('feishuBadge.clearBadge', { user_id: USER }, SILENT)).ok, true);
      await waitFor(() => key('canUndo') === true, 'the production clear can be undone');
      answer = undefined;
      const declined = await run<BadgeCommandResult>('feishuBadge.undoClear');
      assert.equal(declined.ok, false);
      assert.equal(declined.attempts, 0);
      assert.equal(key('canUndo'), true, 'a declined undo is not used up');
      answer = 'Send to production';
      const before = server.badgeRequests().length;
      assert.equal((await run<BadgeCommandResult>('feishuBadge.undoClear')).ok, true);
      assert.deepEqual((server.badgeRequests()[before]?.body as { pc?: unknown }).pc, { web_app: 2 });
      assert.equal(key('canUndo'), false);
    } finally {
      stub.restore();
      await run('feishuBadge.switchProfile', { id: 'default' });
      await run('feishuBadge.removeProfile', { id: prod.id });
    }
  });
});
