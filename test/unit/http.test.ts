import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createTransport } from '../../src/core/http.ts';
import { resolveBaseUrl } from '../../src/core/baseUrl.ts';
import { useFeishuServer } from '../support/core.ts';

describe('resolveBaseUrl', () => {
  test('named domains map to their hosts', () => {
    assert.deepEqual(resolveBaseUrl('feishu'), { ok: true, baseUrl: 'https://open.feishu.cn' });
    assert.deepEqual(resolveBaseUrl('lark'), { ok: true, baseUrl: 'https://open.larksuite.com' });
  });

  test('custom https bases are accepted, with a path kept and trailing slashes dropped', () => {
    assert.deepEqual(resolveBaseUrl('custom', 'https://feishu.corp.example/'), { ok: true, baseUrl: 'https://feishu.corp.example' });
    assert.deepEqual(resolveBaseUrl('custom', ' https://gw.example/feishu// '), { ok: true, baseUrl: 'https://gw.example/feishu' });
  });

  test('plain http only to loopback hosts', () => {
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:3000/', 'http://[::1]:9000', 'http://127.8.0.1']) {
      assert.equal(resolveBaseUrl('custom', url).ok, true, url);
    }
    for (const url of ['http://open.feishu.cn', 'http://10.0.0.5', 'http://localhost.evil.example']) {
      assert.deepEqual(resolveBaseUrl('custom', url), { ok: false, problem: 'insecure', input: url });
    }
  });

  test('other bad input names its problem', () => {
    assert.equal((resolveBaseUrl('custom', '') as { problem: string }).problem, 'empty');
    assert.equal((resolveBaseUrl('custom', undefined) as { problem: string }).problem, 'empty');
    assert.equal((resolveBaseUrl('custom', 'open.feishu.cn') as { problem: string }).problem, 'not-a-url');
    assert.equal((resolveBaseUrl('custom', 'ftp://x.example') as { problem: string }).problem, 'unsupported-protocol');
    assert.equal((resolveBaseUrl('custom', 'https://x.example/?a=1') as { problem: string }).problem, 'has-query-or-hash');
    assert.equal((resolveBaseUrl('custom', 'https://u:p@x.example') as { problem: string }).problem, 'has-credentials');
  });
});

describe('transport outcomes against the local Feishu-like server', () => {
  const server = useFeishuServer();

  const post = (timeoutMs = 2_000, signal?: AbortSignal) =>
    createTransport({ baseUrl: server.url, timeoutMs }).post(
      '/open-apis/application/v6/app_badge/set',
      { user_id: 'ou_x', version: '1', pc: { web_app: 1 } },
      { query: { user_id_type: 'open_id' }, headers: { authorization: 'Bearer t-nope' }, ...(signal ? { signal } : {}) },
    );

  test('an API error carries status, code, msg and the log ID header', async () => {
    const outcome = await post();
    assert.equal(outcome.kind, 'api-error');
    assert.ok(outcome.kind === 'api-error');
    assert.equal(outcome.httpStatus, 400);
    assert.equal(outcome.code, 99991663);
    assert.match(outcome.msg, /Invalid access token/);
    assert.equal(outcome.logId, server.requests.at(-1)?.logId);
  });

  test('the request goes out as JSON with the query and headers given', async () => {
    await post();
    const request = server.requests.at(-1);
    assert.equal(request?.method, 'POST');
    assert.equal(request?.query.user_id_type, 'open_id');
    assert.equal(request?.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(request?.body, { user_id: 'ou_x', version: '1', pc: { web_app: 1 } });
  });

  test('rate-limit headers are read from a 429', async () => {
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-reset': '7', 'x-ogw-ratelimit-limit': '50' } });
    const outcome = await post();
    assert.ok(outcome.kind === 'api-error');
    assert.equal(outcome.rateLimitResetSeconds, 7);
    assert.equal(outcome.rateLimitLimit, 50);
  });

  test('a hanging server becomes a timeout', async () => {
    server.inject({ type: 'hang' });
    const started = performance.now();
    const outcome = await post(150);
    assert.deepEqual(outcome.kind === 'network' && outcome.reason, 'timeout');
    assert.ok(performance.now() - started < 2_000);
  });

  test('a reset socket becomes a reset network failure', async () => {
    server.inject({ type: 'reset' });
    const outcome = await post();
    assert.equal(outcome.kind, 'network');
    assert.ok(outcome.kind === 'network');
    assert.equal(outcome.reason, 'reset');
  });

  test('an HTML page becomes an invalid response with status and a short snippet', async () => {
    server.inject({ type: 'html', status: 502 });
    const outcome = await post();
    assert.ok(outcome.kind === 'invalid-response', JSON.stringify(outcome));
    assert.equal(outcome.httpStatus, 502);
    assert.match(outcome.snippet, /<html|<!DOCTYPE/i);
    assert.ok(outcome.snippet.length <= 200);
    assert.match(outcome.contentType ?? '', /text\/html/);
    assert.ok(outcome.logId);
  });

  test('broken JSON becomes an invalid response', async () => {
    server.inject({ type: 'broken-json' });
    const outcome = await post();
    assert.ok(outcome.kind === 'invalid-response');
    assert.equal(outcome.httpStatus, 200);
  });

  test('a 5xx with a Feishu body stays an API error with its status', async () => {
    server.inject({ type: 'status', status: 503 });
    const outcome = await post();
    assert.ok(outcome.kind === 'api-error');
    assert.equal(outcome.httpStatus, 503);
  });

  test('aborting mid-request returns cancelled, and an already-aborted signal sends nothing', async () => {
    server.inject({ type: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    assert.deepEqual(await post(5_000, controller.signal), { kind: 'cancelled' });
    const before = server.requests.length;
    assert.deepEqual(await post(5_000, AbortSignal.abort()), { kind: 'cancelled' });
    assert.equal(server.requests.length, before);
  });
});

describe('transport network failures', () => {
  test('a closed port is "refused"', async () => {
    // Bind then close to get a port nothing listens on.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const outcome = await createTransport({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2_000 }).post('/x', {});
    assert.deepEqual(outcome, { kind: 'network', reason: 'refused', detail: 'ECONNREFUSED' });
  });

  test('DNS and TLS failures are told apart by the system error code', async () => {
    // These hosts must never be contacted from here, so the failure undici raises is replayed.
    const failing = (code: string): typeof fetch => async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    };
    const outcome = (code: string) => createTransport({ baseUrl: 'https://open.feishu.cn', timeoutMs: 1_000, fetch: failing(code) }).post('/x', {});
    assert.deepEqual(await outcome('ENOTFOUND'), { kind: 'network', reason: 'dns', detail: 'ENOTFOUND' });
    assert.deepEqual(await outcome('EAI_AGAIN'), { kind: 'network', reason: 'dns', detail: 'EAI_AGAIN' });
    assert.deepEqual(await outcome('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), { kind: 'network', reason: 'tls', detail: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    assert.deepEqual(await outcome('ECONNRESET'), { kind: 'network', reason: 'reset', detail: 'ECONNRESET' });
  });
});
