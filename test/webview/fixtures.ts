// Host messages the webview tests deliver, shaped exactly like protocol.ts says.
import type { BadgeCommandResult } from '../../src/core/result.ts';
import type { Draft, FromHost, HostState } from '../../src/shared/protocol.ts';
import type { Diagnosis, DiagnosisCheck, LookupAnswer, Target } from '../../src/shared/protocol.ts';
import { EMPTY_DRAFT } from '../../src/shared/protocol.ts';

export function hostState(overrides: Partial<HostState> = {}): HostState {
  return {
    locale: 'en',
    domain: 'feishu',
    baseUrl: 'https://open.feishu.cn',
    hasCredentials: true,
    credentialKind: 'self-built',
    appId: 'cli_a1b2c3',
    recentUsers: [],
    ...overrides,
  };
}

export function draft(overrides: Partial<Draft> = {}): Draft {
  return { ...EMPTY_DRAFT, ...overrides };
}

export function result(requestId: string, result: BadgeCommandResult, raw?: string): FromHost {
  return { type: 'result', payload: raw === undefined ? { requestId, result } : { requestId, result, raw } };
}

export function success(requestId: string): FromHost {
  return result(
    requestId,
    {
      ok: true,
      version: '1700000000123',
      attempts: 2,
      durationMs: 345,
      httpStatus: 200,
      code: 0,
      msg: 'success',
      logId: '20240101abcdef-LOG_1',
      retries: [{ attempt: 1, reason: 'rate-limited', httpStatus: 429, code: 99991400, delayMs: 1000 }],
    },
    '{"code":0,"msg":"success","data":{}}',
  );
}

export function apiFailure(requestId: string): FromHost {
  return result(
    requestId,
    {
      ok: false,
      error: 'api',
      version: '1700000000124',
      attempts: 1,
      durationMs: 88,
      httpStatus: 400,
      code: 213001,
      msg: 'param error: version not newer',
      logId: 'LOG-213001',
      guidance: {
        id: 'api.213001',
        code: 213001,
        title: 'PC badge version conflict',
        explanation: 'The version must be newer than the last one Feishu accepted for this user.',
        steps: ['Switch the version to Automatic.', 'Send again.', 'If it persists, quote log ID LOG-213001 to Feishu support.'],
        docUrl: 'https://open.feishu.cn/document/server-docs/application-v6/app_badge/set',
        retryable: false,
      },
    },
    '{"code":213001,"msg":"param error: version not newer","data":{}}',
  );
}

/** A lookup answer for `query` (issue 10), shaped as the host posts it. */
export function lookupResult(requestId: string, query: string, answer: Partial<Omit<LookupAnswer, 'requestId' | 'query'>> = {}): FromHost {
  return { type: 'lookupResult', requestId, query, users: [], ...answer };
}

/** The six checks of a diagnosis, in the core's order: one of each status, a fix with a console link, a log ID. */
export function sixChecks(): DiagnosisCheck[] {
  return [
    { id: 'credentials', status: 'pass', title: 'Credentials', detail: 'The app cli_a1b2c3 got a tenant access token.', code: 0 },
    {
      id: 'app',
      status: 'warn',
      title: 'App',
      detail: 'Could not read the app: the scope admin:app.info:readonly is not granted.',
      fix: 'Grant admin:app.info:readonly in the developer console.',
      missingScopes: ['admin:app.info:readonly'],
      permissionPage: 'https://open.feishu.cn/app/cli_a1b2c3/auth',
    },
    { id: 'id-shape', status: 'pass', title: 'ID and type', detail: 'ou_abc is an open_id of this app.' },
    { id: 'person', status: 'fail', title: 'Account', detail: 'The person has resigned.', code: 213006, logId: 'LOG-213006' },
    {
      id: 'visibility',
      status: 'fail',
      title: 'Availability',
      detail: 'The app is not available to this person.',
      fix: 'Add them to the app availability at https://open.feishu.cn/app/cli_a1b2c3/baseinfo, then publish a version.',
      code: 213007,
      logId: 'LOG-213007',
    },
    { id: 'manual', status: 'skip', title: 'What only the person can check', detail: 'Notifications for the app may be muted.', fix: 'See javascript:alert(1) or http://open.feishu.cn/plain' },
  ];
}

export function diagnosis(requestId: string, target: Target, result: Diagnosis = { ok: false, checks: sixChecks() }): FromHost {
  return { type: 'diagnosis', requestId, target, result };
}
