// The form's check of host messages, in plain Node: what it keeps, drops field by field, or
// rejects whole. (test/webview shows the same messages rendered in Chromium.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromHost } from '../../src/shared/fromHost.ts';
import { FORM_HISTORY_MAX } from '../../src/shared/protocol.ts';
import type { FromHost, HistoryItem } from '../../src/shared/protocol.ts';

/** JSON round trip: drops the keys a lenient read set to `undefined`, as saving the state does. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
const read = (data: unknown): unknown => plain(parseFromHost(data));

const state = { locale: 'en', domain: 'feishu', baseUrl: 'https://open.feishu.cn', hasCredentials: true, credentialKind: 'self-built', appId: 'cli_1', recentUsers: [] };
const entry = (index: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ index, at: 1, userId: `ou_${index}`, userIdType: 'open_id', ok: true, ...extra });

describe('parseFromHost', () => {
  test('every message the host sends comes through unchanged', () => {
    const messages: FromHost[] = [
      { type: 'state', state: { ...state, locale: 'zh-cn', credentialKind: 'self-built', profile: { name: 'Prod', production: true }, defaultTarget: { userId: 'u', userIdType: 'user_id' }, userIdType: 'union_id', history: [entry(0, { pc: { web_app: 1 }, code: 230001 }) as unknown as HistoryItem], recentUsers: [{ userId: 'ou_1', userIdType: 'open_id' }] } },
      { type: 'version', target: { userId: 'ou_1', userIdType: 'open_id' }, version: '17', remembered: { pc: { web_app: 3, gadget: 0 }, version: '16', at: 5 } },
      { type: 'version', target: { userId: 'ou_1', userIdType: 'open_id' } },
      { type: 'busy', requestId: 'r-1', action: 'clear' },
      { type: 'copied', what: 'logId' },
      {
        type: 'result',
        payload: {
          requestId: 'r-1',
          action: 'send',
          raw: '{}',
          result: {
            ok: false,
            attempts: 2,
            error: 'api',
            stage: 'badge',
            code: 213001,
            httpStatus: 400,
            msg: 'm',
            logId: 'L',
            version: '1',
            durationMs: 3,
            issues: [{ path: 'pc', id: 'count.range', severity: 'warning', message: 'x' }],
            retries: [{ attempt: 1, reason: 'rate-limited', delayMs: 10, httpStatus: 429, code: 99991400, newVersion: '2' }],
            guidance: { id: 'api.213001', code: 213001, title: 'T', explanation: 'E', steps: ['a'], docUrl: 'https://open.feishu.cn/x', retryable: true },
          },
        },
      },
    ];
    for (const message of messages) assert.deepEqual(read(message), message);
  });

  test('malformed messages are ignored whole', () => {
    for (const data of [undefined, null, 'state', [], { type: 'nonsense' }, { type: 'state' }, { type: 'result', payload: { requestId: 1 } }, { type: 'result', payload: { requestId: 'r', result: { attempts: 1 } } }, { type: 'busy', requestId: 'r', action: 'wait' }, { type: 'copied', what: 'secret' }, { type: 'version', target: { userId: 'u', userIdType: 'email' } }, { type: 'version', target: { userId: 'u', userIdType: 'open_id' }, version: 17 }]) {
      assert.equal(parseFromHost(data), undefined, JSON.stringify(data));
    }
  });

  test('a host state degrades field by field', () => {
    assert.deepEqual(read({ type: 'state', state: { locale: 'fr', domain: 7, hasCredentials: 'yes', profile: { production: true }, credentialKind: 'other', baseUrl: 1, defaultTarget: { userId: 'u' }, recentUsers: 'none' } }), {
      type: 'state',
      state: { locale: 'en', domain: '', hasCredentials: false, recentUsers: [] },
    });
    assert.deepEqual(read({ type: 'state', state: { ...state, profile: { name: 'Test', production: 'no' } } }), { type: 'state', state: { ...state, profile: { name: 'Test', production: false } } });
  });

  test('history: unreadable entries are dropped, at most FORM_HISTORY_MAX are kept', () => {
    const bad = [entry(99), entry(2, { userIdType: 'email' }), entry(3, { pc: { web_app: -1 } }), entry(4, { ok: undefined }), entry(5, { code: 'x' }), entry(1.5), 'nonsense'];
    const good = Array.from({ length: FORM_HISTORY_MAX + 2 }, (_, index) => entry(index));
    const historyOf = (history: unknown): HistoryItem[] | undefined => {
      const parsed = parseFromHost({ type: 'state', state: { ...state, history } });
      assert.equal(parsed?.type, 'state');
      return parsed.type === 'state' ? parsed.state.history : undefined;
    };
    assert.deepEqual(historyOf([...bad, ...good])?.map((item) => item.index), good.slice(0, FORM_HISTORY_MAX).map((item) => item.index));
    assert.equal(historyOf('x'), undefined);
  });

  test('a version reply keeps its estimate when the remembered badge cannot be read', () => {
    const target = { userId: 'ou_1', userIdType: 'open_id' };
    assert.deepEqual(read({ type: 'version', target, version: '18', remembered: { pc: { web_app: '3' }, version: 7, at: 'now' } }), { type: 'version', target, version: '18' });
  });

  test('a result: unknown error kinds and unreadable parts are dropped, the outcome kept', () => {
    const parsed = read({
      type: 'result',
      payload: {
        requestId: 'r-2',
        action: 'later',
        result: { ok: false, error: 'from-the-future', stage: 'dns', attempts: 'two', code: '1', issues: [{ message: 'm' }, { path: 'p' }], retries: [{ attempt: 1, reason: 'mystery' }, { attempt: 2, reason: 'network' }], guidance: { title: 'T', steps: ['a', 1] }, response: { secret: 1 } },
      },
    });
    assert.deepEqual(parsed, {
      type: 'result',
      payload: {
        requestId: 'r-2',
        result: {
          ok: false,
          attempts: 0,
          issues: [{ path: '', id: '', severity: 'error', message: 'm' }],
          retries: [{ attempt: 2, reason: 'network', delayMs: 0 }],
          guidance: { id: '', title: 'T', explanation: '', steps: ['a'], docUrl: '', retryable: false },
        },
      },
    });
    for (const error of ['untrusted-origin', 'not-sent'] as const) {
      assert.deepEqual(read({ type: 'result', payload: { requestId: 'r', result: { ok: false, attempts: 0, error, stage: 'token' } } }), { type: 'result', payload: { requestId: 'r', result: { ok: false, attempts: 0, error, stage: 'token' } } });
    }
  });
});
