// Issue 10 under a hostile or surprising server, and with inputs people really paste: the review's
// findings, each a test that failed before its fix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { diagnose } from '../../src/core/diagnose.ts';
import { findDepartmentMembers, resolveContacts } from '../../src/core/recipients.ts';
import { SANDBOX_APP, makeCore, useFeishuServer } from '../support/core.ts';
import { openIdFor } from '../support/feishuServer.ts';

/** A server that issues a token and answers every other call with `answer(path)`. */
async function rawServer(answer: (path: string, authorization: string) => unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const body = path.endsWith('/tenant_access_token/internal') ? { code: 0, msg: 'ok', tenant_access_token: 't-hostile0123456789abcdef', expire: 7200 } : answer(path, req.headers.authorization ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a hostile contact API', () => {
  test('status keys from the server are never copied: the token the server echoes as a key is not in the result', async () => {
    const server = await rawServer((_path, authorization) => ({
      code: 0,
      msg: 'success',
      data: { user_list: [{ email: 'ann@example.com', user_id: 'ou_1', status: { [authorization.replace('Bearer ', '')]: true, '<img src=x onerror=alert(1)>': 'x', is_frozen: true } }] },
    }));
    try {
      const { transport, tokens } = makeCore(server);
      const result = await resolveContacts(transport, tokens, { emails: ['ann@example.com'] });
      assert.deepEqual(result.users[0]?.status, { is_frozen: true });
      assert.ok(!JSON.stringify(result).includes('t-hostile'), JSON.stringify(result));
    } finally {
      await server.close();
    }
  });

  test('an answer without data.user_list is an unreadable answer, not "nobody found"', async () => {
    const server = await rawServer(() => ({ code: 0, msg: 'success', data: { user_list: { email: 'ann@example.com' } } }));
    try {
      const { transport, tokens } = makeCore(server);
      const result = await resolveContacts(transport, tokens, { emails: ['ann@example.com'] });
      assert.equal(result.ok, false);
      assert.equal(result.error, 'invalid-response');
      assert.deepEqual(result.notFound, []);
    } finally {
      await server.close();
    }
  });

  test('a page of 50 full contact records (about 90 KB) is read: the read APIs allow more than the badge call', async () => {
    const record = (i: number): Record<string, unknown> => ({ open_id: `ou_big_${i}`, name: `Person ${i}`, avatar: { avatar_72: `https://example.com/${'a'.repeat(400)}`, avatar_240: `https://example.com/${'b'.repeat(400)}`, avatar_640: `https://example.com/${'c'.repeat(400)}` }, custom_attrs: [{ value: 'x'.repeat(600) }] });
    const server = await rawServer(() => ({ code: 0, msg: 'success', data: { has_more: false, page_token: '', items: Array.from({ length: 50 }, (_, i) => record(i)) } }));
    try {
      const { transport, tokens } = makeCore(server);
      const result = await findDepartmentMembers(transport, tokens, { departmentId: 'od-big' });
      assert.equal(result.ok, true, JSON.stringify({ ...result, users: result.users.length }));
      assert.equal(result.users.length, 50);
    } finally {
      await server.close();
    }
  });

  test('department IDs that would be path segments are refused, and such child IDs are not followed', async () => {
    const seen: string[] = [];
    const server = await rawServer((path) => {
      seen.push(path);
      return path.endsWith('/children')
        ? { code: 0, msg: 'success', data: { has_more: false, items: [{ open_department_id: '..' }, { open_department_id: 'od-ok' }] } }
        : { code: 0, msg: 'success', data: { has_more: false, items: [] } };
    });
    try {
      const { transport, tokens } = makeCore(server);
      for (const departmentId of ['.', '..']) {
        assert.equal((await findDepartmentMembers(transport, tokens, { departmentId })).error, 'invalid-input');
      }
      assert.equal(seen.length, 0, 'nothing was asked');
      const result = await findDepartmentMembers(transport, tokens, { departmentId: 'od-root', recursive: true });
      assert.equal(result.ok, true);
      assert.ok(seen.every((path) => path.startsWith('/open-apis/contact/v3/')), JSON.stringify(seen));
      assert.ok(seen.includes('/open-apis/contact/v3/departments/od-ok/children'));
      assert.ok(!seen.some((path) => path.includes('/contact/v3/children') || path.includes('/departments/../')), JSON.stringify(seen));
    } finally {
      await server.close();
    }
  });

  test('members listed without the requested ID type are counted and the field scope named, not silently dropped', async () => {
    const server = await rawServer(() => ({ code: 0, msg: 'success', data: { has_more: false, items: [{ open_id: 'ou_a' }, { open_id: 'ou_b', user_id: 'u_b' }] } }));
    try {
      const { transport, tokens } = makeCore(server);
      const result = await findDepartmentMembers(transport, tokens, { departmentId: 'od-x', userIdType: 'user_id' });
      assert.deepEqual(result.users.map((u) => u.id), ['u_b']);
      assert.equal(result.withoutId, 1);
      assert.deepEqual(result.missingScopes, ['contact:user.employee_id:readonly']);
    } finally {
      await server.close();
    }
  });
});

describe('diagnosing what people really type', () => {
  const server = useFeishuServer();

  test('an email or a phone number in place of an ID says so and points to Find User IDs, and checks nothing about a person', async () => {
    server.addPerson({ userId: 'u_ann', email: 'ann@example.com' });
    for (const [value, kind] of [['ann@example.com', /email address/], ['+86 138 0000 0001', /phone number/]] as const) {
      const { transport, tokens } = makeCore(server);
      const result = await diagnose(transport, tokens, { userId: value, userIdType: 'open_id', appId: SANDBOX_APP.appId, locale: 'en', hasCredentials: true });
      const shape = result.checks.find((c) => c.id === 'id-shape');
      assert.equal(shape?.status, 'fail');
      assert.match(shape?.detail ?? '', kind);
      assert.match(shape?.fix ?? '', /Find User IDs/);
      assert.deepEqual(result.checks.filter((c) => c.id === 'person' || c.id === 'visibility').map((c) => c.status), ['skip', 'skip']);
      assert.equal(server.requests.filter((r) => r.path.includes('/visibility/')).length, 0);
    }
  });

  test('an ID nobody has for this app: visibility is not checked (its answer would send the user to the availability settings for no one)', async () => {
    server.addPerson({ userId: 'u_ann', email: 'ann@example.com' });
    const { transport, tokens } = makeCore(server);
    const result = await diagnose(transport, tokens, { userId: openIdFor('cli_someone_else', 'u_ann'), userIdType: 'open_id', appId: SANDBOX_APP.appId, locale: 'en', hasCredentials: true });
    assert.equal(result.checks.find((c) => c.id === 'id-shape')?.status, 'warn');
    assert.equal(result.checks.find((c) => c.id === 'visibility')?.status, 'skip');
    assert.equal(server.requests.filter((r) => r.path.includes('/visibility/')).length, 0);
  });
});

describe('a visibility answer that names one ID twice', () => {
  test('on the black list once is on it, whatever the order', async () => {
    const { readVisibilityList } = await import('../../src/core/preflight.ts');
    for (const list of [
      [{ user_id: 'ou_a', in_white_list: false, in_black_list: true }, { user_id: 'ou_a', in_white_list: true, in_black_list: false }],
      [{ user_id: 'ou_a', in_white_list: true, in_black_list: false }, { user_id: 'ou_a', in_white_list: false, in_black_list: true }],
    ]) {
      const entry = readVisibilityList({ data: { user_visibility_list: list } }).get('ou_a');
      assert.equal(entry?.inBlackList, true, JSON.stringify(list));
      assert.equal(entry?.inWhiteList, false, JSON.stringify(list));
    }
  });
});

describe('a read API answering more than its cap', () => {
  test('a 3 MiB page is not read: the lookup stops with a too-large answer, nothing found is invented', async () => {
    const server = await rawServer(() => ({ code: 0, msg: 'success', data: { has_more: false, items: [{ open_id: 'ou_a', name: 'x'.repeat(3 * 1024 * 1024) }] } }));
    try {
      const { transport, tokens } = makeCore(server);
      const result = await findDepartmentMembers(transport, tokens, { departmentId: 'od-huge' });
      assert.equal(result.ok, false);
      assert.equal(result.error, 'invalid-response');
      assert.deepEqual(result.users, []);
    } finally {
      await server.close();
    }
  });
});
