import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  BADGE_PATH,
  DEFAULT_APP,
  LOG_ID_PATTERN,
  TOKEN_PATH,
  startFeishuServer,
} from '../support/feishuServer.ts';
import type { AppConfig, FeishuServer } from '../support/feishuServer.ts';

interface ApiBody {
  code?: number;
  msg?: string;
  tenant_access_token?: string;
  expire?: number;
  data?: unknown;
  error?: { log_id?: string; field_violations?: { field: string; description: string }[] };
}

interface Res {
  status: number;
  headers: Headers;
  text: string;
  body: ApiBody | undefined;
  logId: string | null;
}

function tryJson(text: string): ApiBody | undefined {
  try {
    return JSON.parse(text) as ApiBody;
  } catch {
    return undefined;
  }
}

async function call(url: string, init: RequestInit = {}): Promise<Res> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: tryJson(text), logId: response.headers.get('x-tt-logid') };
}

function requestToken(server: FeishuServer, payload: unknown, raw?: string): Promise<Res> {
  return call(server.url + TOKEN_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: raw ?? JSON.stringify(payload),
  });
}

async function tokenFor(server: FeishuServer, app: AppConfig = DEFAULT_APP): Promise<string> {
  const res = await requestToken(server, { app_id: app.appId, app_secret: app.appSecret });
  assert.equal(res.body?.code, 0, res.text);
  const token = res.body?.tenant_access_token;
  assert.ok(typeof token === 'string');
  return token;
}

function setBadge(server: FeishuServer, token: string | undefined, payload: unknown, options: { query?: string; raw?: string; authorization?: string } = {}): Promise<Res> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  else if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return call(`${server.url}${BADGE_PATH}${options.query ?? ''}`, {
    method: 'POST',
    headers,
    body: options.raw ?? JSON.stringify(payload),
  });
}

function assertError(res: Res, status: number, code: number, msgIncludes?: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.code, code, res.text);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.ok(res.logId !== null && LOG_ID_PATTERN.test(res.logId), `log id ${res.logId}`);
  assert.equal(res.body?.error?.log_id, res.logId);
  if (msgIncludes !== undefined) assert.ok(res.body?.msg?.includes(msgIncludes), `msg "${res.body?.msg}" lacks "${msgIncludes}"`);
}

function assertOk(res: Res): void {
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { code: 0, msg: 'success', data: {} });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let userSeq = 0;
const freshUser = (): string => `ou_user${++userSeq}`;

describe('token endpoint', () => {
  let server: FeishuServer;
  before(async () => {
    server = await startFeishuServer({
      apps: [DEFAULT_APP, { appId: 'cli_other', appSecret: 'other-secret' }, { appId: 'cli_off', appSecret: 'off-secret', disabled: true }],
    });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it('issues a t- token of the default length with expire 7200', async () => {
    const res = await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.body?.code, 0);
    assert.equal(res.body?.msg, 'ok');
    assert.equal(res.body?.expire, 7200);
    assert.match(res.body?.tenant_access_token ?? '', /^t-[0-9a-f]{34}$/);
    assert.deepEqual(server.issuedTokens(), [res.body?.tenant_access_token]);
  });

  it('returns the same token with the remaining seconds while more than 30 min are left', async () => {
    const first = await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret });
    const second = await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret });
    assert.equal(second.body?.tenant_access_token, first.body?.tenant_access_token);
    assert.ok((second.body?.expire ?? 0) <= 7200 && (second.body?.expire ?? 0) >= 7199);
    assert.equal(server.issuedTokens().length, 1);
  });

  it('issues separate tokens per app', async () => {
    const a = await tokenFor(server);
    const b = await tokenFor(server, { appId: 'cli_other', appSecret: 'other-secret' });
    assert.notEqual(a, b);
  });

  it('issues a new token when 30 min or less are left, and the old one stays valid', async () => {
    server.setTokenExpireSeconds(1800);
    const first = await tokenFor(server);
    const second = await tokenFor(server);
    assert.notEqual(first, second);
    assertOk(await setBadge(server, first, { user_id: 'ou_a', version: '1', pc: { web_app: 1 } }));
    assertOk(await setBadge(server, second, { user_id: 'ou_a', version: '2', pc: { web_app: 1 } }));
  });

  const invalidParams: [string, unknown, string | undefined][] = [
    ['non-JSON body', undefined, 'app_id=x&app_secret=y'],
    ['JSON array', [DEFAULT_APP.appId, DEFAULT_APP.appSecret], undefined],
    ['missing app_secret', { app_id: DEFAULT_APP.appId }, undefined],
    ['missing app_id', { app_secret: DEFAULT_APP.appSecret }, undefined],
    ['non-string app_id', { app_id: 42, app_secret: DEFAULT_APP.appSecret }, undefined],
    ['empty body', undefined, ''],
  ];
  for (const [name, payload, raw] of invalidParams) {
    it(`answers 400 / 10003 for ${name}`, async () => {
      assertError(await requestToken(server, payload, raw), 400, 10003, 'invalid param');
      assert.equal(server.issuedTokens().length, 0);
    });
  }

  it('answers 99991543 for an unknown app_id', async () => {
    assertError(await requestToken(server, { app_id: 'cli_nope', app_secret: 'x' }), 400, 99991543, 'app id not exists');
  });

  it('answers 10015 for a wrong secret', async () => {
    assertError(await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: 'wrong' }), 400, 10015, 'app secret invalid');
  });

  it('answers 10014 for a disabled app, also when disabled at runtime', async () => {
    assertError(await requestToken(server, { app_id: 'cli_off', app_secret: 'off-secret' }), 400, 10014, 'app unauthorized');
    server.setAppDisabled('cli_other', true);
    assertError(await requestToken(server, { app_id: 'cli_other', app_secret: 'other-secret' }), 400, 10014);
    server.setAppDisabled('cli_other', false);
    assert.equal((await requestToken(server, { app_id: 'cli_other', app_secret: 'other-secret' })).body?.code, 0);
  });

  it('rejects a revoked token with 99991663 and then issues a new one', async () => {
    const token = await tokenFor(server);
    server.revokeToken(token);
    assertError(await setBadge(server, token, { user_id: 'ou_a', version: '1', pc: {} }), 400, 99991663, 'Invalid access token');
    const next = await tokenFor(server);
    assert.notEqual(next, token);
    assertOk(await setBadge(server, next, { user_id: 'ou_a', version: '1', pc: {} }));
  });

  it('revokeAllTokens invalidates every token', async () => {
    const a = await tokenFor(server);
    const b = await tokenFor(server, { appId: 'cli_other', appSecret: 'other-secret' });
    server.revokeAllTokens();
    assertError(await setBadge(server, a, { user_id: 'ou_a', version: '1', pc: {} }), 400, 99991663);
    assertError(await setBadge(server, b, { user_id: 'ou_a', version: '1', pc: {} }), 400, 99991663);
  });

  it('expires tokens after setTokenExpireSeconds', async () => {
    server.setTokenExpireSeconds(1);
    const res = await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret });
    assert.equal(res.body?.expire, 1);
    const token = res.body?.tenant_access_token ?? '';
    assertOk(await setBadge(server, token, { user_id: 'ou_a', version: '1', pc: {} }));
    await sleep(1050);
    assertError(await setBadge(server, token, { user_id: 'ou_a', version: '2', pc: {} }), 400, 99991663);
  });
});

describe('token options', () => {
  it('issues JWT-sized tokens when tokenLength is large, and accepts them', async () => {
    const server = await startFeishuServer({ tokenLength: 4096 });
    try {
      const token = await tokenFor(server);
      assert.equal(token.length, 4096);
      assert.match(token, /^t-[0-9a-f]+$/);
      assertOk(await setBadge(server, token, { user_id: 'ou_a', version: '1', mobile: { gadget: 2 } }));
    } finally {
      await server.close();
    }
  });

  it('uses tokenExpireSeconds from the options and restores it on reset()', async () => {
    const server = await startFeishuServer({ tokenExpireSeconds: 600 });
    try {
      server.setTokenExpireSeconds(5000);
      server.reset();
      const res = await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret });
      assert.equal(res.body?.expire, 600);
    } finally {
      await server.close();
    }
  });
});

describe('badge authorization', () => {
  let server: FeishuServer;
  before(async () => {
    server = await startFeishuServer();
  });
  after(() => server.close());

  const payload = { user_id: 'ou_a', version: '1', pc: { web_app: 1 } };

  it('answers 99991661 without an Authorization header', async () => {
    assertError(await setBadge(server, undefined, payload), 400, 99991661, 'Missing access token');
  });

  it('answers 99991661 for a non-Bearer scheme or an empty bearer', async () => {
    assertError(await setBadge(server, undefined, payload, { authorization: 'Basic dXNlcjpwYXNz' }), 400, 99991661);
    assertError(await setBadge(server, undefined, payload, { authorization: 'Bearer ' }), 400, 99991661);
  });

  it('answers 99991671 for a token that is neither t- nor JWT-shaped', async () => {
    assertError(await setBadge(server, 'u-user-token', payload), 400, 99991671);
    assertError(await setBadge(server, 'abcdef', payload), 400, 99991671);
  });

  it('answers 99991663 for well-formed but unknown tokens', async () => {
    assertError(await setBadge(server, 't-0123456789abcdef', payload), 400, 99991663);
    assertError(await setBadge(server, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', payload), 400, 99991663);
  });

  it('accepts a JWT registered with addToken', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJhcHAiOiJjbGkifQ.c2lnbmF0dXJl';
    server.addToken(jwt, DEFAULT_APP.appId, 60);
    assertOk(await setBadge(server, jwt, payload));
    assert.deepEqual(server.badgeOf(DEFAULT_APP.appId, 'ou_a'), { pc: { web_app: 1, gadget: 0 } });
  });
});

describe('badge validation', () => {
  let server: FeishuServer;
  let token: string;
  before(async () => {
    server = await startFeishuServer();
    token = await tokenFor(server);
  });
  after(() => server.close());

  const cases: { name: string; payload?: unknown; raw?: string; query?: string; code: number; msg: string }[] = [
    { name: 'non-JSON body', raw: 'user_id=ou_a', code: 99992402, msg: 'field validation failed' },
    { name: 'JSON array body', payload: [1, 2], code: 99992402, msg: 'field validation failed' },
    { name: 'JSON string body', payload: 'hello', code: 99992402, msg: 'field validation failed' },
    { name: 'unknown user_id_type', query: '?user_id_type=email', payload: { user_id: 'ou_a', version: '1', pc: {} }, code: 99992402, msg: 'user_id_type' },
    { name: 'empty user_id_type', query: '?user_id_type=', payload: { user_id: 'ou_a', version: '1', pc: {} }, code: 99992402, msg: 'user_id_type' },
    { name: 'missing user_id', payload: { version: '1', pc: {} }, code: 99992402, msg: 'user_id' },
    { name: 'empty user_id', payload: { user_id: '', version: '1', pc: {} }, code: 99992402, msg: 'user_id' },
    { name: 'numeric user_id', payload: { user_id: 12, version: '1', pc: {} }, code: 99992402, msg: 'user_id' },
    { name: 'missing version', payload: { user_id: 'ou_a', pc: {} }, code: 99992402, msg: 'version' },
    { name: 'numeric version', payload: { user_id: 'ou_a', version: 1, pc: {} }, code: 99992402, msg: 'version' },
    { name: 'non-string extra', payload: { user_id: 'ou_a', version: '1', extra: {}, pc: {} }, code: 99992402, msg: 'extra' },
    { name: 'null extra', payload: { user_id: 'ou_a', version: '1', extra: null, pc: {} }, code: 99992402, msg: 'extra' },
    { name: 'string pc', payload: { user_id: 'ou_a', version: '1', pc: '1' }, code: 99992402, msg: 'pc' },
    { name: 'null pc', payload: { user_id: 'ou_a', version: '1', pc: null }, code: 99992402, msg: 'pc' },
    { name: 'array mobile', payload: { user_id: 'ou_a', version: '1', mobile: [1] }, code: 99992402, msg: 'mobile' },
    { name: 'negative count', payload: { user_id: 'ou_a', version: '1', pc: { web_app: -1 } }, code: 99992402, msg: 'pc.web_app' },
    { name: 'fractional count', payload: { user_id: 'ou_a', version: '1', pc: { gadget: 1.5 } }, code: 99992402, msg: 'pc.gadget' },
    { name: 'count above int32', payload: { user_id: 'ou_a', version: '1', mobile: { web_app: 2147483648 } }, code: 99992402, msg: 'mobile.web_app' },
    { name: 'string count', payload: { user_id: 'ou_a', version: '1', mobile: { gadget: '3' } }, code: 99992402, msg: 'mobile.gadget' },
    { name: 'no pc and no mobile', payload: { user_id: 'ou_a', version: '1', extra: '{}' }, code: 213003, msg: 'no data' },
    { name: 'non-digit version', payload: { user_id: 'ou_a', version: 'v1', pc: {} }, code: 213005, msg: 'invalid version' },
    { name: 'decimal version', payload: { user_id: 'ou_a', version: '12.5', pc: {} }, code: 213005, msg: 'invalid version' },
    { name: 'empty version', payload: { user_id: 'ou_a', version: '', pc: {} }, code: 213005, msg: 'invalid version' },
    { name: '20-digit version', payload: { user_id: 'ou_a', version: '12345678901234567890', pc: {} }, code: 213005, msg: 'invalid version' },
    { name: 'version above int64', payload: { user_id: 'ou_a', version: '9223372036854775808', pc: {} }, code: 213005, msg: 'invalid version' },
    { name: 'open_id without ou_', payload: { user_id: 'on_a', version: '1', pc: {} }, code: 99992351, msg: 'open_id not exist' },
    { name: 'union_id without on_', query: '?user_id_type=union_id', payload: { user_id: 'ou_a', version: '1', pc: {} }, code: 99992363, msg: 'union_id not exist' },
    { name: 'open_id sent as user_id', query: '?user_id_type=user_id', payload: { user_id: 'ou_a', version: '1', pc: {} }, code: 99992360, msg: 'user_id not exist' },
  ];
  for (const c of cases) {
    it(`answers ${c.code} for ${c.name}`, async () => {
      const options: { query?: string; raw?: string } = {};
      if (c.query !== undefined) options.query = c.query;
      if (c.raw !== undefined) options.raw = c.raw;
      const res = await setBadge(server, token, c.payload, options);
      assertError(res, 400, c.code, c.msg);
      assert.equal(server.badgeOf(DEFAULT_APP.appId, 'ou_a'), undefined);
      assert.equal(server.requests.at(-1)?.code, c.code);
    });
  }

  it('lists field violations in error.field_violations', async () => {
    const res = await setBadge(server, token, { user_id: 'ou_a', version: 2, pc: { web_app: -1 } });
    assertError(res, 400, 99992402, 'field validation failed: version');
    assert.deepEqual(res.body?.error?.field_violations?.map((v) => v.field), ['version', 'pc.web_app']);
  });

  it('accepts the count bounds 0 and 2147483647 and defaults missing counts to 0', async () => {
    const user = freshUser();
    assertOk(await setBadge(server, token, { user_id: user, version: '1', pc: { web_app: 2147483647, gadget: 0 }, mobile: {} }));
    assert.deepEqual(server.badgeOf(DEFAULT_APP.appId, user), { pc: { web_app: 2147483647, gadget: 0 }, mobile: { web_app: 0, gadget: 0 } });
  });

  it('accepts union_id and user_id with matching ids, stored apart from open_id', async () => {
    assertOk(await setBadge(server, token, { user_id: 'on_u1', version: '5', pc: { web_app: 1 } }, { query: '?user_id_type=union_id' }));
    assertOk(await setBadge(server, token, { user_id: 'emp_001', version: '5', mobile: { gadget: 4 } }, { query: '?user_id_type=user_id' }));
    assertOk(await setBadge(server, token, { user_id: 'ou_u1', version: '5', pc: { web_app: 2 } }, { query: '?user_id_type=open_id' }));
    assert.equal(server.lastVersion(DEFAULT_APP.appId, 'on_u1', 'pc', 'union_id'), '5');
    assert.equal(server.lastVersion(DEFAULT_APP.appId, 'emp_001', 'mobile', 'user_id'), '5');
    assert.equal(server.lastVersion(DEFAULT_APP.appId, 'ou_u1', 'pc'), '5');
    assert.equal(server.lastVersion(DEFAULT_APP.appId, 'on_u1', 'pc'), undefined);
    assert.deepEqual(server.badgeOf(DEFAULT_APP.appId, 'emp_001', 'user_id'), { mobile: { web_app: 0, gadget: 4 } });
  });

  it('answers 213006 for an inactive user and 213007 for an invisible one, until set back to ok', async () => {
    server.setUserStatus('ou_left', 'inactive');
    server.setUserStatus('ou_hidden', 'invisible');
    assertError(await setBadge(server, token, { user_id: 'ou_left', version: '1', pc: {} }), 400, 213006, 'user status not valid');
    assertError(await setBadge(server, token, { user_id: 'ou_hidden', version: '1', pc: {} }), 400, 213007, 'user is invisible');
    server.setUserStatus('ou_hidden', 'ok');
    assertOk(await setBadge(server, token, { user_id: 'ou_hidden', version: '1', pc: {} }));
  });
});

describe('badge versions and stored state', () => {
  let server: FeishuServer;
  let token: string;
  before(async () => {
    server = await startFeishuServer();
    token = await tokenFor(server);
  });
  after(() => server.close());

  it('tracks versions per platform and checks pc before mobile', async () => {
    const user = freshUser();
    const write = (version: string, body: Record<string, unknown>): Promise<Res> => setBadge(server, token, { user_id: user, version, ...body });
    assertOk(await write('100', { pc: { web_app: 1 } }));
    assertError(await write('100', { pc: { web_app: 2 } }), 400, 213001, 'pc version conflict');
    assertError(await write('99', { pc: { web_app: 2 } }), 400, 213001);
    assertOk(await write('200', { mobile: { web_app: 3 } }));
    assertError(await write('200', { mobile: { web_app: 4 } }), 400, 213002, 'mobile version conflict');
    assertError(await write('50', { pc: {}, mobile: {} }), 400, 213001);
    assertError(await write('150', { pc: { web_app: 9 }, mobile: { web_app: 9 } }), 400, 213002);
    // A rejected write changes nothing, not even the platform that was fine.
    assert.equal(server.lastVersion(DEFAULT_APP.appId, user, 'pc'), '100');
    assert.equal(server.lastVersion(DEFAULT_APP.appId, user, 'mobile'), '200');
    assert.deepEqual(server.badgeOf(DEFAULT_APP.appId, user), { pc: { web_app: 1, gadget: 0 }, mobile: { web_app: 3, gadget: 0 } });
    assertOk(await write('201', { pc: { gadget: 5 }, mobile: { web_app: 6 } }));
    assert.equal(server.lastVersion(DEFAULT_APP.appId, user, 'pc'), '201');
    assert.equal(server.lastVersion(DEFAULT_APP.appId, user, 'mobile'), '201');
    assert.deepEqual(server.badgeOf(DEFAULT_APP.appId, user), { pc: { web_app: 0, gadget: 5 }, mobile: { web_app: 6, gadget: 0 } });
  });

  it('stores both platforms and extra on a newer version', async () => {
    const user = freshUser();
    assertOk(await setBadge(server, token, { user_id: user, version: '1664360599355', extra: '{"k":1}', pc: { web_app: 1, gadget: 2 }, mobile: { web_app: 3, gadget: 4 } }));
    assertOk(await setBadge(server, token, { user_id: user, version: '1664360599356', mobile: { web_app: 0 } }));
    assert.equal(server.lastVersion(DEFAULT_APP.appId, user, 'pc'), '1664360599355');
    assert.equal(server.lastVersion(DEFAULT_APP.appId, user, 'mobile'), '1664360599356');
    assert.deepEqual(server.badgeOf(DEFAULT_APP.appId, user), {
      pc: { web_app: 1, gadget: 2 },
      mobile: { web_app: 0, gadget: 0 },
      extra: '{"k":1}',
    });
  });

  it('compares versions as 64-bit integers, beyond double precision', async () => {
    const user = freshUser();
    assertOk(await setBadge(server, token, { user_id: user, version: '9007199254740992', pc: {} }));
    assertOk(await setBadge(server, token, { user_id: user, version: '9007199254740993', pc: {} }));
    assertError(await setBadge(server, token, { user_id: user, version: '9007199254740993', pc: {} }), 400, 213001);
    assertOk(await setBadge(server, token, { user_id: user, version: '9223372036854775807', pc: {} }));
  });

  it('keeps versions per user and per app', async () => {
    const other: AppConfig = { appId: 'cli_two', appSecret: 's2' };
    const twoApps = await startFeishuServer({ apps: [DEFAULT_APP, other] });
    try {
      const t1 = await tokenFor(twoApps);
      const t2 = await tokenFor(twoApps, other);
      assertOk(await setBadge(twoApps, t1, { user_id: 'ou_same', version: '10', pc: { web_app: 1 } }));
      assertOk(await setBadge(twoApps, t2, { user_id: 'ou_same', version: '5', pc: { web_app: 7 } }));
      assertOk(await setBadge(twoApps, t1, { user_id: 'ou_else', version: '1', pc: {} }));
      assert.equal(twoApps.lastVersion(DEFAULT_APP.appId, 'ou_same', 'pc'), '10');
      assert.equal(twoApps.lastVersion('cli_two', 'ou_same', 'pc'), '5');
      assert.deepEqual(twoApps.badgeOf('cli_two', 'ou_same'), { pc: { web_app: 7, gadget: 0 } });
    } finally {
      await twoApps.close();
    }
  });

  it('returns undefined for users never written', () => {
    assert.equal(server.badgeOf(DEFAULT_APP.appId, 'ou_never'), undefined);
    assert.equal(server.lastVersion(DEFAULT_APP.appId, 'ou_never', 'pc'), undefined);
  });
});

describe('per-user write lock', () => {
  let server: FeishuServer;
  let token: string;
  before(async () => {
    server = await startFeishuServer({ badgeLatencyMs: 300 });
    token = await tokenFor(server);
  });
  after(() => server.close());

  it('answers 213004 at once to a second write for a user being written', async () => {
    const order: string[] = [];
    const user = freshUser();
    const started = Date.now();
    const first = setBadge(server, token, { user_id: user, version: '1', pc: { web_app: 1 } }).then((r) => {
      order.push('first');
      return r;
    });
    await sleep(50);
    const second = setBadge(server, token, { user_id: user, version: '2', pc: { web_app: 2 } }).then((r) => {
      order.push('second');
      return r;
    });
    const [a, b] = await Promise.all([first, second]);
    assertOk(a);
    assertError(b, 400, 213004, 'set same user data concurrently');
    assert.deepEqual(order, ['second', 'first']);
    assert.ok(Date.now() - started >= 290);
    assert.equal(server.lastVersion(DEFAULT_APP.appId, user, 'pc'), '1');
    // The lock is released once the first write is answered.
    assertOk(await setBadge(server, token, { user_id: user, version: '2', pc: { web_app: 2 } }));
  });

  it('lets writes for different users run concurrently', async () => {
    server.setBadgeLatency(200);
    const started = Date.now();
    const results = await Promise.all([freshUser(), freshUser(), freshUser()].map((user) => setBadge(server, token, { user_id: user, version: '1', pc: {} })));
    for (const res of results) assertOk(res);
    assert.ok(Date.now() - started < 550, 'writes for different users were serialised');
  });

  it('locks per user_id_type: the same id under another type is another user', async () => {
    server.setBadgeLatency(200);
    const [a, b] = await Promise.all([
      setBadge(server, token, { user_id: 'emp_x', version: '1', pc: {} }, { query: '?user_id_type=user_id' }),
      setBadge(server, token, { user_id: 'ou_emp_x', version: '1', pc: {} }),
    ]);
    assertOk(a);
    assertOk(b);
  });
});

describe('rate limit', () => {
  it('answers 429 / 99991400 with x-ogw-ratelimit headers beyond the limit', async () => {
    const server = await startFeishuServer({ rateLimit: { limit: 3, windowMs: 2000 } });
    try {
      const token = await tokenFor(server);
      for (let i = 1; i <= 3; i++) {
        const res = await setBadge(server, token, { user_id: 'ou_rl', version: String(i), pc: {} });
        assertOk(res);
        assert.equal(res.headers.get('x-ogw-ratelimit-limit'), '3');
      }
      const limited = await setBadge(server, token, { user_id: 'ou_rl', version: '4', pc: {} });
      assertError(limited, 429, 99991400, 'request trigger frequency limit');
      assert.equal(limited.headers.get('x-ogw-ratelimit-limit'), '3');
      const resetSeconds = Number(limited.headers.get('x-ogw-ratelimit-reset'));
      assert.ok(Number.isInteger(resetSeconds) && resetSeconds >= 1 && resetSeconds <= 2, `reset ${resetSeconds}`);
      assert.equal(server.lastVersion(DEFAULT_APP.appId, 'ou_rl', 'pc'), '3');
    } finally {
      await server.close();
    }
  });

  it('counts only token-valid badge calls, per app, and opens a new window after windowMs', async () => {
    const other: AppConfig = { appId: 'cli_b', appSecret: 'b' };
    const server = await startFeishuServer({ apps: [DEFAULT_APP, other], rateLimit: { limit: 1, windowMs: 250 } });
    try {
      const token = await tokenFor(server);
      await tokenFor(server);
      assertError(await setBadge(server, 't-bogus', { user_id: 'ou_a', version: '1', pc: {} }), 400, 99991663);
      assertError(await setBadge(server, undefined, { user_id: 'ou_a', version: '1', pc: {} }), 400, 99991661);
      assertOk(await setBadge(server, token, { user_id: 'ou_a', version: '1', pc: {} }));
      const limited = await setBadge(server, token, { user_id: 'ou_a', version: '2', pc: {} });
      assertError(limited, 429, 99991400);
      assert.equal(limited.headers.get('x-ogw-ratelimit-reset'), '1');
      assertOk(await setBadge(server, await tokenFor(server, other), { user_id: 'ou_a', version: '1', pc: {} }));
      await sleep(300);
      assertOk(await setBadge(server, token, { user_id: 'ou_a', version: '2', pc: {} }));
    } finally {
      await server.close();
    }
  });

  it("headers 'on429': successes carry no rate-limit header, the 429 carries both limit and reset", async () => {
    const server = await startFeishuServer({ rateLimit: { limit: 2, windowMs: 2000, headers: 'on429' } });
    try {
      const token = await tokenFor(server);
      for (let i = 1; i <= 2; i++) {
        const res = await setBadge(server, token, { user_id: 'ou_rl', version: String(i), pc: {} });
        assertOk(res);
        assert.equal(res.headers.get('x-ogw-ratelimit-limit'), null);
        assert.equal(res.headers.get('x-ogw-ratelimit-reset'), null);
      }
      const limited = await setBadge(server, token, { user_id: 'ou_rl', version: '3', pc: {} });
      assertError(limited, 429, 99991400);
      assert.equal(limited.headers.get('x-ogw-ratelimit-limit'), '2');
      const resetSeconds = Number(limited.headers.get('x-ogw-ratelimit-reset'));
      assert.ok(Number.isInteger(resetSeconds) && resetSeconds >= 1 && resetSeconds <= 2, `reset ${resetSeconds}`);
    } finally {
      await server.close();
    }
  });

  it("headers 'on429': an answer other than a 429 carries no rate-limit header", async () => {
    const server = await startFeishuServer({ rateLimit: { limit: 5, windowMs: 60_000, headers: 'on429' } });
    try {
      const token = await tokenFor(server);
      assertOk(await setBadge(server, token, { user_id: 'ou_rl', version: '5', pc: {} }));
      const conflict = await setBadge(server, token, { user_id: 'ou_rl', version: '4', pc: {} });
      assertError(conflict, 400, 213001);
      assert.equal(conflict.headers.get('x-ogw-ratelimit-limit'), null);
    } finally {
      await server.close();
    }
  });

  it("headers 'always' (the default): every answer within the limit carries the limit, errors too", async () => {
    const server = await startFeishuServer({ rateLimit: { limit: 5, windowMs: 60_000, headers: 'always' } });
    try {
      const token = await tokenFor(server);
      const ok = await setBadge(server, token, { user_id: 'ou_rl', version: '5', pc: {} });
      assertOk(ok);
      assert.equal(ok.headers.get('x-ogw-ratelimit-limit'), '5');
      const conflict = await setBadge(server, token, { user_id: 'ou_rl', version: '4', pc: {} });
      assertError(conflict, 400, 213001);
      assert.equal(conflict.headers.get('x-ogw-ratelimit-limit'), '5');
    } finally {
      await server.close();
    }
  });

  it('the header mode is set at start, by setRateLimit, and restored by reset(); a bad mode is refused', async () => {
    await assert.rejects(startFeishuServer({ rateLimit: { limit: 1, windowMs: 1000, headers: 'sometimes' as 'always' } }), RangeError);
    const server = await startFeishuServer({ rateLimit: { limit: 100, windowMs: 60_000, headers: 'on429' } });
    try {
      const limitOf = async (version: string): Promise<string | null> => {
        const res = await setBadge(server, await tokenFor(server), { user_id: 'ou_mode', version, pc: {} });
        assertOk(res);
        return res.headers.get('x-ogw-ratelimit-limit');
      };
      assert.equal(await limitOf('1'), null);
      server.setRateLimit({ limit: 100, windowMs: 60_000 });
      assert.equal(await limitOf('2'), '100', 'no mode given: always');
      server.setRateLimit({ limit: 100, windowMs: 60_000, headers: 'on429' });
      assert.equal(await limitOf('3'), null);
      server.setRateLimit({ limit: 100, windowMs: 60_000, headers: 'always' });
      assert.equal(await limitOf('4'), '100');
      server.reset();
      assert.equal(await limitOf('1'), null, 'reset() restores the mode given at start');
      assert.throws(() => server.setRateLimit({ limit: 1, windowMs: 1000, headers: 'never' as 'on429' }), RangeError);
    } finally {
      await server.close();
    }
  });

  it('setRateLimit changes or removes the limit, reset() restores the configured one', async () => {
    const server = await startFeishuServer();
    try {
      const token = await tokenFor(server);
      const plain = await setBadge(server, token, { user_id: 'ou_a', version: '1', pc: {} });
      assertOk(plain);
      assert.equal(plain.headers.get('x-ogw-ratelimit-limit'), null);
      server.setRateLimit({ limit: 0, windowMs: 1000 });
      assertError(await setBadge(server, token, { user_id: 'ou_a', version: '2', pc: {} }), 429, 99991400);
      server.setRateLimit(undefined);
      assertOk(await setBadge(server, token, { user_id: 'ou_a', version: '2', pc: {} }));
      server.setRateLimit({ limit: 0, windowMs: 1000 });
      server.reset();
      assertOk(await setBadge(server, await tokenFor(server), { user_id: 'ou_a', version: '3', pc: {} }));
    } finally {
      await server.close();
    }
  });
});

describe('faults', () => {
  let server: FeishuServer;
  let token: string;
  const payload = (): Record<string, unknown> => ({ user_id: freshUser(), version: '1', pc: { web_app: 1 } });
  before(async () => {
    server = await startFeishuServer();
  });
  after(() => server.close());
  beforeEach(async () => {
    server.reset();
    token = await tokenFor(server);
  });

  it('status: answers the status with the default JSON body, once', async () => {
    server.inject({ type: 'status', status: 503 });
    const res = await setBadge(server, token, payload());
    assert.equal(res.status, 503);
    assert.equal(res.body?.code, -1);
    assert.equal(res.body?.msg, 'internal error');
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.match(res.logId ?? '', LOG_ID_PATTERN);
    assert.equal(server.badgeRequests().at(-1)?.status, 503);
    assertOk(await setBadge(server, token, payload()));
    assert.equal(server.pendingFaults(), 0);
  });

  it('status: answers a custom body and content type', async () => {
    server.inject({ type: 'status', status: 500, body: 'oops' });
    const text = await setBadge(server, token, payload());
    assert.equal(text.status, 500);
    assert.equal(text.text, 'oops');
    assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
    server.inject({ type: 'status', status: 502, body: '<b>bad</b>', contentType: 'text/html' });
    const html = await setBadge(server, token, payload());
    assert.equal(html.status, 502);
    assert.equal(html.headers.get('content-type'), 'text/html');
  });

  it('applies before auth: a faulted request is not handled', async () => {
    server.inject({ type: 'status', status: 500 });
    const res = await setBadge(server, undefined, payload());
    assert.equal(res.status, 500);
    assert.equal(res.body?.code, -1);
  });

  it('api-error: answers the given code with the known msg, status and headers', async () => {
    server.inject({ type: 'api-error', code: 99991400, httpStatus: 429, headers: { 'x-ogw-ratelimit-reset': '3' } });
    const limited = await setBadge(server, token, payload());
    assertError(limited, 429, 99991400, 'request trigger frequency limit');
    assert.equal(limited.headers.get('x-ogw-ratelimit-reset'), '3');
    server.inject({ type: 'api-error', code: 213001 });
    assertError(await setBadge(server, token, payload()), 400, 213001, 'pc version conflict');
    server.inject({ type: 'api-error', code: 1234, msg: 'custom' });
    assertError(await setBadge(server, token, payload()), 400, 1234, 'custom');
    assert.equal(server.badgeRequests().at(-1)?.code, 1234);
  });

  it('delay: waits, then handles normally', async () => {
    server.inject({ type: 'delay', ms: 200 });
    const started = Date.now();
    const body = payload();
    assertOk(await setBadge(server, token, body));
    assert.ok(Date.now() - started >= 190);
    assert.equal(server.lastVersion(DEFAULT_APP.appId, body['user_id'] as string, 'pc'), '1');
  });

  it('hang: never answers, and the request is recorded with status 0', async () => {
    server.inject({ type: 'hang' });
    await assert.rejects(
      fetch(server.url + BADGE_PATH, { method: 'POST', body: JSON.stringify(payload()), signal: AbortSignal.timeout(200) }),
      (error: Error) => error.name === 'TimeoutError',
    );
    const recorded = server.badgeRequests().at(-1);
    assert.equal(recorded?.status, 0);
    assert.equal(recorded?.code, undefined);
    assertOk(await setBadge(server, token, payload()));
  });

  it('reset: destroys the connection without a response', async () => {
    server.inject({ type: 'reset' });
    const body = payload();
    await assert.rejects(setBadge(server, token, body), TypeError);
    const recorded = server.badgeRequests().at(-1);
    assert.equal(recorded?.status, 0);
    assert.deepEqual(recorded?.body, body);
    assertOk(await setBadge(server, token, payload()));
  });

  it('html: answers a gateway error page, 502 by default', async () => {
    server.inject({ type: 'html' });
    const res = await setBadge(server, token, payload());
    assert.equal(res.status, 502);
    assert.equal(res.headers.get('content-type'), 'text/html');
    assert.match(res.text, /<html>/);
    assert.equal(res.body, undefined);
    assert.match(res.logId ?? '', LOG_ID_PATTERN);
    server.inject({ type: 'html', status: 504 });
    assert.equal((await setBadge(server, token, payload())).status, 504);
  });

  it('broken-json: answers 200 with a truncated JSON body', async () => {
    server.inject({ type: 'broken-json' });
    const res = await setBadge(server, token, payload());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.ok(res.text.length > 0);
    assert.throws(() => JSON.parse(res.text), SyntaxError);
  });

  it('times: the fault repeats, then normal handling resumes', async () => {
    server.inject({ type: 'status', status: 500 }, { times: 2 });
    assert.equal(server.pendingFaults(), 2);
    assert.equal((await setBadge(server, token, payload())).status, 500);
    assert.equal((await setBadge(server, token, payload())).status, 500);
    assertOk(await setBadge(server, token, payload()));
  });

  it('route: badge faults skip token calls, token faults skip badge calls, any hits everything', async () => {
    server.inject({ type: 'status', status: 500 });
    assert.equal((await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret })).body?.code, 0);
    assert.equal((await setBadge(server, token, payload())).status, 500);

    server.inject({ type: 'api-error', code: 10015 }, { route: 'token' });
    assertOk(await setBadge(server, token, payload()));
    assertError(await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret }), 400, 10015);

    server.inject({ type: 'status', status: 503 }, { route: 'any' });
    assert.equal((await call(server.url + '/nowhere')).status, 503);
    assert.equal(server.pendingFaults(), 0);
  });

  it('faults queue in order', async () => {
    server.inject({ type: 'status', status: 500 });
    server.inject({ type: 'status', status: 502 });
    assert.equal((await setBadge(server, token, payload())).status, 500);
    assert.equal((await setBadge(server, token, payload())).status, 502);
    assertOk(await setBadge(server, token, payload()));
  });
});

describe('recording, log ids and other paths', () => {
  let server: FeishuServer;
  before(async () => {
    server = await startFeishuServer();
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it('records every request with what was answered', async () => {
    const before = Date.now();
    const token = await tokenFor(server);
    const res = await setBadge(server, token, { user_id: 'ou_rec', version: '7', pc: { web_app: 1 } }, { query: '?user_id_type=open_id' });
    await call(server.url + '/open-apis/x?a=1');
    assert.equal(server.requests.length, 3);
    const [tok, badge, other] = server.requests;
    assert.equal(tok?.route, 'token');
    assert.equal(tok?.status, 200);
    assert.equal(tok?.code, 0);
    assert.equal(badge?.route, 'badge');
    assert.equal(badge?.method, 'POST');
    assert.equal(badge?.path, BADGE_PATH);
    assert.deepEqual(badge?.query, { user_id_type: 'open_id' });
    assert.equal(badge?.headers['authorization'], `Bearer ${token}`);
    assert.equal(badge?.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(badge?.body, { user_id: 'ou_rec', version: '7', pc: { web_app: 1 } });
    assert.equal(badge?.rawBody, JSON.stringify({ user_id: 'ou_rec', version: '7', pc: { web_app: 1 } }));
    assert.equal(badge?.logId, res.logId);
    assert.equal(badge?.status, 200);
    assert.equal(badge?.code, 0);
    assert.ok((badge?.receivedAt ?? 0) >= before && (badge?.receivedAt ?? 0) <= Date.now());
    assert.equal(other?.route, 'other');
    assert.deepEqual(other?.query, { a: '1' });
    assert.equal(other?.status, 404);
    assert.deepEqual(server.badgeRequests(), [badge]);
    assert.deepEqual(server.tokenRequests(), [tok]);
  });

  it('records a non-JSON body as rawBody with body undefined', async () => {
    const token = await tokenFor(server);
    await setBadge(server, token, undefined, { raw: 'not json' });
    const recorded = server.badgeRequests()[0];
    assert.equal(recorded?.rawBody, 'not json');
    assert.equal(recorded?.body, undefined);
  });

  it('clearRequests empties the log in place', async () => {
    const log = server.requests;
    await tokenFor(server);
    server.clearRequests();
    assert.equal(log.length, 0);
    assert.equal(server.requests, log);
    assert.equal(server.tokenRequests().length, 0);
  });

  it('answers 404 page not found for unknown paths and non-POST methods', async () => {
    assertError(await call(server.url + '/open-apis/unknown'), 404, 404, 'page not found');
    assertError(await call(server.url + BADGE_PATH), 404, 404);
    assertError(await call(server.url + TOKEN_PATH, { method: 'PUT', body: '{}' }), 404, 404);
  });

  it('puts a unique X-Tt-Logid on every response', async () => {
    const token = await tokenFor(server);
    server.setRateLimit({ limit: 2, windowMs: 60_000 });
    server.inject({ type: 'html' }, { route: 'any' });
    server.inject({ type: 'broken-json' }, { route: 'any' });
    server.inject({ type: 'status', status: 500 }, { route: 'any' });
    const responses = [
      await setBadge(server, token, { user_id: 'ou_l', version: '1', pc: {} }),
      await setBadge(server, token, { user_id: 'ou_l', version: '1', pc: {} }),
      await setBadge(server, token, { user_id: 'ou_l', version: '1', pc: {} }),
      await setBadge(server, token, { user_id: 'ou_l', version: '1', pc: {} }),
      await setBadge(server, token, { user_id: 'ou_l', version: '1', pc: {} }),
      await setBadge(server, token, { user_id: 'ou_l', version: '2', pc: {} }),
      await requestToken(server, { app_id: DEFAULT_APP.appId, app_secret: DEFAULT_APP.appSecret }),
      await requestToken(server, {}),
      await call(server.url + '/x'),
    ];
    assert.deepEqual(responses.map((r) => r.status), [502, 200, 500, 200, 400, 429, 200, 400, 404]);
    const ids = responses.map((r) => r.logId ?? '');
    for (const id of ids) assert.match(id, LOG_ID_PATTERN);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(server.requests.slice(-ids.length).map((r) => r.logId), ids);
  });

  it('handles many sequential keep-alive calls', async () => {
    const token = await tokenFor(server);
    for (let i = 1; i <= 500; i++) {
      const res = await setBadge(server, token, { user_id: 'ou_many', version: String(i), pc: { web_app: i } });
      assert.equal(res.status, 200);
    }
    assert.equal(server.badgeRequests().length, 500);
    assert.deepEqual(server.badgeOf(DEFAULT_APP.appId, 'ou_many'), { pc: { web_app: 500, gadget: 0 } });
  });

  it('reset() forgets requests, faults, tokens, versions and user statuses', async () => {
    const token = await tokenFor(server);
    assertOk(await setBadge(server, token, { user_id: 'ou_r', version: '9', pc: {} }));
    server.setUserStatus('ou_s', 'invisible');
    server.inject({ type: 'status', status: 500 });
    server.reset();
    assert.equal(server.requests.length, 0);
    assert.equal(server.pendingFaults(), 0);
    assert.deepEqual(server.issuedTokens(), []);
    assert.equal(server.lastVersion(DEFAULT_APP.appId, 'ou_r', 'pc'), undefined);
    assert.equal(server.badgeOf(DEFAULT_APP.appId, 'ou_r'), undefined);
    assertError(await setBadge(server, token, { user_id: 'ou_r', version: '1', pc: {} }), 400, 99991663);
    const fresh = await tokenFor(server);
    assertOk(await setBadge(server, fresh, { user_id: 'ou_r', version: '1', pc: {} }));
    assertOk(await setBadge(server, fresh, { user_id: 'ou_s', version: '1', pc: {} }));
  });
});

describe('close()', () => {
  it('returns promptly with a hanging request and a pending delay', async () => {
    const server = await startFeishuServer({ badgeLatencyMs: 60_000 });
    const token = await tokenFor(server);
    server.inject({ type: 'hang' });
    server.inject({ type: 'delay', ms: 60_000 });
    // Settle each call into a value right away so no rejection goes unhandled while waiting.
    const outcome = (p: Promise<Res>): Promise<unknown> => p.then((res) => res, (error: unknown) => error);
    const pending = [
      outcome(setBadge(server, token, { user_id: 'ou_h1', version: '1', pc: {} })),
      outcome(setBadge(server, token, { user_id: 'ou_h2', version: '1', pc: {} })),
      outcome(setBadge(server, token, { user_id: 'ou_h3', version: '1', pc: {} })),
    ];
    while (server.badgeRequests().filter((r) => r.rawBody !== '').length < 3) await sleep(10);
    const started = Date.now();
    await server.close();
    assert.ok(Date.now() - started < 1000, `close took ${Date.now() - started} ms`);
    for (const result of await Promise.all(pending)) assert.ok(result instanceof TypeError, `expected a network error, got ${String(result)}`);
    await assert.rejects(fetch(server.url + TOKEN_PATH, { method: 'POST', body: '{}' }), TypeError);
    await server.close();
  });
});

describe('CLI', () => {
  it('prints its url and apps, applies flags, and exits on SIGTERM', async () => {
    const file = fileURLToPath(new URL('../support/feishuServer.ts', import.meta.url));
    const child = spawn(process.execPath, [file, '--rate-limit', '2/60000', '--rate-limit-headers', 'on429', '--invisible', 'ou_cli_hidden', '--inactive', 'ou_cli_gone'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(line) as { url: string; apps: AppConfig[] };
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(info.apps, [DEFAULT_APP]);
      const remote = { url: info.url } as FeishuServer;
      const token = await tokenFor(remote);
      const hidden = await setBadge(remote, token, { user_id: 'ou_cli_hidden', version: '1', pc: {} });
      assertError(hidden, 400, 213007);
      assert.equal(hidden.headers.get('x-ogw-ratelimit-limit'), null, '--rate-limit-headers on429');
      assertError(await setBadge(remote, token, { user_id: 'ou_cli_gone', version: '1', pc: {} }), 400, 213006);
      const limited = await setBadge(remote, token, { user_id: 'ou_cli', version: '1', pc: {} });
      assertError(limited, 429, 99991400);
      assert.equal(limited.headers.get('x-ogw-ratelimit-limit'), '2');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
