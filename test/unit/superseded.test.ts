// Issue 11 §3: a send whose version was overtaken by a newer local send for the same user is not
// bumped and re-sent after 213001/213002; it ends `superseded`. Today a slow "set 5" answered with a
// conflict is bumped above a later "clear" and overwrites it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { guidanceFor, describeResult } from '../../src/core/guidance/guidance.ts';
import { toCommandResult } from '../../src/core/result.ts';
import { SANDBOX_APP, USER, makeCore, useFeishuServer, valid } from '../support/core.ts';
import type { FeishuServer } from '../support/feishuServer.ts';

const SET_5 = valid({ user_id: USER, pc: { web_app: 5, gadget: 0 }, mobile: { web_app: 5, gadget: 0 } });
const CLEAR = valid({ user_id: USER, pc: { web_app: 0, gadget: 0 }, mobile: { web_app: 0, gadget: 0 } });

async function untilReceived(server: FeishuServer, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (server.badgeRequests().length < count) {
    if (Date.now() > deadline) throw new Error(`the server never received ${count} badge requests`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a send overtaken by a newer local send ends superseded', () => {
  const server = useFeishuServer();

  test('slow "set 5", then "clear" succeeds meanwhile: "set 5" is superseded and not re-sent; the server keeps the clear', async () => {
    const core = makeCore(server);
    await core.tokens.getToken();
    server.inject({ type: 'delay', ms: 300 }); // the first badge request waits before the server looks at it
    const slow = core.client.setBadge(SET_5);
    await untilReceived(server, 1);
    const clear = await core.client.setBadge(CLEAR);
    assert.equal(clear.kind, 'success', JSON.stringify(clear));

    const result = await slow;
    assert.equal(result.kind, 'superseded', `the slow send ended ${result.kind}`);
    assert.equal(result.attempts, 1);
    assert.deepEqual(result.retries, []);
    assert.ok(BigInt(result.version) < BigInt(clear.version));
    assert.equal(server.badgeRequests().length, 2, 'something was re-sent');
    assert.deepEqual(server.badgeOf(SANDBOX_APP.appId, USER), { pc: { web_app: 0, gadget: 0 }, mobile: { web_app: 0, gadget: 0 } });
    assert.equal(server.lastVersion(SANDBOX_APP.appId, USER, 'pc'), clear.version);

    // What callers see: not ok, error 'superseded', the conflict the server answered, and guidance in both languages.
    assert.ok(result.kind === 'superseded');
    assert.equal(result.cause.code, 213001);
    assert.equal(result.newerVersion, clear.version);
    const command = toCommandResult(result);
    assert.equal(command.ok, false);
    assert.equal(command.error, 'superseded');
    assert.equal(command.stage, 'badge');
    assert.equal(command.code, 213001);
    assert.equal(command.version, result.version);
    const descriptor = describeResult(result);
    assert.deepEqual(descriptor, { kind: 'superseded' });
    const en = guidanceFor({ kind: 'superseded' }, 'en');
    const zh = guidanceFor({ kind: 'superseded' }, 'zh-cn');
    assert.equal(en.id, 'superseded');
    assert.equal(en.retryable, false);
    assert.match(en.explanation, /newer badge for this user was sent after this one/);
    assert.match(zh.explanation, /[\u4e00-\u9fff]/);
    assert.notEqual(zh.title, en.title);
  });

  test('a conflict with no newer local send is still answered with one newer version (another writer)', async () => {
    const core = makeCore(server);
    server.inject({ type: 'api-error', code: 213001, msg: 'pc version conflict' });
    const result = await core.client.setBadge(SET_5);
    assert.equal(result.kind, 'success');
    assert.equal(result.attempts, 2);
    assert.deepEqual(result.retries.map((r) => r.reason), ['version-conflict']);
  });

  test('a newer local send that has reserved its version but not reached the server yet also supersedes', async () => {
    const core = makeCore(server);
    await core.tokens.getToken();
    // Both are held back before the server looks at them: the first for 300 ms, the second for 600 ms.
    server.inject({ type: 'delay', ms: 300 });
    server.inject({ type: 'delay', ms: 600 });
    const slow = core.client.setBadge(SET_5);
    await untilReceived(server, 1);
    const newer = core.client.setBadge(CLEAR);
    await untilReceived(server, 2);
    // Meanwhile another writer stores a version far ahead, so both get a conflict.
    const other = makeCore(server);
    const ahead = await other.client.setBadge(valid({ user_id: USER, pc: { web_app: 9 }, mobile: { web_app: 9 }, version: '9000000000000' }));
    assert.equal(ahead.kind, 'success');

    const first = await slow;
    assert.equal(first.kind, 'superseded', `the first ended ${first.kind}`);
    assert.equal(first.attempts, 1);
    // The newest local send answers the other writer as before: one newer version, then the conflict is final.
    const second = await newer;
    assert.ok(second.kind === 'api-error' && second.code === 213001, second.kind);
    assert.equal(second.attempts, 2);
    assert.equal(server.badgeRequests().length, 4);
  });
});
