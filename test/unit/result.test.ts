import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { itemsForUsers } from '../../src/core/bulkInput.ts';
import { checkConnection } from '../../src/core/connection.ts';
import { parseCounts } from '../../src/core/quickInput.ts';
import { formatResultLine, toCommandResult } from '../../src/core/result.ts';
import { validateBadge } from '../../src/core/schema.ts';
import { SANDBOX_APP, badge, makeCore, useFeishuServer } from '../support/core.ts';

describe('command results, log lines and connection checks over real HTTP', () => {
  const server = useFeishuServer();

  test('a success maps to ok, version, attempts, status, code 0 and the log ID', async () => {
    const result = await makeCore(server).client.setBadge(badge());
    const command = toCommandResult(result);
    assert.equal(command.ok, true);
    assert.equal(command.version, result.version);
    assert.equal(command.attempts, 1);
    assert.equal(command.httpStatus, 200);
    assert.equal(command.code, 0);
    assert.equal(command.logId, server.badgeRequests()[0]?.logId);
    assert.equal(command.error, undefined);
  });

  test('failures map to their error kind with code and log ID', async () => {
    server.setUserStatus('ou_gone', 'inactive');
    const core = makeCore(server, { timeoutMs: 80, retry: { maxAttempts: 1 } });
    const api = toCommandResult(await core.client.setBadge(badge({ user_id: 'ou_gone' })));
    assert.deepEqual([api.ok, api.error, api.code, api.httpStatus], [false, 'api', 213006, 400]);
    assert.ok(api.logId);
    server.inject({ type: 'hang' });
    assert.equal(toCommandResult(await core.client.setBadge(badge())).error, 'timeout');
    server.inject({ type: 'reset' });
    assert.equal(toCommandResult(await core.client.setBadge(badge())).error, 'network');
    server.inject({ type: 'html', status: 200 });
    assert.equal(toCommandResult(await core.client.setBadge(badge())).error, 'invalid-response');
    const wrong = makeCore(server, { source: { kind: 'self-built', appId: SANDBOX_APP.appId, appSecret: 'bad' } });
    const token = toCommandResult(await wrong.client.setBadge(badge()));
    assert.deepEqual([token.error, token.stage, token.code, token.attempts], ['api', 'token', 10015, 0]);
    assert.equal(JSON.stringify(token).includes('bad'), false, 'the secret never appears in a result');
  });

  test('the log line names method, path, status, code, log ID, attempts and duration, never the token', async () => {
    server.setUserStatus('ou_hidden', 'invisible');
    const result = await makeCore(server).client.setBadge(badge({ user_id: 'ou_hidden' }));
    const line = formatResultLine('POST', '/open-apis/application/v6/app_badge/set', result);
    const logId = server.badgeRequests()[0]?.logId ?? 'missing';
    assert.match(line, /^POST \/open-apis\/application\/v6\/app_badge\/set 400 code=213007 /);
    assert.ok(line.includes(`logId=${logId}`));
    assert.match(line, /attempts=1 \d+ms/);
    for (const token of server.issuedTokens()) assert.equal(line.includes(token), false);
  });

  test('checkConnection: a self-built app fetches a fresh token every time', async () => {
    const core = makeCore(server);
    assert.deepEqual(await checkConnection(core.transport, core.tokens), { ok: true });
    assert.deepEqual(await checkConnection(core.transport, core.tokens), { ok: true });
    assert.equal(server.tokenRequests().length, 2);
    const wrong = makeCore(server, { source: { kind: 'self-built', appId: 'cli_nope', appSecret: 'x' } });
    const failed = await checkConnection(wrong.transport, wrong.tokens);
    assert.ok(!failed.ok && failed.failure.kind === 'api-error' && failed.failure.code === 99991543);
  });

  test('checkConnection: a pasted token is proven by the gateway without touching any badge', async () => {
    const good = (await (await fetch(`${server.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      body: JSON.stringify({ app_id: SANDBOX_APP.appId, app_secret: SANDBOX_APP.appSecret }),
    })).json()) as { tenant_access_token: string };
    const core = makeCore(server, { source: { kind: 'manual', token: good.tenant_access_token } });
    const ok = await checkConnection(core.transport, core.tokens);
    assert.equal(ok.ok, true);
    assert.equal(server.badgeOf(SANDBOX_APP.appId, ''), undefined);
    const stale = makeCore(server, { source: { kind: 'manual', token: 't-0000000000000000000000000000000000' } });
    const failed = await checkConnection(stale.transport, stale.tokens);
    assert.ok(!failed.ok && failed.failure.kind === 'api-error' && failed.failure.code === 99991663);
  });
});

describe('palette count shorthand', () => {
  test('one number sets the web-app badge on both clients; four set each field', () => {
    assert.deepEqual(parseCounts(' 3 '), { ok: true, pc: { web_app: 3 }, mobile: { web_app: 3 } });
    assert.deepEqual(parseCounts('1, 2 3，4'), { ok: true, pc: { web_app: 1, gadget: 2 }, mobile: { web_app: 3, gadget: 4 } });
  });
  test('one number means what the form means: the mini-program (gadget) count is left out of the body, not set to 0', () => {
    const parsed = parseCounts('3');
    assert.ok(parsed.ok);
    const validated = validateBadge({ user_id: 'ou_a', pc: parsed.pc, mobile: parsed.mobile });
    assert.ok(validated.ok);
    assert.deepEqual([validated.value.body.pc, validated.value.body.mobile], [{ web_app: 3 }, { web_app: 3 }]);
    assert.equal(JSON.stringify(validated.value.body).includes('gadget'), false);
    // Bulk paste: one set of counts for every pasted user, the same shape.
    const items = itemsForUsers('ou_a ou_b', { pc: parsed.pc, mobile: parsed.mobile });
    assert.deepEqual(items, [
      { user_id: 'ou_a', pc: { web_app: 3 }, mobile: { web_app: 3 } },
      { user_id: 'ou_b', pc: { web_app: 3 }, mobile: { web_app: 3 } },
    ]);
    // Four numbers still set the mini-program counts, zeros included.
    const four = parseCounts('0 0 0 0');
    assert.ok(four.ok);
    assert.deepEqual([four.pc, four.mobile], [{ web_app: 0, gadget: 0 }, { web_app: 0, gadget: 0 }]);
  });
  test('anything else is a format error; range is left to the schema', () => {
    for (const text of ['', 'a', '1 2', '1 2 3', '1.5', '1 2 3 4 5']) assert.deepEqual(parseCounts(text), { ok: false, id: 'counts.format' }, text);
    assert.deepEqual(parseCounts('-1'), { ok: true, pc: { web_app: -1 }, mobile: { web_app: -1 } });
  });
});
