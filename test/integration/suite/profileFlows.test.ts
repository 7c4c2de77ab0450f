/// <reference types="mocha" />
// Profiles in the flows around them, in the real extension host: a re-send remembers the profile
// its entry was sent with, and Add Profile checks the URL as it is typed and keeps what was typed
// when it does not finish.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { ProfileResult } from '../../../src/host/commands/profiles.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { startSuiteServer } from './server.ts';
import { messages, stubWindow, withStubs } from './stubs.ts';

const APP_A = { appId: 'cli_flows_a', appSecret: 'flows-a-secret-6d02b9e7c1' };
const APP_B = { appId: 'cli_flows_b', appSecret: 'flows-b-secret-a57c13f08e' };
const SILENT = { silent: true };
const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);

describe('profile flows', function () {
  this.timeout(30_000);
  let first: FeishuServer;
  let second: FeishuServer;

  before(async () => {
    first = await startSuiteServer({ apps: [APP_A] });
    second = await startSuiteServer({ apps: [APP_B] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', first.url);
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP_A)).ok, true);
  });

  after(async () => {
    await run('feishuBadge.switchProfile', { id: 'default' });
    await run('feishuBadge.clearCredentials');
    for (const key of ['domain', 'customBaseUrl']) await setting(key, undefined);
  });

  describe('re-send and the profile of the entry', () => {
    let otherId = '';
    const count = (): [number, number] => [first.badgeRequests().length, second.badgeRequests().length];
    const sent = (before: [number, number]): [number, number] => [first.badgeRequests().length - before[0], second.badgeRequests().length - before[1]];

    before(async () => {
      const other = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Resend other', domain: 'custom', customBaseUrl: second.url });
      assert.equal(other.ok, true);
      otherId = other.id ?? '';
      assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP_B)).ok, true);
      assert.equal((await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: 'ou_flows_hal', pc: { web_app: 5 } }, SILENT)).ok, true);
      assert.equal(second.badgeRequests().length, 1, 'the entry was sent with the other profile');
      await run('feishuBadge.switchProfile', { id: 'default' });
    });

    after(async () => {
      if (otherId !== '') await run('feishuBadge.removeProfile', { id: otherId });
    });

    it('asks when the entry was sent with another profile; no answer sends nothing', async () => {
      const warnings = stubWindow('showWarningMessage', () => undefined);
      await withStubs([warnings], async () => {
        const before = count();
        const result = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, SILENT);
        assert.equal(result.ok, false);
        assert.equal(result.error, 'cancelled');
        assert.match(result.msg ?? '', /^Not sent/);
        assert.deepEqual(sent(before), [0, 0]);
        assert.deepEqual(messages(warnings), ['This request was sent with profile "Resend other"; the active profile is "Default".']);
        assert.deepEqual(warnings.calls[0]?.args.slice(1), [{ modal: true }, 'Switch to "Resend other" and send', 'Send with "Default"']);
      });
    });

    it('"switch and send" makes the entry’s profile active and sends there; "send with the active one" keeps it', async () => {
      let answer = 'Switch to "Resend other" and send';
      const warnings = stubWindow('showWarningMessage', () => answer);
      await withStubs([warnings], async () => {
        let before = count();
        assert.equal((await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, SILENT)).ok, true);
        assert.deepEqual(sent(before), [0, 1]);
        before = count();
        assert.equal((await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: 'ou_flows_ida', pc: { web_app: 1 } }, SILENT)).ok, true);
        assert.deepEqual(sent(before), [0, 1], 'the entry’s profile is now the active one');

        await run('feishuBadge.switchProfile', { id: 'default' });
        answer = 'Send with "Default"';
        before = count();
        assert.equal((await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, SILENT)).ok, true);
        assert.deepEqual(sent(before), [1, 0]);
        assert.equal(warnings.calls.length, 2);
      });
    });

    it('a command caller says which profile in the arguments: no question', async () => {
      const warnings = stubWindow('showWarningMessage', () => undefined);
      await withStubs([warnings], async () => {
        // Index 1: the entry sent with the other profile (index 0 was just sent with the default one).
        await run('feishuBadge.switchProfile', { id: 'default' });
        let before = count();
        assert.equal((await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 1, profile: 'active' }, SILENT)).ok, true);
        assert.deepEqual(sent(before), [1, 0]);
        before = count();
        assert.equal((await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 2, profile: 'entry' }, SILENT)).ok, true);
        assert.deepEqual(sent(before), [0, 1]);
        assert.equal(warnings.calls.length, 0);
        await run('feishuBadge.switchProfile', { id: 'default' });
      });
    });

    it('an entry whose profile was removed asks before going to the active one', async () => {
      const gone = await run<ProfileResult>('feishuBadge.addProfile', { name: 'Resend gone', domain: 'custom', customBaseUrl: second.url });
      assert.equal(gone.ok, true);
      assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP_B)).ok, true);
      assert.equal((await run<BadgeCommandResult>('feishuBadge.setBadge', { user_id: 'ou_flows_gus', pc: { web_app: 2 } }, SILENT)).ok, true);
      await run('feishuBadge.switchProfile', { id: 'default' });
      await run('feishuBadge.removeProfile', { id: gone.id });
      let answer: string | undefined;
      const warnings = stubWindow('showWarningMessage', () => answer);
      await withStubs([warnings], async () => {
        let before = count();
        const declined = await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, SILENT);
        assert.equal(declined.ok, false);
        assert.deepEqual(sent(before), [0, 0]);
        assert.deepEqual(messages(warnings), ['This request was sent with a profile that no longer exists; the active profile is "Default".']);
        answer = 'Send with "Default"';
        before = count();
        assert.equal((await run<BadgeCommandResult>('feishuBadge.resendFromHistory', { index: 0 }, SILENT)).ok, true);
        assert.deepEqual(sent(before), [1, 0]);
      });
    });
  });

  describe('Add Profile, interactively', () => {
    type Box = vscode.InputBoxOptions & { validateInput?: (value: string) => unknown };
    type Pick = { label: string };
    const added: string[] = [];

    after(async () => {
      for (const id of added) await run('feishuBadge.removeProfile', { id });
    });

    /** Runs Add Profile with stubbed inputs: each answer function sees the box or list it answers. */
    async function addProfile(inputs: Array<(box: Box) => string | undefined>, picks: Array<(items: Pick[]) => Pick | undefined>): Promise<{ result: ProfileResult | undefined; boxes: Box[]; lists: Pick[][] }> {
      const boxes: Box[] = [];
      const lists: Pick[][] = [];
      const input = stubWindow('showInputBox', ([options]) => {
        boxes.push(options as Box);
        return inputs.shift()?.(options as Box);
      });
      const pick = stubWindow('showQuickPick', ([items]) => {
        lists.push(items as Pick[]);
        return picks.shift()?.(items as Pick[]);
      });
      const info = stubWindow('showInformationMessage', () => undefined);
      const result = await withStubs([input, pick, info], () => run<ProfileResult | undefined>('feishuBadge.addProfile'));
      if (result?.ok === true && result.id !== undefined) added.push(result.id);
      return { result, boxes, lists };
    }

    const label = (wanted: string) => (items: Pick[]): Pick | undefined => items.find((item) => item.label === wanted);

    it('checks the URL as it is typed, and keeps what was typed when a later step is cancelled', async () => {
      const url = 'https://open.feishu.example.com';
      const firstTry = await addProfile(
        [() => 'Draft profile', () => url],
        [label('custom'), () => undefined], // cancelled at "Is this a production app?"
      );
      assert.equal(firstTry.result, undefined);
      const urlBox = firstTry.boxes[1];
      assert.ok(urlBox?.validateInput, 'the URL box validates as it is typed');
      assert.match(String(urlBox.validateInput('http://feishu.example.com')), /uses http:\/\/ to a non-local host/);
      assert.match(String(urlBox.validateInput('feishu')), /is not a URL/);
      assert.match(String(urlBox.validateInput('https://user:pw@open.example.com')), /must not contain a user name or password/);
      assert.equal(urlBox.validateInput(url), undefined);
      assert.equal(urlBox.validateInput(first.url), undefined, 'plain http to loopback is allowed, as in the settings');

      const again = await addProfile([(box) => box.value, (box) => box.value], [(items) => items[0], label('No')]);
      assert.equal(again.boxes[0]?.value, 'Draft profile', 'the name is pre-filled');
      assert.equal(again.lists[0]?.[0]?.label, 'custom', 'the domain chosen before comes first');
      assert.equal(again.boxes[1]?.value, url, 'the URL is pre-filled');
      assert.equal(again.result?.ok, true, JSON.stringify(again.result));
      assert.equal(again.result?.name, 'Draft profile');

      // Finished: the next Add Profile starts empty, and the name now taken is flagged as it is typed.
      const third = await addProfile([() => undefined], []);
      assert.equal(third.boxes[0]?.value, '');
      assert.match(String(third.boxes[0]?.validateInput?.('DRAFT profile')), /exists already/);
      await run('feishuBadge.switchProfile', { id: 'default' });
    });

    it('keeps the answers when the profile is refused', async () => {
      // The name box flags a taken name, but a person can still press Enter: the store refuses it.
      const error = stubWindow('showErrorMessage', () => undefined);
      await withStubs([error], async () => {
        const refused = await addProfile([() => 'Default'], [label('lark'), label('Yes: ask before every send')]);
        assert.equal(refused.result?.ok, false);
        assert.match(messages(error)[0] ?? '', /exists already/);
      });
      const again = await addProfile([(box) => box.value === 'Default' ? undefined : 'unexpected'], []);
      assert.equal(again.boxes[0]?.value, 'Default');
      assert.equal(again.result, undefined);
    });
  });
});
