/// <reference types="mocha" />
// Profiles in the real extension host: each with its own API base and credentials; switching
// keeps each profile's token; production profiles need a confirmation.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { ProfileResult } from '../../../src/host/commands/profiles.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { startSuiteServer } from './server.ts';

const APP_A = { appId: 'cli_profile_a', appSecret: 'profile-a-secret-71c0d9' };
const APP_B = { appId: 'cli_profile_b', appSecret: 'profile-b-secret-2be84f' };
const USER = 'ou_profile_erin';
const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);
const set = (options?: unknown): Thenable<BadgeCommandResult> => run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: USER, pc: { web_app: 1 } }, options);

describe('profiles', function () {
  this.timeout(30_000);
  let first: FeishuServer;
  let second: FeishuServer;
  let secondId = '';

  before(async () => {
    first = await startSuiteServer({ apps: [APP_A] });
    second = await startSuiteServer({ apps: [APP_B] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', first.url);
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP_A)).ok, true, 'default profile configured');
  });

  after(async () => {
    await run('feishuBadge.switchProfile', { id: 'default' });
    await run('feishuBadge.clearCredentials');
    if (secondId !== '') await run('feishuBadge.removeProfile', { id: secondId });
    await setting('domain', undefined);
    await setting('customBaseUrl', undefined);
  });

  it('a new profile has its own base URL and no credentials of its own yet', async () => {
    const added = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Second app', domain: 'custom', customBaseUrl: second.url });
    assert.equal(added.ok, true);
    secondId = added.id ?? '';
    const result = await set();
    assert.equal(result.error, 'no-credentials', 'the default profile’s secret is not shared');
    assert.equal(first.badgeRequests().length + second.badgeRequests().length, 0);
  });

  it('credentials are stored per profile, and sends go to the active profile’s API', async () => {
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP_B)).ok, true);
    assert.equal(await set().then((r) => (r.ok ? true : JSON.stringify(r).slice(0, 400))), true);
    assert.equal(second.badgeRequests().length, 1);
    assert.equal(first.badgeRequests().length, 0);
    assert.equal((await run<ProfileResult>('feishuBadge.switchProfile', { id: 'default' })).ok, true);
    const tokensBefore = first.tokenRequests().length;
    assert.equal(await set().then((r) => (r.ok ? true : JSON.stringify(r).slice(0, 400))), true);
    assert.equal(first.badgeRequests().length, 1);
    assert.equal(first.tokenRequests().length, tokensBefore, 'the default profile kept its token');
  });

  it('switching back keeps each profile’s token; clearing one profile leaves the other', async () => {
    const tokensBefore = second.tokenRequests().length;
    await run('feishuBadge.switchProfile', { name: 'second app' });
    assert.equal(await set().then((r) => (r.ok ? true : JSON.stringify(r).slice(0, 400))), true);
    assert.equal(second.tokenRequests().length, tokensBefore);
    await run('feishuBadge.clearCredentials');
    assert.equal((await set()).error, 'no-credentials');
    await run('feishuBadge.switchProfile', { id: 'default' });
    assert.equal(await set().then((r) => (r.ok ? true : JSON.stringify(r).slice(0, 400))), true);
  });

  it('a production profile sends once the caller confirms', async () => {
    const prod = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Prod', domain: 'custom', customBaseUrl: second.url, production: true });
    assert.equal(prod.ok, true);
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP_B)).ok, true);
    const before = second.badgeRequests().length;
    const result = await set({ confirmProduction: true });
    assert.equal(result.ok, true);
    assert.equal(second.badgeRequests().length, before + 1);
    assert.equal((await run<ProfileResult>('feishuBadge.removeProfile', { id: prod.id })).ok, true);
    assert.equal((await run<ProfileResult>('feishuBadge.switchProfile', { id: prod.id })).error, 'not-found');
  });

  it('a production profile asks before each send (bulk: once per run); declining sends nothing', async () => {
    const prod = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Prod asks', domain: 'custom', customBaseUrl: second.url, production: true });
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP_B)).ok, true);
    // The confirmation is a modal warning: answer it the way a person would, and count the asks.
    const window = vscode.window as { showWarningMessage: (...args: unknown[]) => Thenable<unknown> };
    const original = window.showWarningMessage;
    let answer: string | undefined;
    const asked: string[] = [];
    window.showWarningMessage = (message: unknown, ...rest: unknown[]) => {
      if (typeof message === 'string' && message.includes('production profile')) {
        asked.push(message);
        return Promise.resolve(answer);
      }
      return original.call(vscode.window, message, ...rest);
    };
    try {
      const before = second.badgeRequests().length;
      answer = undefined;
      const declined = await set();
      assert.equal(declined.ok, false);
      assert.equal(declined.error, 'cancelled');
      assert.equal(second.badgeRequests().length, before, 'nothing sent when declined');
      answer = 'Send to production';
      assert.equal(await set().then((r) => (r.ok ? true : JSON.stringify(r).slice(0, 400))), true);
      assert.equal(second.badgeRequests().length, before + 1);
      asked.length = 0;
      const bulk = await run<{ ok: number }>('feishuBadge.bulkSetBadges', {
        items: [1, 2, 3].map((i) => ({ user_id: `ou_prod_${i}`, pc: { web_app: 1 } })),
      });
      assert.equal(bulk.ok, 3);
      assert.equal(asked.length, 1, 'a bulk run asks once');
    } finally {
      window.showWarningMessage = original;
      await run('feishuBadge.removeProfile', { id: prod.id });
    }
  });

  it('bad profiles are refused with a reason', async () => {
    const insecure = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Insecure', domain: 'custom', customBaseUrl: 'http://feishu.example.com' });
    assert.equal(insecure.ok, false);
    assert.match(insecure.msg ?? '', /https:\/\//);
    const duplicate = await run<ProfileResult>('feishuBadge.addProfile', { name: 'SECOND APP', domain: 'feishu' });
    assert.equal(duplicate.ok, false);
    assert.equal((await run<ProfileResult>('feishuBadge.removeProfile', { id: 'default' })).ok, false);
  });
});
