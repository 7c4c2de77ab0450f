import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG_API_CODES, guidanceFor, normalizeLocale } from '../../src/core/guidance/guidance.ts';
import type { FailureDescriptor, Guidance } from '../../src/core/guidance/guidance.ts';
import type { Locale, NetworkReason } from '../../src/core/types.ts';

const LOCALES: readonly Locale[] = ['en', 'zh-cn'];

// A Record forces this list to follow NetworkReason when a reason is added.
const NETWORK_REASON_SET: Record<NetworkReason, true> = {
  timeout: true,
  refused: true,
  dns: true,
  reset: true,
  tls: true,
  'not-sent': true,
  other: true,
};
const NETWORK_REASONS = Object.keys(NETWORK_REASON_SET) as NetworkReason[];

const BADGE_CODES = [213001, 213002, 213003, 213004, 213005, 213006, 213007];
const GENERIC_CODES = [
  99991400, 99991661, 99991663, 99991668, 99991677, 99991671, 99991672, 99991676, 99991662, 99991673, 99991543,
  10003, 10014, 10015, 99992351, 99992352, 99992353, 99992360, 99992363, 99992361, 99992402,
];
const UNKNOWN_CODE = 12345;
const LOG_ID = '202408051234567890ABCDEF01';
const MSG = 'field validation failed: pc.web_app must be <= 2147483647';

const DOC_BADGE_API = 'https://open.feishu.cn/document/server-docs/application-v6/app_badge/set';
const DOC_AVAILABILITY = 'https://open.feishu.cn/document/home/introduction-to-scope-and-authorization/availability';
const DOC_GENERIC = 'https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code';
const DOC_RATE_LIMIT = 'https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control';
const DOC_TOKEN =
  'https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal';

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/;
const BROKEN = /undefined|null|NaN|\[object /;

/** Descriptors that can carry a log ID, without one: the server answered. */
function serverDescriptors(): FailureDescriptor[] {
  return [
    ...CATALOG_API_CODES.map((code): FailureDescriptor => ({ kind: 'api', code })),
    { kind: 'api', code: UNKNOWN_CODE },
    { kind: 'api', code: UNKNOWN_CODE, httpStatus: 400 },
    { kind: 'api', code: UNKNOWN_CODE, httpStatus: 429 },
    { kind: 'api', code: UNKNOWN_CODE, httpStatus: 500, msg: 'internal error' },
    ...[200, 302, 400, 401, 403, 404, 405, 418, 429, 500, 502, 503, 504].map(
      (httpStatus): FailureDescriptor => ({ kind: 'http', httpStatus }),
    ),
    { kind: 'invalid-response' },
    { kind: 'invalid-response', httpStatus: 200 },
  ];
}

function withLogId(failure: FailureDescriptor, logId: string): FailureDescriptor {
  if (failure.kind === 'api' || failure.kind === 'http' || failure.kind === 'invalid-response') {
    return { ...failure, logId };
  }
  return failure;
}

function localDescriptors(): FailureDescriptor[] {
  return [
    ...NETWORK_REASONS.map((reason): FailureDescriptor => ({ kind: 'network', reason })),
    { kind: 'cancelled' },
    { kind: 'bad-base-url' },
    { kind: 'no-credentials' },
  ];
}

function allDescriptors(): FailureDescriptor[] {
  const server = serverDescriptors();
  return [
    ...server,
    ...server.map((f) => withLogId(f, LOG_ID)),
    ...CATALOG_API_CODES.map((code): FailureDescriptor => ({ kind: 'api', code, httpStatus: 400, msg: MSG, logId: LOG_ID })),
    ...localDescriptors(),
  ];
}

function texts(g: Guidance): string[] {
  return [g.title, g.explanation, ...g.steps];
}

function label(f: FailureDescriptor, locale: Locale): string {
  return `${JSON.stringify(f)} [${locale}]`;
}

test('CATALOG_API_CODES covers every required code exactly once, sorted', () => {
  const required = [...BADGE_CODES, ...GENERIC_CODES];
  for (const code of required) assert.ok(CATALOG_API_CODES.includes(code), `missing ${code}`);
  assert.equal(new Set(CATALOG_API_CODES).size, CATALOG_API_CODES.length);
  assert.deepEqual([...CATALOG_API_CODES].sort((a, b) => a - b), [...CATALOG_API_CODES]);
  assert.ok(!CATALOG_API_CODES.includes(UNKNOWN_CODE));
  assert.ok(Object.isFrozen(CATALOG_API_CODES));
});

test('every entry is complete and well-formed in both locales', () => {
  for (const failure of allDescriptors()) {
    for (const locale of LOCALES) {
      const g = guidanceFor(failure, locale);
      const where = label(failure, locale);
      assert.ok(g.id.length > 0, where);
      assert.ok(g.title.trim().length > 0 && g.title.length <= 60, `title: ${where}`);
      assert.ok(g.explanation.trim().length > 0, `explanation: ${where}`);
      assert.ok(g.steps.length >= 1 && g.steps.length <= 4, `steps count ${g.steps.length}: ${where}`);
      for (const step of g.steps) assert.ok(step.trim().length > 0, `empty step: ${where}`);
      assert.match(g.docUrl, /^https:\/\/open\.feishu\.cn\/document\//, where);
      assert.equal(typeof g.retryable, 'boolean', where);
      for (const text of texts(g)) {
        assert.doesNotMatch(text, BROKEN, `broken text "${text}": ${where}`);
        assert.equal(text, text.trim(), `untrimmed "${text}": ${where}`);
        assert.doesNotMatch(text, / {2}/, `double space "${text}": ${where}`);
        if (locale === 'zh-cn') assert.match(text, CJK, `no CJK in "${text}": ${where}`);
        else assert.doesNotMatch(text, CJK, `CJK in "${text}": ${where}`);
      }
      if (failure.kind === 'api') assert.equal(g.code, failure.code, where);
      else assert.equal(g.code, undefined, where);
    }
  }
});

test('en and zh-cn agree on id, steps count, docUrl, code and retryable', () => {
  for (const failure of allDescriptors()) {
    const en = guidanceFor(failure, 'en');
    const zh = guidanceFor(failure, 'zh-cn');
    const where = JSON.stringify(failure);
    assert.equal(zh.id, en.id, where);
    assert.equal(zh.steps.length, en.steps.length, where);
    assert.equal(zh.docUrl, en.docUrl, where);
    assert.equal(zh.code, en.code, where);
    assert.equal(zh.retryable, en.retryable, where);
  }
});

test('ids are stable and distinct per code', () => {
  const ids = CATALOG_API_CODES.map((code) => guidanceFor({ kind: 'api', code }, 'en').id);
  assert.deepEqual(
    ids,
    CATALOG_API_CODES.map((code) => `api.${code}`),
  );
  assert.equal(new Set(ids).size, ids.length);
  // The id does not depend on the extras that came with the code.
  for (const code of CATALOG_API_CODES) {
    assert.equal(guidanceFor({ kind: 'api', code, httpStatus: 400, msg: MSG, logId: LOG_ID }, 'zh-cn').id, `api.${code}`);
  }
});

test('ids of the other kinds are stable', () => {
  const expected: readonly (readonly [FailureDescriptor, string])[] = [
    [{ kind: 'api', code: UNKNOWN_CODE }, 'api.unknown'],
    [{ kind: 'api', code: UNKNOWN_CODE, httpStatus: 500 }, 'api.unknown'],
    [{ kind: 'api', code: UNKNOWN_CODE, httpStatus: 429 }, 'http.429'],
    [{ kind: 'api', code: 99991400, httpStatus: 429 }, 'api.99991400'],
    [{ kind: 'api', code: 213001, httpStatus: 429 }, 'api.213001'],
    [{ kind: 'http', httpStatus: 401 }, 'http.401'],
    [{ kind: 'http', httpStatus: 403 }, 'http.403'],
    [{ kind: 'http', httpStatus: 404 }, 'http.404'],
    [{ kind: 'http', httpStatus: 429 }, 'http.429'],
    [{ kind: 'http', httpStatus: 500 }, 'http.5xx'],
    [{ kind: 'http', httpStatus: 502 }, 'http.5xx'],
    [{ kind: 'http', httpStatus: 599 }, 'http.5xx'],
    [{ kind: 'http', httpStatus: 400 }, 'http.4xx'],
    [{ kind: 'http', httpStatus: 418 }, 'http.4xx'],
    [{ kind: 'http', httpStatus: 302 }, 'http.other'],
    [{ kind: 'http', httpStatus: 200 }, 'http.other'],
    [{ kind: 'http', httpStatus: Number.NaN }, 'http.other'],
    [{ kind: 'network', reason: 'timeout' }, 'network.timeout'],
    [{ kind: 'network', reason: 'refused' }, 'network.refused'],
    [{ kind: 'network', reason: 'dns' }, 'network.dns'],
    [{ kind: 'network', reason: 'reset' }, 'network.reset'],
    [{ kind: 'network', reason: 'tls' }, 'network.tls'],
    [{ kind: 'network', reason: 'other' }, 'network.other'],
    [{ kind: 'invalid-response' }, 'invalid-response'],
    [{ kind: 'cancelled' }, 'cancelled'],
    [{ kind: 'bad-base-url' }, 'bad-base-url'],
    [{ kind: 'no-credentials' }, 'no-credentials'],
  ];
  for (const [failure, id] of expected) {
    for (const locale of LOCALES) assert.equal(guidanceFor(failure, locale).id, id, label(failure, locale));
  }
  // Entries other than per-code ones must not collide with each other or with code ids.
  const distinct = new Set([
    ...CATALOG_API_CODES.map((code) => `api.${code}`),
    'api.unknown',
    ...localDescriptors().map((f) => guidanceFor(f, 'en').id),
    ...[401, 403, 404, 429, 500, 400, 302].map((httpStatus) => guidanceFor({ kind: 'http', httpStatus }, 'en').id),
    'invalid-response',
  ]);
  assert.equal(distinct.size, CATALOG_API_CODES.length + 1 + localDescriptors().length + 7 + 1);
});

test('a log ID step is appended iff the server gave a log ID', () => {
  for (const failure of serverDescriptors()) {
    for (const locale of LOCALES) {
      const without = guidanceFor(failure, locale);
      const withId = guidanceFor(withLogId(failure, LOG_ID), locale);
      const where = label(failure, locale);
      assert.ok(texts(without).every((t) => !t.includes(LOG_ID)), where);
      const holding = withId.steps.filter((s) => s.includes(LOG_ID));
      assert.equal(holding.length, 1, where);
      assert.ok(withId.steps.at(-1)?.endsWith(LOG_ID), `log ID not last: ${where}`);
      assert.ok(!withId.title.includes(LOG_ID) && !withId.explanation.includes(LOG_ID), where);
      if (withId.id === 'api.unknown') {
        // The "no log ID" advice is replaced, not kept next to the log ID.
        assert.equal(withId.steps.length, without.steps.length, where);
        assert.deepEqual(withId.steps.slice(0, -1), without.steps.slice(0, -1), where);
      } else {
        assert.equal(withId.steps.length, without.steps.length + 1, where);
        assert.deepEqual(withId.steps.slice(0, -1), without.steps, where);
      }
    }
  }
});

test('the log ID step names log search and support in both languages', () => {
  const en = guidanceFor({ kind: 'api', code: 213004, logId: LOG_ID }, 'en').steps.at(-1) ?? '';
  const zh = guidanceFor({ kind: 'api', code: 213004, logId: LOG_ID }, 'zh-cn').steps.at(-1) ?? '';
  assert.match(en, /log search/);
  assert.match(en, /support/);
  assert.match(zh, /日志查询/);
  assert.match(zh, /技术支持/);
});

test('blank log IDs and messages count as absent', () => {
  for (const locale of LOCALES) {
    const plain = guidanceFor({ kind: 'api', code: UNKNOWN_CODE }, locale);
    const blank = guidanceFor({ kind: 'api', code: UNKNOWN_CODE, msg: '  \n ', logId: '   ' }, locale);
    assert.deepEqual(blank, plain);
    const http = guidanceFor({ kind: 'http', httpStatus: 502, logId: '' }, locale);
    assert.deepEqual(http, guidanceFor({ kind: 'http', httpStatus: 502 }, locale));
  }
});

test('unknown code: title has the code, explanation the msg, steps the log ID', () => {
  for (const locale of LOCALES) {
    const g = guidanceFor(
      { kind: 'api', code: UNKNOWN_CODE, httpStatus: 400, msg: 'something odd', logId: LOG_ID },
      locale,
    );
    assert.equal(g.id, 'api.unknown');
    assert.equal(g.code, UNKNOWN_CODE);
    assert.ok(g.title.includes(String(UNKNOWN_CODE)), g.title);
    assert.ok(g.explanation.includes('something odd'), g.explanation);
    assert.ok(g.explanation.includes('HTTP 400'), g.explanation);
    assert.ok(g.steps.some((s) => s.includes(String(UNKNOWN_CODE))), 'look-up step names the code');
    assert.ok(g.steps.at(-1)?.endsWith(LOG_ID));
    assert.equal(g.docUrl, DOC_GENERIC);
    assert.equal(g.retryable, false);
  }
  assert.equal(guidanceFor({ kind: 'api', code: UNKNOWN_CODE }, 'en').title, `Feishu error ${UNKNOWN_CODE}`);
  assert.equal(guidanceFor({ kind: 'api', code: UNKNOWN_CODE }, 'zh-cn').title, `飞书错误 ${UNKNOWN_CODE}`);
});

test('unknown code without a log ID says so instead of leaving a gap', () => {
  const en = guidanceFor({ kind: 'api', code: UNKNOWN_CODE }, 'en');
  const zh = guidanceFor({ kind: 'api', code: UNKNOWN_CODE }, 'zh-cn');
  assert.match(en.steps.at(-1) ?? '', /^No log ID came with this response/);
  assert.match(zh.steps.at(-1) ?? '', /^此次响应未返回日志 ID/);
  assert.match(en.explanation, /no message/);
  assert.match(zh.explanation, /未附带错误信息/);
});

test('unknown code: a 5xx is retryable, a 429 is a rate limit', () => {
  assert.equal(guidanceFor({ kind: 'api', code: UNKNOWN_CODE, httpStatus: 503 }, 'en').retryable, true);
  for (const locale of LOCALES) {
    const g = guidanceFor({ kind: 'api', code: UNKNOWN_CODE, httpStatus: 429, logId: LOG_ID }, locale);
    assert.equal(g.id, 'http.429');
    assert.equal(g.code, UNKNOWN_CODE);
    assert.equal(g.retryable, true);
    assert.equal(g.docUrl, DOC_RATE_LIMIT);
    assert.ok(g.explanation.includes(String(UNKNOWN_CODE)), g.explanation);
    assert.ok(g.steps.at(-1)?.endsWith(LOG_ID));
    assert.equal(g.title, guidanceFor({ kind: 'api', code: 99991400 }, locale).title);
  }
});

test('server messages are shown where they name the problem, on one line and bounded', () => {
  for (const code of [99992402, 99991672, 99991676, 10003]) {
    for (const locale of LOCALES) {
      const g = guidanceFor({ kind: 'api', code, msg: MSG }, locale);
      assert.ok(g.explanation.includes(MSG), `${code} ${locale}: ${g.explanation}`);
    }
  }
  const long = `${'x'.repeat(1000)}\nsecond line`;
  const g = guidanceFor({ kind: 'api', code: UNKNOWN_CODE, msg: long }, 'en');
  assert.ok(!g.explanation.includes('\n'));
  assert.ok(g.explanation.length < 600, String(g.explanation.length));
  assert.ok(g.explanation.includes('…'));
});

test('doc links point at the most relevant page', () => {
  const expected: readonly (readonly [number, string])[] = [
    ...[213001, 213002, 213003, 213004, 213005, 213006].map((code) => [code, DOC_BADGE_API] as const),
    [213007, DOC_AVAILABILITY],
    [99991400, DOC_RATE_LIMIT],
    [99991663, DOC_GENERIC],
    [99991672, DOC_GENERIC],
    [99992402, DOC_GENERIC],
    [10003, DOC_TOKEN],
    [10014, DOC_TOKEN],
    [10015, DOC_TOKEN],
  ];
  for (const [code, url] of expected) assert.equal(guidanceFor({ kind: 'api', code }, 'en').docUrl, url, String(code));
  assert.equal(guidanceFor({ kind: 'http', httpStatus: 429 }, 'en').docUrl, DOC_RATE_LIMIT);
  assert.equal(guidanceFor({ kind: 'no-credentials' }, 'en').docUrl, DOC_TOKEN);
});

test('retryable marks what waiting can fix', () => {
  const yes: FailureDescriptor[] = [
    { kind: 'api', code: 213004 },
    { kind: 'api', code: 99991400 },
    { kind: 'http', httpStatus: 429 },
    { kind: 'http', httpStatus: 503 },
    { kind: 'network', reason: 'timeout' },
    { kind: 'network', reason: 'reset' },
  ];
  const no: FailureDescriptor[] = [
    { kind: 'api', code: 213001 },
    { kind: 'api', code: 213003 },
    { kind: 'api', code: 213005 },
    { kind: 'api', code: 213006 },
    { kind: 'api', code: 213007 },
    { kind: 'api', code: 10015 },
    { kind: 'http', httpStatus: 404 },
    { kind: 'network', reason: 'tls' },
    { kind: 'invalid-response' },
    { kind: 'bad-base-url' },
    { kind: 'no-credentials' },
    { kind: 'cancelled' },
  ];
  for (const f of yes) assert.equal(guidanceFor(f, 'en').retryable, true, JSON.stringify(f));
  for (const f of no) assert.equal(guidanceFor(f, 'en').retryable, false, JSON.stringify(f));
});

test('entries carry the specific facts users need', () => {
  const both = (f: FailureDescriptor): [string, string] => [
    texts(guidanceFor(f, 'en')).join('\n'),
    texts(guidanceFor(f, 'zh-cn')).join('\n'),
  ];
  const has = (f: FailureDescriptor, en: RegExp, zh: RegExp): void => {
    const [e, z] = both(f);
    assert.match(e, en, `${JSON.stringify(f)} en`);
    assert.match(z, zh, `${JSON.stringify(f)} zh`);
  };
  has({ kind: 'api', code: 213001 }, /retried once/, /重试过一次/);
  has({ kind: 'api', code: 213002 }, /clock/, /时钟/);
  has({ kind: 'api', code: 213005 }, /digits/, /纯数字/);
  has({ kind: 'api', code: 213006 }, /Skip this user/, /跳过该用户/);
  has({ kind: 'api', code: 213007 }, /availability range[\s\S]*[Pp]ublish/, /可用范围[\s\S]*版本发布/);
  has({ kind: 'api', code: 99991672 }, /Permissions & Scopes[\s\S]*publish/, /权限管理[\s\S]*发布/);
  has({ kind: 'api', code: 99991676 }, /Permissions & Scopes[\s\S]*publish/, /权限管理[\s\S]*发布/);
  has({ kind: 'api', code: 99992360 }, /contact:user\.employee_id:readonly/, /contact:user\.employee_id:readonly/);
  has({ kind: 'api', code: 99991543 }, /App ID[\s\S]*App Secret/, /开发者后台/);
  has({ kind: 'api', code: 10015 }, /App Secret/, /App Secret/);
  has({ kind: 'api', code: 99991663 }, /tenant_access_token/, /tenant_access_token/);
  has({ kind: 'http', httpStatus: 404 }, /API root/, /API 根地址/);
  has({ kind: 'http', httpStatus: 502 }, /HTTP 502[\s\S]*retried automatically/, /HTTP 502[\s\S]*自动重试/);
  has({ kind: 'network', reason: 'timeout' }, /feishuBadge\.timeoutMs/, /feishuBadge\.timeoutMs/);
  has({ kind: 'network', reason: 'tls' }, /NODE_EXTRA_CA_CERTS[\s\S]*http\.proxyStrictSSL/, /NODE_EXTRA_CA_CERTS[\s\S]*http\.proxyStrictSSL/);
  has({ kind: 'network', reason: 'dns' }, /domain setting/, /域名设置/);
  has({ kind: 'network', reason: 'refused' }, /custom base URL[\s\S]*proxy/, /自定义基础地址[\s\S]*代理/);
  has({ kind: 'invalid-response' }, /login page/, /登录页面/);
  has({ kind: 'bad-base-url' }, /https:\/\/[\s\S]*127\.0\.0\.1[\s\S]*localhost[\s\S]*\[::1\]/, /https:\/\/[\s\S]*127\.0\.0\.1/);
  has({ kind: 'no-credentials' }, /"Feishu Badge: Configure Credentials"/, /“飞书应用红点：配置凭据”/);
  assert.equal(guidanceFor({ kind: 'api', code: 213001 }, 'en').title, 'PC badge version conflict');
  assert.equal(guidanceFor({ kind: 'api', code: 213001 }, 'zh-cn').title, 'PC 端红点版本冲突');
});

test('normalizeLocale maps every Chinese tag to zh-cn and the rest to en', () => {
  const zh = ['zh', 'zh-CN', 'zh-cn', 'zh-Hans', 'zh-hans-cn', 'zh-SG', 'zh-TW', 'zh-HK', 'zh-Hant', 'ZH', 'zh_CN', 'zh_CN.UTF-8', ' zh-cn '];
  const en = [undefined, '', 'en', 'en-US', 'en-GB', 'ja', 'ko', 'fr', 'zhx', 'x-zh', 'C', 'POSIX'];
  for (const tag of zh) assert.equal(normalizeLocale(tag), 'zh-cn', String(tag));
  for (const tag of en) assert.equal(normalizeLocale(tag), 'en', String(tag));
});
