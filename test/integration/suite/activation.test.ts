/// <reference types="mocha" />
// Smoke test in the real extension host: the extension is there, its command activates it and
// is registered; and the local Feishu-like server runs inside the host for the suites to come.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import manifest from '../../../package.json' with { type: 'json' };
import { DEFAULT_APP, TOKEN_PATH } from '../../support/feishuServer.ts';
import { recordSecret } from './secrets.ts';
import { startSuiteServer } from './server.ts';

const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
const SHOW_LOG = 'feishuBadge.showLog';

suite('activation (smoke)', () => {
  test(`the extension ${EXTENSION_ID} is present`, () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not among ${vscode.extensions.all.length} extensions`);
    assert.equal(extension.packageJSON.version, manifest.version);
    assert.ok(
      manifest.contributes.commands.some((command) => command.command === SHOW_LOG),
      `${SHOW_LOG} is not contributed in package.json`,
    );
  });

  test(`running ${SHOW_LOG} activates the extension`, async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await vscode.commands.executeCommand(SHOW_LOG);
    assert.equal(extension.isActive, true);
  });

  test(`${SHOW_LOG} is a registered command`, async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes(SHOW_LOG), `${SHOW_LOG} is not among ${commands.length} commands`);
  });

  test('the local Feishu-like server answers inside the extension host', async () => {
    const server = await startSuiteServer();
    try {
      const response = await fetch(`${server.url}${TOKEN_PATH}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret }),
      });
      const body = (await response.json()) as { code: number; tenant_access_token?: string };
      recordSecret(body.tenant_access_token);
      assert.equal(body.code, 0);
      assert.match(body.tenant_access_token ?? '', /^t-/);
    } finally {
      await server.close();
    }
  });
});
