// A stand-in for the Feishu open platform (token + app badge endpoints) over real HTTP,
// so tests and benchmarks exercise the extension's actual network code, timeouts and retries.
// The rules follow docs/notes on the public API; where Feishu's behaviour is undocumented
// (version semantics, check order) this server encodes the working hypothesis from the notes.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { isMainModule } from './isMain.ts';
import { parseArgs } from 'node:util';

export interface AppConfig {
  appId: string;
  appSecret: string;
  disabled?: boolean;
  /** Scopes granted to the app; every scope when not given. A contact call without its scope answers 99991672 naming it. */
  scopes?: string[];
  /** applications/me `status`: 0 stopped, 1 enabled (default), 2 not enabled. */
  status?: 0 | 1 | 2;
  /** applications/me `online_version_id`; default a fixed `oav_` ID, `''` for an app never released. */
  onlineVersionId?: string;
  /** The app's default ability on each client (default `web_app` on both). */
  pcAbility?: AppAbility;
  mobileAbility?: AppAbility;
  /** The departments (department_id) the app's contact range covers, or `all` (default). */
  contactRange?: 'all' | string[];
  /**
   * Who may use the app, by the tenant's user_id: `visibleTo` `all` (default) or a list (the white
   * list), `hiddenFrom` (the black list, which wins), `paid` (the paid list). A person the app is
   * not visible to gets 213007 from the badge call.
   */
  visibleTo?: 'all' | string[];
  hiddenFrom?: string[];
  paid?: string[];
}

export type AppAbility = 'web_app' | 'gadget' | 'bot';

/** A department of the tenant (issue 10): `parentId` `0` is the root. */
export interface Department {
  departmentId: string;
  /** Default: `od-` + a hash of departmentId (the platform's shape). */
  openDepartmentId?: string;
  parentId: string;
  name?: string;
}

/** A person in the tenant's directory (issue 10): found by email or mobile; open_ids are per app. */
export interface Person {
  /** The tenant's user_id. */
  userId: string;
  email?: string;
  /** With country code, e.g. `+8613800000000`. */
  mobile?: string;
  name?: string;
  /** The person's open_id in every app (for fixed sample users; by default each app has its own, derived from userId). */
  openId?: string;
  /** The department_ids the person belongs to directly (default: the root, `0`). */
  departments?: string[];
  status?: { is_frozen?: boolean; is_resigned?: boolean; is_activated?: boolean; is_exited?: boolean; is_unjoin?: boolean };
}

export const CONTACT_ID_SCOPE = 'contact:user.id:readonly';
export const BATCH_GET_ID_PATH = '/open-apis/contact/v3/users/batch_get_id';
export const FIND_BY_DEPARTMENT_PATH = '/open-apis/contact/v3/users/find_by_department';
/** `GET /open-apis/contact/v3/departments/:department_id/children`. */
export const DEPARTMENT_CHILDREN_PATTERN = /^\/open-apis\/contact\/v3\/departments\/([^/]+)\/children$/;
/** Status by ID: `GET …/users/batch?user_ids=…&user_ids=…` (at most 50). */
export const USERS_BATCH_PATH = '/open-apis/contact/v3/users/batch';
export const APP_ME_PATH = '/open-apis/application/v6/applications/me';
/** `POST /open-apis/application/v6/applications/:app_id/visibility/check_white_black_list`. */
export const VISIBILITY_CHECK_PATTERN = /^\/open-apis\/application\/v6\/applications\/([^/]+)\/visibility\/check_white_black_list$/;
export const CONTACT_BASE_SCOPE = 'contact:contact.base:readonly';
export const USER_BASE_SCOPE = 'contact:user.base:readonly';
export const APP_INFO_SCOPE = 'admin:app.info:readonly';
export const APP_VISIBILITY_SCOPE = 'admin:app.visibility:readonly';

/** The open_department_id of a department. */
export function openDepartmentIdFor(departmentId: string): string {
  return `od-${createHash('sha256').update(`dept\n${departmentId}`).digest('hex').slice(0, 32)}`;
}

/** The open_id of a person for an app: the same person has another open_id in each app, as on Feishu. */
export function openIdFor(appId: string, userId: string): string {
  const key = `${appId}\n${userId}`;
  let id = idMemo.get(key);
  if (id === undefined) {
    id = `ou_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
    // The directory is looked up by ID on every contact and badge call: hashing once per person keeps
    // a 1,000-person directory from costing the server a million hashes per bulk run.
    if (idMemo.size > 200_000) idMemo.clear();
    idMemo.set(key, id);
  }
  return id;
}
const idMemo = new Map<string, string>();

/** The union_id of a person: the same for every app of one developer (here: of the server). */
export function unionIdFor(userId: string): string {
  return `on_${createHash('sha256').update(`union\n${userId}`).digest('hex').slice(0, 32)}`;
}

/**
 * When a rate limit is configured, which answers carry `x-ogw-ratelimit-limit`: every badge answer
 * (`always`, the default), or only the 429 (`on429`, as the platform documents it).
 */
export type RateLimitHeaders = 'always' | 'on429';

export interface RateLimit {
  limit: number;
  windowMs: number;
  /** Which answers carry the rate-limit headers; `always` when not given. */
  headers?: RateLimitHeaders;
}

export interface FeishuServerOptions {
  apps?: AppConfig[];
  tokenExpireSeconds?: number;
  tokenLength?: number;
  badgeLatencyMs?: number;
  rateLimit?: RateLimit;
  /** A limit for the contact and application APIs (batch_get_id, find_by_department, …), one window per app. */
  contactRateLimit?: RateLimit;
  port?: number;
}

/** `other`: every call that is neither the token nor the badge call (the contact and application APIs). */
export type FaultRoute = 'badge' | 'token' | 'other' | 'any';

export type Fault =
  | { type: 'status'; status: number; body?: string; contentType?: string }
  | { type: 'api-error'; code: number; msg?: string; httpStatus?: number; headers?: Record<string, string> }
  | { type: 'delay'; ms: number }
  | { type: 'hang' }
  | { type: 'reset' }
  | { type: 'html'; status?: number }
  | { type: 'broken-json' }
  /** A redirect (the platform does not document any; gateways and proxies send them). */
  | { type: 'redirect'; status?: 301 | 302 | 303 | 307 | 308; location: string }
  /**
   * An answer that echoes the request: its headers (Authorization included) and raw body (an App
   * Secret included), as a debug gateway or an error page might. `as`: a JSON object without a
   * numeric `code` (default), one with `code` (an API error quoting the request), or an HTML page.
   */
  | { type: 'echo'; status?: number; as?: 'json-no-code' | 'json-with-code' | 'html' };

export type RequestRoute = 'badge' | 'token' | 'other';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
  body: unknown;
  logId: string;
  status: number;
  code?: number;
  route: RequestRoute;
  receivedAt: number;
}

export interface ClientBadge {
  web_app: number;
  gadget: number;
}

export interface StoredBadge {
  pc?: ClientBadge;
  mobile?: ClientBadge;
  extra?: string;
}

export type UserStatus = 'ok' | 'inactive' | 'invisible';
export type Platform = 'pc' | 'mobile';

export interface FeishuServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  badgeRequests(): RecordedRequest[];
  tokenRequests(): RecordedRequest[];
  inject(fault: Fault, options?: { route?: FaultRoute; times?: number }): void;
  /** Faults still queued (not yet consumed). */
  pendingFaults(): number;
  setUserStatus(userId: string, status: UserStatus): void;
  /** Adds a person to the directory the contact endpoints answer from (kept until reset()). */
  addPerson(person: Person): void;
  /** Adds a department (kept until reset()). */
  addDepartment(department: Department): void;
  /** Changes an app's settings at runtime (scopes, abilities, status, contact range, visibility). */
  configureApp(appId: string, patch: Partial<Omit<AppConfig, 'appId' | 'appSecret'>>): void;
  setRateLimit(limit: RateLimit | undefined): void;
  /** The contact and application APIs' limit (undefined: none). */
  setContactRateLimit(limit: RateLimit | undefined): void;
  setBadgeLatency(ms: number): void;
  setTokenExpireSeconds(s: number): void;
  /** Enable or disable an app at runtime (token requests then fail with 10014). */
  setAppDisabled(appId: string, disabled: boolean): void;
  /**
   * Accept a token this server did not issue, e.g. a pasted store-app token or a JWT from the
   * OAuth-style endpoint. Expires after `expireSeconds` (default: the current token expiry).
   */
  addToken(token: string, appId?: string, expireSeconds?: number): void;
  revokeToken(token: string): void;
  revokeAllTokens(): void;
  issuedTokens(): string[];
  lastVersion(appId: string, userId: string, platform: Platform, userIdType?: string): string | undefined;
  /** Last counts stored for a user (what the client would show). */
  badgeOf(appId: string, userId: string, userIdType?: string): StoredBadge | undefined;
  clearRequests(): void;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_APP: Readonly<AppConfig> = Object.freeze({
  appId: 'cli_sandbox_app',
  appSecret: 'sandbox-secret-0123456789',
});
export const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
export const BADGE_PATH = '/open-apis/application/v6/app_badge/set';
/** Shape of the X-Tt-Logid values this server produces: 14-digit UTC timestamp + 20 hex. */
export const LOG_ID_PATTERN = /^\d{14}[0-9A-F]{20}$/;

/** Messages Feishu uses for the codes this server can produce (also used by 'api-error' faults). */
export const ERROR_MESSAGES: Readonly<Record<number, string>> = Object.freeze({
  10003: 'invalid param',
  10014: 'app unauthorized',
  10015: 'app secret invalid',
  99991400: 'request trigger frequency limit',
  99991543: 'app id not exists',
  99991661: 'Missing access token for authorization. Please make a request with token attached.',
  99991663: 'Invalid access token for authorization. Please make a request with token attached.',
  99991668: 'Invalid access token for authorization. Please make a request with token attached.',
  99991671: 'Invalid access token format. The token must start with "t-" for a tenant access token.',
  99991672: 'Access denied. One of the following scopes is required.',
  40011: 'page size is invalid',
  40013: 'department not exist',
  41050: 'no user authority error',
  99992351: 'open_id not exist',
  99992361: 'open_id cross app',
  99992360: 'user_id not exist',
  99992363: 'union_id not exist',
  99992402: 'field validation failed',
  213001: 'pc version conflict',
  213002: 'mobile version conflict',
  213003: 'no data',
  213004: 'set same user data concurrently',
  213005: 'invalid version',
  213006: 'user status not valid',
  213007: 'user is invisible',
});

const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_COUNT = 2147483647;
const MAX_VERSION = 9223372036854775807n; // Feishu stores versions as int64
const REUSE_THRESHOLD_MS = 30 * 60 * 1000;
const USER_ID_TYPES = new Set(['open_id', 'union_id', 'user_id']);
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const DIGITS = /^\d{1,19}$/;

interface TokenEntry {
  appId: string;
  expiresAt: number;
  revoked: boolean;
}

interface QueuedFault {
  fault: Fault;
  route: FaultRoute;
  times: number;
}

interface FieldViolation {
  field: string;
  description: string;
}

interface Reply {
  status: number;
  body: string;
  contentType: string;
  code?: number;
  headers?: Record<string, string>;
}

function requireNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
}

function validateRateLimit(limit: RateLimit | undefined): void {
  if (limit === undefined) return;
  if (!Number.isInteger(limit.limit) || limit.limit < 0) throw new RangeError(`rateLimit.limit must be an integer >= 0`);
  if (!Number.isFinite(limit.windowMs) || limit.windowMs <= 0) throw new RangeError(`rateLimit.windowMs must be > 0`);
  if (limit.headers !== undefined && limit.headers !== 'always' && limit.headers !== 'on429') {
    throw new RangeError(`rateLimit.headers must be 'always' or 'on429'`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_COUNT;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function flattenHeaders(raw: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function routeOf(pathname: string): RequestRoute {
  if (pathname === BADGE_PATH) return 'badge';
  if (pathname === TOKEN_PATH) return 'token';
  return 'other';
}

function parseJson(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function htmlPage(status: number): string {
  // Mimics what a load balancer in front of the API returns: clients must not assume JSON.
  return `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function validateBadgeFields(query: Record<string, string>, body: unknown): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const userIdType = query['user_id_type'];
  if (userIdType !== undefined && !USER_ID_TYPES.has(userIdType)) {
    violations.push({ field: 'user_id_type', description: 'user_id_type must be one of open_id, union_id, user_id' });
  }
  if (!isPlainObject(body)) {
    violations.push({ field: 'body', description: 'request body must be a JSON object' });
    return violations;
  }
  const userId = body['user_id'];
  if (typeof userId !== 'string' || userId.length === 0) {
    violations.push({ field: 'user_id', description: 'user_id is required and must be a non-empty string' });
  }
  if (typeof body['version'] !== 'string') {
    violations.push({ field: 'version', description: 'version is required and must be a string' });
  }
  if ('extra' in body && typeof body['extra'] !== 'string') {
    violations.push({ field: 'extra', description: 'extra must be a string' });
  }
  for (const platform of ['pc', 'mobile'] as const) {
    if (!(platform in body)) continue;
    const value = body[platform];
    if (!isPlainObject(value)) {
      violations.push({ field: platform, description: `${platform} must be an object` });
      continue;
    }
    for (const kind of ['web_app', 'gadget'] as const) {
      if (kind in value && !isCount(value[kind])) {
        violations.push({ field: `${platform}.${kind}`, description: `${platform}.${kind} must be an integer in 0..${MAX_COUNT}` });
      }
    }
  }
  return violations;
}

function countsOf(value: unknown): ClientBadge {
  const obj = value as Record<string, unknown>;
  return {
    web_app: typeof obj['web_app'] === 'number' ? obj['web_app'] : 0,
    gadget: typeof obj['gadget'] === 'number' ? obj['gadget'] : 0,
  };
}

export async function startFeishuServer(options: FeishuServerOptions = {}): Promise<FeishuServer> {
  const initialApps: AppConfig[] = (options.apps ?? [DEFAULT_APP]).map((app) => ({ ...app }));
  const defaults = {
    tokenExpireSeconds: options.tokenExpireSeconds ?? 7200,
    tokenLength: options.tokenLength ?? 36,
    badgeLatencyMs: options.badgeLatencyMs ?? 0,
    rateLimit: options.rateLimit ? { ...options.rateLimit } : undefined,
  };
  requireNonNegative('tokenExpireSeconds', defaults.tokenExpireSeconds);
  requireNonNegative('badgeLatencyMs', defaults.badgeLatencyMs);
  if (!Number.isInteger(defaults.tokenLength) || defaults.tokenLength < 3) throw new RangeError('tokenLength must be an integer >= 3');
  validateRateLimit(defaults.rateLimit);

  let apps = new Map<string, AppConfig>();
  let tokenExpireSeconds = defaults.tokenExpireSeconds;
  let badgeLatencyMs = defaults.badgeLatencyMs;
  let rateLimit: RateLimit | undefined = defaults.rateLimit;
  let contactRateLimit: RateLimit | undefined = options.contactRateLimit ? { ...options.contactRateLimit } : undefined;
  const requests: RecordedRequest[] = [];
  const badgeLog: RecordedRequest[] = [];
  const tokenLog: RecordedRequest[] = [];
  const faults: QueuedFault[] = [];
  const tokens = new Map<string, TokenEntry>();
  const currentTokenOfApp = new Map<string, string>();
  const issued: string[] = [];
  const versions = new Map<string, bigint>();
  const versionText = new Map<string, string>();
  const badges = new Map<string, StoredBadge>();
  const userStatuses = new Map<string, UserStatus>();
  const windows = new Map<string, { start: number; count: number }>();
  // The lock value is a unique object so a request that started before reset() cannot release
  // a lock taken after it.
  const locks = new Map<string, object>();
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  const resetApps = (): void => {
    apps = new Map(initialApps.map((app) => [app.appId, { ...app }]));
  };
  resetApps();

  // Log ids: second-resolution timestamp + per-server random prefix + counter, so they are
  // unique without per-request randomness and still look like Feishu's.
  const logPrefix = randomBytes(6).toString('hex').toUpperCase();
  let logCounter = 0;
  let logSecond = -1;
  let logStamp = '';
  const nextLogId = (now: number): string => {
    const second = Math.floor(now / 1000);
    if (second !== logSecond) {
      const d = new Date(now);
      logStamp = `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
      logSecond = second;
    }
    logCounter = (logCounter + 1) % 0x100000000;
    return `${logStamp}${logPrefix}${logCounter.toString(16).toUpperCase().padStart(8, '0')}`;
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const errorReply = (
    status: number,
    code: number,
    logId: string,
    msg?: string,
    headers?: Record<string, string>,
    violations?: FieldViolation[],
  ): Reply => {
    const error: Record<string, unknown> = { log_id: logId };
    if (violations && violations.length > 0) error['field_violations'] = violations;
    const reply: Reply = {
      status,
      code,
      contentType: JSON_TYPE,
      body: JSON.stringify({ code, msg: msg ?? ERROR_MESSAGES[code] ?? 'error', error }),
    };
    if (headers) reply.headers = headers;
    return reply;
  };

  const jsonReply = (status: number, payload: { code: number } & Record<string, unknown>, headers?: Record<string, string>): Reply => {
    const reply: Reply = { status, code: payload.code, contentType: JSON_TYPE, body: JSON.stringify(payload) };
    if (headers) reply.headers = headers;
    return reply;
  };

  const issueToken = (appId: string, now: number): string => {
    const hexLength = defaults.tokenLength - 2;
    const token = `t-${randomBytes(Math.ceil(hexLength / 2)).toString('hex').slice(0, hexLength)}`;
    tokens.set(token, { appId, expiresAt: now + tokenExpireSeconds * 1000, revoked: false });
    currentTokenOfApp.set(appId, token);
    issued.push(token);
    return token;
  };

  const handleToken = (body: unknown, logId: string, now: number): Reply => {
    if (!isPlainObject(body)) return errorReply(400, 10003, logId);
    const appId = body['app_id'];
    const appSecret = body['app_secret'];
    if (typeof appId !== 'string' || appId.length === 0 || typeof appSecret !== 'string' || appSecret.length === 0) {
      return errorReply(400, 10003, logId);
    }
    const app = apps.get(appId);
    if (!app) return errorReply(400, 99991543, logId);
    if (app.appSecret !== appSecret) return errorReply(400, 10015, logId);
    if (app.disabled) return errorReply(400, 10014, logId);
    const current = currentTokenOfApp.get(appId);
    if (current !== undefined) {
      const entry = tokens.get(current);
      if (entry && !entry.revoked && entry.expiresAt - now > REUSE_THRESHOLD_MS) {
        return jsonReply(200, {
          code: 0,
          msg: 'ok',
          tenant_access_token: current,
          expire: Math.floor((entry.expiresAt - now) / 1000),
        });
      }
    }
    const token = issueToken(appId, now);
    return jsonReply(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: tokenExpireSeconds });
  };

  /** Counts one call against the app's window; `reply` is set when the call is over the limit. */
  const checkRateLimit = (appId: string, now: number, logId: string, limit: RateLimit | undefined = rateLimit, windowKey: string = appId): { reply?: Reply; headers?: Record<string, string> } => {
    if (limit === undefined) return {};
    let window = windows.get(windowKey);
    if (window === undefined || now >= window.start + limit.windowMs) {
      window = { start: now, count: 0 };
      windows.set(windowKey, window);
    }
    window.count += 1;
    const headers = { 'x-ogw-ratelimit-limit': String(limit.limit) };
    if (window.count <= limit.limit) return limit.headers === 'on429' ? {} : { headers };
    const resetSeconds = Math.max(1, Math.ceil((window.start + limit.windowMs - now) / 1000));
    return { reply: errorReply(429, 99991400, logId, undefined, { ...headers, 'x-ogw-ratelimit-reset': String(resetSeconds) }) };
  };

  // Check order: auth → rate limit → schema (99992402) → id shape → no data → version format
  // → user status → per-user lock → version conflict. Gateway-level checks come first, as on
  // the real platform where the service never sees unauthenticated or throttled calls.
  const handleBadge = async (
    query: Record<string, string>,
    headers: Record<string, string>,
    body: unknown,
    logId: string,
    now: number,
  ): Promise<Reply> => {
    const authorization = headers['authorization'];
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return errorReply(400, 99991661, logId);
    const token = authorization.slice('Bearer '.length).trim();
    if (token.length === 0) return errorReply(400, 99991661, logId);
    if (!(token.startsWith('t-') && token.length > 2) && !JWT_SHAPE.test(token)) return errorReply(400, 99991671, logId);
    const entry = tokens.get(token);
    if (entry === undefined || entry.revoked || now >= entry.expiresAt) return errorReply(400, 99991663, logId);
    const appId = entry.appId;

    const limited = checkRateLimit(appId, now, logId);
    if (limited.reply !== undefined) return limited.reply;
    const limitHeaders = limited.headers;
    const fail = (status: number, code: number, msg?: string, violations?: FieldViolation[]): Reply =>
      errorReply(status, code, logId, msg, limitHeaders, violations);

    const violations = validateBadgeFields(query, body);
    const first = violations[0];
    if (first !== undefined) {
      const msg = first.field === 'body' ? 'field validation failed' : `field validation failed: ${first.field}`;
      return fail(400, 99992402, msg, violations);
    }
    const data = body as Record<string, unknown>;
    const userIdType = query['user_id_type'] ?? 'open_id';
    const userId = data['user_id'] as string;
    const version = data['version'] as string;

    if (userIdType === 'open_id' && !userId.startsWith('ou_')) return fail(400, 99992351);
    if (userIdType === 'union_id' && !userId.startsWith('on_')) return fail(400, 99992363);
    // An open_id/union_id sent as user_id is the usual id-type mix-up; Feishu rejects it as unknown.
    if (userIdType === 'user_id' && (userId.startsWith('ou_') || userId.startsWith('on_'))) return fail(400, 99992360);

    const hasPc = 'pc' in data;
    const hasMobile = 'mobile' in data;
    if (!hasPc && !hasMobile) return fail(400, 213003);
    if (!DIGITS.test(version) || BigInt(version) > MAX_VERSION) return fail(400, 213005);

    const personCode = personCheck(appId, userIdType, userId);
    if (personCode !== undefined) return fail(400, personCode);
    const status = userStatuses.get(userId);
    if (status === 'inactive') return fail(400, 213006);
    if (status === 'invisible') return fail(400, 213007);

    const userKey = `${appId}\u0000${userIdType}\u0000${userId}`;
    if (locks.has(userKey)) return fail(400, 213004);
    const lock = {};
    locks.set(userKey, lock);
    try {
      if (badgeLatencyMs > 0) await sleep(badgeLatencyMs);
      const numeric = BigInt(version);
      const pcKey = `${userKey}\u0000pc`;
      const mobileKey = `${userKey}\u0000mobile`;
      const lastPc = versions.get(pcKey);
      if (hasPc && lastPc !== undefined && numeric <= lastPc) return fail(400, 213001);
      const lastMobile = versions.get(mobileKey);
      if (hasMobile && lastMobile !== undefined && numeric <= lastMobile) return fail(400, 213002);

      const stored: StoredBadge = { ...badges.get(userKey) };
      if (hasPc) {
        versions.set(pcKey, numeric);
        versionText.set(pcKey, version);
        stored.pc = countsOf(data['pc']);
      }
      if (hasMobile) {
        versions.set(mobileKey, numeric);
        versionText.set(mobileKey, version);
        stored.mobile = countsOf(data['mobile']);
      }
      if (typeof data['extra'] === 'string') stored.extra = data['extra'];
      badges.set(userKey, stored);
      return jsonReply(200, { code: 0, msg: 'success', data: {} }, limitHeaders);
    } finally {
      if (locks.get(userKey) === lock) locks.delete(userKey);
    }
  };

  const takeFault = (route: RequestRoute): Fault | undefined => {
    for (let i = 0; i < faults.length; i++) {
      const queued = faults[i];
      if (queued === undefined) continue;
      if (queued.route !== 'any' && queued.route !== route) continue;
      queued.times -= 1;
      if (queued.times <= 0) faults.splice(i, 1);
      return queued.fault;
    }
    return undefined;
  };

  const send = (res: ServerResponse, record: RecordedRequest, reply: Reply): void => {
    record.status = reply.status;
    if (reply.code !== undefined) record.code = reply.code;
    if (closed || res.destroyed || res.writableEnded) return;
    const headers: Record<string, string | number> = {
      'Content-Type': reply.contentType,
      'Content-Length': Buffer.byteLength(reply.body),
      'X-Tt-Logid': record.logId,
      ...reply.headers,
    };
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  /** Answers a fault; returns false when handling should continue normally. */
  const applyFault = async (fault: Fault, req: IncomingMessage, res: ServerResponse, record: RecordedRequest): Promise<boolean> => {
    switch (fault.type) {
      case 'delay':
        await sleep(fault.ms);
        return false;
      case 'hang':
        return true;
      case 'reset':
        req.socket.destroy();
        return true;
      case 'status': {
        const body = fault.body ?? JSON.stringify({ code: -1, msg: 'internal error', error: { log_id: record.logId } });
        const parsed = parseJson(body);
        const contentType = fault.contentType ?? (parsed === undefined ? 'text/plain; charset=utf-8' : JSON_TYPE);
        const reply: Reply = { status: fault.status, body, contentType };
        if (isPlainObject(parsed) && typeof parsed['code'] === 'number') reply.code = parsed['code'];
        send(res, record, reply);
        return true;
      }
      case 'api-error':
        send(res, record, errorReply(fault.httpStatus ?? 400, fault.code, record.logId, fault.msg, fault.headers));
        return true;
      case 'html': {
        const status = fault.status ?? 502;
        send(res, record, { status, body: htmlPage(status), contentType: 'text/html' });
        return true;
      }
      case 'redirect': {
        const status = fault.status ?? 302;
        send(res, record, { status, body: '', contentType: 'text/plain; charset=utf-8', headers: { Location: fault.location } });
        return true;
      }
      case 'echo': {
        const status = fault.status ?? 200;
        const echoed = { headers: record.headers, body: record.rawBody };
        if (fault.as === 'html') {
          const escape = (text: string): string => text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
          send(res, record, { status, body: `<html><body><pre>${escape(JSON.stringify(echoed, null, 2))}</pre></body></html>`, contentType: 'text/html' });
        } else if (fault.as === 'json-with-code') {
          send(res, record, { status, code: 400, body: JSON.stringify({ code: 400, msg: `bad request: ${JSON.stringify(echoed)}`, data: echoed }), contentType: JSON_TYPE });
        } else {
          send(res, record, { status, body: JSON.stringify({ msg: 'ok', echo: echoed, ...(isPlainObject(record.body) ? record.body : {}) }), contentType: JSON_TYPE });
        }
        return true;
      }
      case 'broken-json': {
        const full = JSON.stringify({ code: 0, msg: 'success', data: {} });
        send(res, record, { status: 200, body: full.slice(0, Math.floor(full.length / 2)), contentType: JSON_TYPE });
        return true;
      }
    }
  };

  const people: Person[] = [];
  /** The app a tenant token belongs to, or the error reply (as the badge endpoint checks it). */
  const tokenApp = (headers: Record<string, string>, logId: string, now: number): { appId: string } | { reply: Reply } => {
    const authorization = headers['authorization'];
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return { reply: errorReply(400, 99991661, logId) };
    const token = authorization.slice('Bearer '.length).trim();
    if (!(token.startsWith('t-') && token.length > 2) && !JWT_SHAPE.test(token)) return { reply: errorReply(400, 99991671, logId) };
    const entry = tokens.get(token);
    if (entry === undefined || entry.revoked || now >= entry.expiresAt) return { reply: errorReply(400, 99991663, logId) };
    return { appId: entry.appId };
  };
  const idOf = (person: Person, type: string, appId: string): string =>
    type === 'user_id' ? person.userId : type === 'union_id' ? unionIdFor(person.userId) : (person.openId ?? openIdFor(appId, person.userId));
  /** Mainland numbers may be given without +86; others need their +CC. */
  const sameMobile = (given: string, stored: string | undefined): boolean => stored !== undefined && (given === stored || `+86${given}` === stored);
  const statusOf = (person: Person): Record<string, boolean> => ({ is_frozen: false, is_resigned: false, is_activated: true, is_exited: false, is_unjoin: false, ...person.status });
  const handleBatchGetId = (query: Record<string, string>, headers: Record<string, string>, body: unknown, logId: string, now: number): Reply => {
    const auth = readGate(headers, logId, now, [CONTACT_ID_SCOPE], [CONTACT_ID_SCOPE, 'contact:user.employee_id:readonly']);
    if ('reply' in auth) return auth.reply;
    const { app } = auth;
    const type = query['user_id_type'] ?? 'open_id';
    const data = (typeof body === 'object' && body !== null ? body : {}) as { emails?: unknown; mobiles?: unknown; include_resigned?: unknown };
    const list = (value: unknown): string[] | undefined => (value === undefined ? [] : Array.isArray(value) && value.length <= 50 && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined);
    const emails = list(data.emails);
    const mobiles = list(data.mobiles);
    if (!['open_id', 'union_id', 'user_id'].includes(type) || emails === undefined || mobiles === undefined) return errorReply(400, 99992402, logId, 'field validation failed');
    const includeResigned = data.include_resigned === true;
    const visible = (person: Person | undefined): Person | undefined =>
      person === undefined || (person.status?.is_resigned === true && !includeResigned) || !personInRange(app, person) ? undefined : person;
    const userList = [
      ...emails.map((email) => {
        const person = visible(people.find((p) => p.email !== undefined && p.email.toLowerCase() === email.toLowerCase()));
        return person === undefined ? { email } : { user_id: idOf(person, type, auth.appId), email, status: statusOf(person) };
      }),
      ...mobiles.map((mobile) => {
        const person = visible(people.find((p) => sameMobile(mobile, p.mobile)));
        return person === undefined ? { mobile } : { user_id: idOf(person, type, auth.appId), mobile, status: statusOf(person) };
      }),
    ];
    return ok({ user_list: userList });
  };

  const departments: Department[] = [];
  const safeDecode = (text: string): string | undefined => {
    try {
      return decodeURIComponent(text);
    } catch {
      return undefined;
    }
  };
  /** The contact and application APIs' own limit (per app, one window for all of them), when set. */
  const contactLimited = (appId: string, now: number, logId: string): Reply | undefined => checkRateLimit(appId, now, logId, contactRateLimit, `${appId}\u0000contact`).reply;
  /** What every read API checks first, in the gateway's order: the token, the rate limit, then one of the scopes. */
  const readGate = (headers: Record<string, string>, logId: string, now: number, anyOf: readonly string[], named?: readonly string[]): { appId: string; app: AppConfig | undefined } | { reply: Reply } => {
    const auth = tokenApp(headers, logId, now);
    if ('reply' in auth) return auth;
    const limited = contactLimited(auth.appId, now, logId);
    if (limited !== undefined) return { reply: limited };
    const app = apps.get(auth.appId);
    const denied = contactScopeReply(app, logId, anyOf, named);
    return denied === undefined ? { appId: auth.appId, app } : { reply: denied };
  };
  const contactScopeReply = (app: AppConfig | undefined, logId: string, anyOf: readonly string[], named: readonly string[] = anyOf): Reply | undefined =>
    app?.scopes !== undefined && !anyOf.some((scope) => app.scopes?.includes(scope) === true)
      ? errorReply(400, 99991672, logId, `Access denied. One of the following scopes is required: [${named.join(', ')}].`)
      : undefined;
  const parentOf = (departmentId: string): string | undefined => departments.find((d) => d.departmentId === departmentId)?.parentId;
  /** The department and its ancestors up to the root (bounded, in case a test builds a cycle). */
  const lineage = (departmentId: string): string[] => {
    const out: string[] = [];
    for (let id: string | undefined = departmentId, depth = 0; id !== undefined && depth < 64; id = id === '0' ? undefined : parentOf(id), depth++) out.push(id);
    return out;
  };
  const departmentsOf = (person: Person): string[] => person.departments ?? ['0'];
  const departmentInRange = (app: AppConfig | undefined, departmentId: string): boolean => {
    const range = app?.contactRange ?? 'all';
    return range === 'all' || lineage(departmentId).some((id) => range.includes(id));
  };
  const personInRange = (app: AppConfig | undefined, person: Person): boolean => departmentsOf(person).some((id) => departmentInRange(app, id));
  const openDepartmentIdOf = (d: Department): string => d.openDepartmentId ?? openDepartmentIdFor(d.departmentId);
  /** A department by the given ID and type; the root is `0` in both types. */
  const findDepartment = (id: string, type: string): { departmentId: string } | undefined =>
    id === '0' ? { departmentId: '0' } : departments.find((d) => (type === 'department_id' ? d.departmentId === id : openDepartmentIdOf(d) === id));
  const pageOf = <T>(items: T[], query: Record<string, string>, logId: string): { reply: Reply } | { page: T[]; hasMore: boolean; next: string } => {
    const size = query['page_size'] === undefined ? 10 : Number(query['page_size']);
    if (!Number.isInteger(size) || size < 1 || size > 100) return { reply: errorReply(400, 40011, logId) };
    const tokenText = query['page_token'];
    const offset = tokenText === undefined || tokenText === '' ? 0 : Number(Buffer.from(tokenText, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (!Number.isInteger(offset) || offset < 0) return { reply: errorReply(400, 99992402, logId, 'field validation failed: page_token') };
    const page = items.slice(offset, offset + size);
    const hasMore = offset + size < items.length;
    return { page, hasMore, next: hasMore ? Buffer.from(`offset:${offset + size}`).toString('base64url') : '' };
  };
  const userRecord = (person: Person, appId: string): Record<string, unknown> => ({
    open_id: person.openId ?? openIdFor(appId, person.userId),
    union_id: unionIdFor(person.userId),
    user_id: person.userId,
    ...(person.name === undefined ? {} : { name: person.name, en_name: person.name }),
    ...(person.email === undefined ? {} : { email: person.email }),
    ...(person.mobile === undefined ? {} : { mobile: person.mobile }),
    status: statusOf(person),
    department_ids: departmentsOf(person),
  });
  const ok = (data: unknown): Reply => ({ status: 200, code: 0, contentType: JSON_TYPE, body: JSON.stringify({ code: 0, msg: 'success', data }) });

  const handleFindByDepartment = (query: Record<string, string>, headers: Record<string, string>, logId: string, now: number): Reply => {
    const auth = readGate(headers, logId, now, [CONTACT_BASE_SCOPE, 'contact:contact:readonly_as_app']);
    if ('reply' in auth) return auth.reply;
    const { app } = auth;
    const type = query['department_id_type'] ?? 'open_department_id';
    const id = query['department_id'];
    if (id === undefined || id === '' || (type !== 'open_department_id' && type !== 'department_id')) return errorReply(400, 99992402, logId, 'field validation failed: department_id');
    const department = findDepartment(id, type);
    if (department === undefined) return errorReply(400, 40013, logId);
    // The root needs the all-members contact range; another department must lie inside the range.
    if (department.departmentId === '0' ? (app?.contactRange ?? 'all') !== 'all' : !departmentInRange(app, department.departmentId)) return errorReply(400, 41050, logId);
    const members = people.filter((person) => departmentsOf(person).includes(department.departmentId) && person.status?.is_resigned !== true);
    const paged = pageOf(members, query, logId);
    if ('reply' in paged) return paged.reply;
    return ok({ has_more: paged.hasMore, page_token: paged.next, items: paged.page.map((person) => userRecord(person, auth.appId)) });
  };

  const handleChildren = (departmentIdParam: string, query: Record<string, string>, headers: Record<string, string>, logId: string, now: number): Reply => {
    const auth = readGate(headers, logId, now, [CONTACT_BASE_SCOPE, 'contact:contact:readonly_as_app']);
    if ('reply' in auth) return auth.reply;
    const { app } = auth;
    const type = query['department_id_type'] ?? 'open_department_id';
    const decoded = safeDecode(departmentIdParam);
    if (decoded === undefined) return errorReply(400, 99992402, logId, 'field validation failed: department_id');
    const department = findDepartment(decoded, type);
    if (department === undefined) return errorReply(400, 40013, logId);
    if (department.departmentId === '0' ? (app?.contactRange ?? 'all') !== 'all' : !departmentInRange(app, department.departmentId)) return errorReply(400, 41050, logId);
    const children = departments.filter((d) => d.parentId === department.departmentId);
    const paged = pageOf(children, query, logId);
    if ('reply' in paged) return paged.reply;
    return ok({
      has_more: paged.hasMore,
      page_token: paged.next,
      items: paged.page.map((d) => ({ department_id: d.departmentId, open_department_id: openDepartmentIdOf(d), parent_department_id: d.parentId, name: d.name ?? d.departmentId })),
    });
  };

  const personById = (appId: string, type: string, id: string): Person | undefined => people.find((person) => idOf(person, type, appId) === id);

  const handleUsersBatch = (url: URL, headers: Record<string, string>, logId: string, now: number): Reply => {
    const auth = readGate(headers, logId, now, [USER_BASE_SCOPE, 'contact:contact:readonly_as_app']);
    if ('reply' in auth) return auth.reply;
    const { app } = auth;
    const type = url.searchParams.get('user_id_type') ?? 'open_id';
    const ids = url.searchParams.getAll('user_ids');
    if (ids.length === 0 || ids.length > 50 || !['open_id', 'union_id', 'user_id'].includes(type)) return errorReply(400, 99992402, logId, 'field validation failed: user_ids');
    const items = ids.flatMap((id) => {
      const person = personById(auth.appId, type, id);
      return person === undefined || !personInRange(app, person) ? [] : [userRecord(person, auth.appId)];
    });
    return ok({ items });
  };

  const handleAppMe = (query: Record<string, string>, headers: Record<string, string>, logId: string, now: number): Reply => {
    const auth = readGate(headers, logId, now, [APP_INFO_SCOPE, 'application:application:self_manage']);
    if ('reply' in auth) return auth.reply;
    const { app } = auth;
    const lang = query['lang'];
    if (lang !== 'zh_cn' && lang !== 'en_us' && lang !== 'ja_jp') return errorReply(400, 99992402, logId, 'field validation failed: lang');
    return ok({
      app: {
        app_id: auth.appId,
        app_name: lang === 'zh_cn' ? '沙盒应用' : 'Sandbox app',
        status: app?.status ?? 1,
        online_version_id: app?.onlineVersionId ?? 'oav_0123456789abcdef0123456789abcdef',
        pc_default_ability: app?.pcAbility ?? 'web_app',
        mobile_default_ability: app?.mobileAbility ?? 'web_app',
      },
    });
  };

  /** Whether the app is visible to a person, and the three list memberships, by user_id. */
  const visibilityOf = (app: AppConfig | undefined, userId: string): { white: boolean; black: boolean; paid: boolean } => {
    const visibleTo = app?.visibleTo ?? 'all';
    return { white: visibleTo === 'all' || visibleTo.includes(userId), black: app?.hiddenFrom?.includes(userId) === true, paid: app?.paid?.includes(userId) === true };
  };

  const handleVisibilityCheck = (appIdParam: string, query: Record<string, string>, headers: Record<string, string>, body: unknown, logId: string, now: number): Reply => {
    const auth = readGate(headers, logId, now, [APP_VISIBILITY_SCOPE, 'admin:app.visibility']);
    if ('reply' in auth) return auth.reply;
    const { app } = auth;
    if (safeDecode(appIdParam) !== auth.appId) return errorReply(400, 99992402, logId, 'field validation failed: app_id');
    const type = query['user_id_type'] ?? 'open_id';
    const ids = isPlainObject(body) ? body['user_ids'] : undefined;
    if (!Array.isArray(ids) || ids.length > 100 || !ids.every((id) => typeof id === 'string') || !['open_id', 'union_id', 'user_id'].includes(type)) {
      return errorReply(400, 99992402, logId, 'field validation failed: user_ids');
    }
    return ok({
      user_visibility_list: (ids as string[]).map((id) => {
        const person = personById(auth.appId, type, id);
        const seen = person === undefined ? { white: false, black: false, paid: false } : visibilityOf(app, person.userId);
        return { user_id: id, in_white_list: seen.white, in_black_list: seen.black, in_paid_list: seen.paid };
      }),
    });
  };

  /** What the badge call answers for a known person before storing: 99992361, 213006 or 213007; undefined to go on. */
  const personCheck = (appId: string, type: string, id: string): number | undefined => {
    if (people.length === 0) return undefined;
    const person = personById(appId, type, id);
    if (person === undefined) {
      const crossApp = type === 'open_id' && [...apps.keys()].some((other) => other !== appId && personById(other, type, id) !== undefined);
      return crossApp ? 99992361 : undefined;
    }
    const status = statusOf(person);
    if (status['is_resigned'] || status['is_frozen'] || !status['is_activated'] || status['is_exited']) return 213006;
    const seen = visibilityOf(apps.get(appId), person.userId);
    if (!seen.white || seen.black) return 213007;
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const now = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routeOf(url.pathname);
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = value;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers: flattenHeaders(req.headers),
      rawBody: '',
      body: undefined,
      logId: nextLogId(now),
      status: 0,
      route,
      receivedAt: now,
    };
    // Recorded before the body arrives so `requests` keeps arrival order.
    requests.push(record);
    if (route === 'badge') badgeLog.push(record);
    else if (route === 'token') tokenLog.push(record);

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    record.rawBody = Buffer.concat(chunks).toString('utf8');
    record.body = parseJson(record.rawBody);

    const fault = takeFault(route);
    if (fault !== undefined && (await applyFault(fault, req, res, record))) return;
    if (closed) return;

    const handledAt = Date.now();
    let reply: Reply;
    if (route === 'token' && record.method === 'POST') {
      reply = handleToken(record.body, record.logId, handledAt);
    } else if (route === 'badge' && record.method === 'POST') {
      reply = await handleBadge(query, record.headers, record.body, record.logId, handledAt);
    } else if (url.pathname === BATCH_GET_ID_PATH && record.method === 'POST') {
      reply = handleBatchGetId(query, record.headers, record.body, record.logId, handledAt);
    } else if (url.pathname === FIND_BY_DEPARTMENT_PATH && record.method === 'GET') {
      reply = handleFindByDepartment(query, record.headers, record.logId, handledAt);
    } else if (url.pathname === USERS_BATCH_PATH && record.method === 'GET') {
      reply = handleUsersBatch(url, record.headers, record.logId, handledAt);
    } else if (url.pathname === APP_ME_PATH && record.method === 'GET') {
      reply = handleAppMe(query, record.headers, record.logId, handledAt);
    } else if (DEPARTMENT_CHILDREN_PATTERN.test(url.pathname) && record.method === 'GET') {
      reply = handleChildren(DEPARTMENT_CHILDREN_PATTERN.exec(url.pathname)?.[1] ?? '', query, record.headers, record.logId, handledAt);
    } else if (VISIBILITY_CHECK_PATTERN.test(url.pathname) && record.method === 'POST') {
      reply = handleVisibilityCheck(VISIBILITY_CHECK_PATTERN.exec(url.pathname)?.[1] ?? '', query, record.headers, record.body, record.logId, handledAt);
    } else {
      reply = errorReply(404, 404, record.logId, 'page not found');
    }
    send(res, record, reply);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the fake must show up as a visible 500, not as a hanging test.
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': JSON_TYPE, 'X-Tt-Logid': nextLogId(Date.now()) });
        res.end(JSON.stringify({ code: -1, msg: `fake server error: ${message}` }));
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('feishu fake server: unexpected listen address');
  const url = `http://127.0.0.1:${address.port}`;

  const userKeyOf = (appId: string, userId: string, userIdType: string | undefined): string =>
    `${appId}\u0000${userIdType ?? 'open_id'}\u0000${userId}`;

  const api: FeishuServer = {
    url,
    requests,
    badgeRequests: () => badgeLog.slice(),
    tokenRequests: () => tokenLog.slice(),
    inject(fault, injectOptions) {
      const times = injectOptions?.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new RangeError('times must be an integer >= 1');
      faults.push({ fault, route: injectOptions?.route ?? 'badge', times });
    },
    pendingFaults: () => faults.reduce((sum, queued) => sum + queued.times, 0),
    setUserStatus(userId, status) {
      if (status === 'ok') userStatuses.delete(userId);
      else userStatuses.set(userId, status);
    },
    setRateLimit(limit) {
      validateRateLimit(limit);
      rateLimit = limit ? { ...limit } : undefined;
      windows.clear();
    },
    setContactRateLimit(limit) {
      validateRateLimit(limit);
      contactRateLimit = limit ? { ...limit } : undefined;
      windows.clear();
    },
    setBadgeLatency(ms) {
      requireNonNegative('badgeLatencyMs', ms);
      badgeLatencyMs = ms;
    },
    setTokenExpireSeconds(s) {
      requireNonNegative('tokenExpireSeconds', s);
      tokenExpireSeconds = s;
    },
    addPerson(person) {
      people.push({ ...person });
    },
    addDepartment(department) {
      departments.push({ ...department });
    },
    configureApp(appId, patch) {
      const app = apps.get(appId);
      if (!app) throw new Error(`unknown app ${appId}`);
      Object.assign(app, patch);
    },
    setAppDisabled(appId, disabled) {
      const app = apps.get(appId);
      if (!app) throw new Error(`unknown app ${appId}`);
      app.disabled = disabled;
    },
    addToken(token, appId, expireSeconds) {
      const owner = appId ?? initialApps[0]?.appId ?? DEFAULT_APP.appId;
      tokens.set(token, { appId: owner, expiresAt: Date.now() + (expireSeconds ?? tokenExpireSeconds) * 1000, revoked: false });
    },
    revokeToken(token) {
      const entry = tokens.get(token);
      if (entry) entry.revoked = true;
    },
    revokeAllTokens() {
      for (const entry of tokens.values()) entry.revoked = true;
    },
    issuedTokens: () => issued.slice(),
    lastVersion(appId, userId, platform, userIdType) {
      return versionText.get(`${userKeyOf(appId, userId, userIdType)}\u0000${platform}`);
    },
    badgeOf(appId, userId, userIdType) {
      const stored = badges.get(userKeyOf(appId, userId, userIdType));
      if (stored === undefined) return undefined;
      const copy: StoredBadge = {};
      if (stored.pc) copy.pc = { ...stored.pc };
      if (stored.mobile) copy.mobile = { ...stored.mobile };
      if (stored.extra !== undefined) copy.extra = stored.extra;
      return copy;
    },
    clearRequests() {
      // Truncate in place: callers may hold a reference to `requests`.
      requests.length = 0;
      badgeLog.length = 0;
      tokenLog.length = 0;
    },
    reset() {
      api.clearRequests();
      faults.length = 0;
      people.length = 0;
      departments.length = 0;
      tokens.clear();
      currentTokenOfApp.clear();
      issued.length = 0;
      versions.clear();
      versionText.clear();
      badges.clear();
      userStatuses.clear();
      windows.clear();
      locks.clear();
      resetApps();
      tokenExpireSeconds = defaults.tokenExpireSeconds;
      badgeLatencyMs = defaults.badgeLatencyMs;
      rateLimit = defaults.rateLimit ? { ...defaults.rateLimit } : undefined;
      contactRateLimit = options.contactRateLimit ? { ...options.contactRateLimit } : undefined;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
    },
  };
  return api;
}


function parseAppFlag(value: string): AppConfig {
  const separator = value.indexOf(':');
  if (separator <= 0 || separator === value.length - 1) throw new Error(`--app expects <app_id>:<app_secret>, got "${value}"`);
  return { appId: value.slice(0, separator), appSecret: value.slice(separator + 1) };
}

async function runCli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'rate-limit': { type: 'string' },
      /** always (default) | on429: which answers carry x-ogw-ratelimit-limit. */
      'rate-limit-headers': { type: 'string' },
      invisible: { type: 'string', multiple: true },
      inactive: { type: 'string', multiple: true },
      app: { type: 'string', multiple: true },
      latency: { type: 'string' },
      'token-expire': { type: 'string' },
    },
    strict: true,
  });
  const options: FeishuServerOptions = { port: Number(values.port) };
  if (!Number.isInteger(options.port) || (options.port ?? 0) < 0) throw new Error(`invalid --port ${values.port}`);
  const rate = values['rate-limit'];
  if (rate !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(rate);
    if (!match) throw new Error(`--rate-limit expects <limit>/<windowMs>, got "${rate}"`);
    options.rateLimit = { limit: Number(match[1]), windowMs: Number(match[2]) };
    const headers = values['rate-limit-headers'];
    if (headers !== undefined) {
      if (headers !== 'always' && headers !== 'on429') throw new Error(`--rate-limit-headers expects always or on429, got "${headers}"`);
      options.rateLimit.headers = headers;
    }
  }
  if (values.app && values.app.length > 0) options.apps = values.app.map(parseAppFlag);
  if (values.latency !== undefined) options.badgeLatencyMs = Number(values.latency);
  if (values['token-expire'] !== undefined) options.tokenExpireSeconds = Number(values['token-expire']);

  const server = await startFeishuServer(options);
  for (const id of values.invisible ?? []) server.setUserStatus(id, 'invisible');
  for (const id of values.inactive ?? []) server.setUserStatus(id, 'inactive');
  const apps = options.apps ?? [DEFAULT_APP];
  process.stdout.write(`${JSON.stringify({ url: server.url, apps })}\n`);

  const shutdown = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (isMainModule(import.meta.url)) {
  runCli().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
