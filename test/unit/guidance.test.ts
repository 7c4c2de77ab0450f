import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeResult, guidanceFor } from '../../src/core/guidance/guidance.ts';
import { SANDBOX_APP, badge, makeCore, valid, useFeishuServer } from '../support/core.ts';

// From a real failed call to the text a person reads: the result names the catalog entry,
// and the entry quotes the log ID the server sent, in both languages.
describe('guidance for real results', () => {
  const server = useFeishuServer();

  test('a success needs no guidance', async () => {
    assert.equal(describeResult(await makeCore(server).client.setBadge(badge())), undefined);
  });

  test('213007 (invisible user) points at the availability range and quotes the log ID', async () => {
    server.setUserStatus('ou_hidden', 'invisible');
    const result = await makeCore(server).client.setBadge(valid({ user_id: 'ou_hidden', pc: { web_app: 1 } }));
    const descriptor = describeResult(result);
    assert.ok(descriptor?.kind === 'api');
    const logId = server.badgeRequests()[0]?.logId ?? 'missing';
    for (const locale of ['en', 'zh-cn'] as const) {
      const guidance = guidanceFor(descriptor, locale);
      assert.equal(guidance.id, 'api.213007');
      assert.match(guidance.docUrl, /availability/);
      assert.ok(guidance.steps.at(-1)?.includes(logId), `${locale}: ${guidance.steps.at(-1)}`);
    }
    assert.match(guidanceFor(descriptor, 'zh-cn').title + guidanceFor(descriptor, 'zh-cn').explanation, /可用范围/);
  });

  test('a wrong App Secret surfaces as the token-endpoint code 10015', async () => {
    const core = makeCore(server, { source: { kind: 'self-built', appId: SANDBOX_APP.appId, appSecret: 'nope' } });
    const guidance = guidanceFor(describeResult(await core.client.setBadge(badge())) ?? { kind: 'cancelled' }, 'en');
    assert.equal(guidance.id, 'api.10015');
    assert.match(guidance.explanation + guidance.steps.join(' '), /App Secret/);
  });

  test('an HTML gateway page is an HTTP failure; broken JSON on 200 is an invalid response', async () => {
    const core = makeCore(server, { retry: { maxAttempts: 1 } });
    server.inject({ type: 'html', status: 502 });
    assert.equal(guidanceFor(describeResult(await core.client.setBadge(badge())) ?? { kind: 'cancelled' }, 'en').id, 'http.5xx');
    server.inject({ type: 'broken-json' });
    assert.equal(guidanceFor(describeResult(await core.client.setBadge(badge())) ?? { kind: 'cancelled' }, 'en').id, 'invalid-response');
  });

  test('a timeout names the timeout setting', async () => {
    const core = makeCore(server, { timeoutMs: 80, retry: { maxAttempts: 1 } });
    await core.tokens.getToken();
    server.inject({ type: 'hang' });
    const guidance = guidanceFor(describeResult(await core.client.setBadge(badge())) ?? { kind: 'cancelled' }, 'en');
    assert.equal(guidance.id, 'network.timeout');
    assert.match(guidance.steps.join(' '), /feishuBadge\.timeoutMs/);
  });

  test('an unknown code keeps the code, the server msg and the log ID', async () => {
    server.inject({ type: 'api-error', code: 1234567, msg: 'something new', httpStatus: 400 });
    const result = await makeCore(server).client.setBadge(badge());
    const en = guidanceFor(describeResult(result) ?? { kind: 'cancelled' }, 'en');
    const zh = guidanceFor(describeResult(result) ?? { kind: 'cancelled' }, 'zh-cn');
    const logId = server.badgeRequests()[0]?.logId ?? 'missing';
    for (const guidance of [en, zh]) {
      assert.equal(guidance.id, 'api.unknown');
      const text = [guidance.title, guidance.explanation, ...guidance.steps].join('\n');
      assert.match(text, /1234567/);
      assert.ok(text.includes(logId));
    }
    assert.match(en.explanation, /something new/);
  });
});
