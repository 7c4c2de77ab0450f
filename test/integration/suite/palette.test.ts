/// <reference types="mocha" />
// The palette's guided inputs in the real extension host, answered through stubbed input boxes
// and checked by what the local Feishu-like server received: one number means what it means in
// the form (the web-app count on PC and mobile; the mini-program count left out of the body).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BadgeCommandResult } from '../../../src/core/result.ts';
import type { BulkCommandResult } from '../../../src/host/commands/bulk.ts';
import type { FeishuServer } from '../../support/feishuServer.ts';
import { startSuiteServer } from './server.ts';
import { stubWindow, withStubs } from './stubs.ts';

const APP = { appId: 'cli_palette_app', appSecret: 'palette-secret-0c8e4f2a71' };
const run = <T>(command: string, ...args: unknown[]): Thenable<T> => vscode.commands.executeCommand<T>(command, ...args);
const setting = (key: string, value: unknown): Thenable<void> => vscode.workspace.getConfiguration('feishuBadge').update(key, value, vscode.ConfigurationTarget.Global);

type InputBoxOptions = vscode.InputBoxOptions & { validateInput?: (value: string) => unknown };

/** Answers the input boxes in turn with `answers`, keeping each box's options. */
function answerInputBoxes(answers: string[]): { boxes: InputBoxOptions[]; stub: ReturnType<typeof stubWindow> } {
  const boxes: InputBoxOptions[] = [];
  const stub = stubWindow('showInputBox', ([options]) => {
    boxes.push((options ?? {}) as InputBoxOptions);
    return answers.shift();
  });
  return { boxes, stub };
}

describe('palette inputs', function () {
  this.timeout(30_000);
  let server: FeishuServer;

  before(async () => {
    server = await startSuiteServer({ apps: [APP] });
    await setting('domain', 'custom');
    await setting('customBaseUrl', server.url);
    await setting('defaultUserId', '');
    assert.equal((await run<{ ok: boolean }>('feishuBadge.configureCredentials', APP)).ok, true);
  });

  after(async () => {
    await run('feishuBadge.clearCredentials');
    for (const key of ['domain', 'customBaseUrl', 'defaultUserId']) await setting(key, undefined);
  });

  beforeEach(() => server.clearRequests());

  it('Set Badge… with one number sets the web-app count on PC and mobile and sends no gadget', async () => {
    const { boxes, stub } = answerInputBoxes(['ou_palette_eve', '3']);
    const info = stubWindow('showInformationMessage', () => undefined);
    const result = await withStubs([stub, info], () => run<BadgeCommandResult>('feishuBadge.setBadge'));
    assert.equal(result.ok, true, JSON.stringify(result));
    const body = server.badgeRequests()[0]?.body as Record<string, unknown>;
    assert.deepEqual({ ...body, version: 'v' }, { user_id: 'ou_palette_eve', version: 'v', pc: { web_app: 3 }, mobile: { web_app: 3 } });
    assert.equal(JSON.stringify(body).includes('gadget'), false);
    // The prompt says so.
    const counts = boxes[1];
    assert.ok(counts);
    assert.match(counts.prompt ?? '', /One number sets the web app badge on PC and mobile and leaves the mini program badge as it is/);
    assert.equal(counts.validateInput?.('3'), undefined);
  });

  it('bulk paste with one number sends the same body to every user: no gadget', async () => {
    // "Paste user IDs"; the pre-flight box (a multi-select) left unticked: these IDs are in no directory.
    const pick = stubWindow('showQuickPick', ([items, options]) => ((options as vscode.QuickPickOptions | undefined)?.canPickMany === true ? [] : (items as string[])[0]));
    const { boxes, stub } = answerInputBoxes(['ou_palette_f1, ou_palette_f2', '2']);
    // The modal "Bulk set badges for 2 user(s)?" is answered with its Send button; other messages are dismissed.
    const info = stubWindow('showInformationMessage', ([, options, ...buttons]) =>
      typeof options === 'object' && options !== null && (options as vscode.MessageOptions).modal === true ? buttons[0] : undefined,
    );
    const result = await withStubs([pick, stub, info], () => run<BulkCommandResult>('feishuBadge.bulkSetBadges'));
    assert.equal(result.ok, 2, JSON.stringify(result));
    const bodies = server.badgeRequests().map((r) => r.body as Record<string, unknown>);
    assert.deepEqual(bodies.map((b) => b.user_id).sort(), ['ou_palette_f1', 'ou_palette_f2']);
    for (const body of bodies) {
      assert.deepEqual([body.pc, body.mobile], [{ web_app: 2 }, { web_app: 2 }]);
      assert.equal(JSON.stringify(body).includes('gadget'), false);
    }
    assert.match(boxes[1]?.prompt ?? '', /leaves the mini program badge as it is/);
  });

  it('four numbers still set the mini-program counts', async () => {
    const { stub } = answerInputBoxes(['ou_palette_gil', '1 0 2 0']);
    const info = stubWindow('showInformationMessage', () => undefined);
    const result = await withStubs([stub, info], () => run<BadgeCommandResult>('feishuBadge.setBadge'));
    assert.equal(result.ok, true);
    const body = server.badgeRequests()[0]?.body as Record<string, unknown>;
    assert.deepEqual([body.pc, body.mobile], [{ web_app: 1, gadget: 0 }, { web_app: 2, gadget: 0 }]);
  });
});
