// The local Feishu-like server (test/support/feishuServer.ts), started inside the extension host
// so the extension's real network code talks to it over loopback HTTP. Every app secret it is
// configured with and every token it issues or accepts is recorded for the leak check.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DEFAULT_APP, startFeishuServer } from '../../support/feishuServer.ts';
import type { FeishuServer, FeishuServerOptions } from '../../support/feishuServer.ts';
import { recordSecret } from './secrets.ts';

const running = new Set<FeishuServer>();

function recordIssued(server: FeishuServer): void {
  for (const token of server.issuedTokens()) recordSecret(token);
}

/** Starts a server for a suite; `closeSuiteServers()` (called by the suite index) closes leftovers. */
export async function startSuiteServer(options: FeishuServerOptions = {}): Promise<FeishuServer> {
  for (const app of options.apps ?? [DEFAULT_APP]) recordSecret(app.appSecret);
  const server = await startFeishuServer(options);
  running.add(server);
  // reset() and close() forget issued tokens: record them first. addToken() accepts foreign tokens.
  const { reset, close, addToken } = server;
  server.reset = () => {
    recordIssued(server);
    reset();
  };
  server.close = () => {
    recordIssued(server);
    running.delete(server);
    return close();
  };
  server.addToken = (token, appId, expireSeconds) => {
    recordSecret(token);
    addToken(token, appId, expireSeconds);
  };
  return server;
}

export async function closeSuiteServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.close()));
}

/** Points the extension at `server` (a custom API base, in user settings) and connects `app` with it. */
export async function connectTo(server: FeishuServer, app: { appId: string; appSecret: string }): Promise<void> {
  const config = vscode.workspace.getConfiguration('feishuBadge');
  await config.update('domain', 'custom', vscode.ConfigurationTarget.Global);
  await config.update('customBaseUrl', server.url, vscode.ConfigurationTarget.Global);
  const connected = await vscode.commands.executeCommand<{ ok: boolean }>('feishuBadge.configureCredentials', app);
  assert.equal(connected.ok, true);
}

/** Undoes `connectTo`: the credentials cleared, the API base settings removed. */
export async function disconnect(): Promise<void> {
  await vscode.commands.executeCommand('feishuBadge.clearCredentials');
  const config = vscode.workspace.getConfiguration('feishuBadge');
  await config.update('domain', undefined, vscode.ConfigurationTarget.Global);
  await config.update('customBaseUrl', undefined, vscode.ConfigurationTarget.Global);
}
