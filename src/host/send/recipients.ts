import type * as vscode from 'vscode';
import { diagnose } from '../../core/diagnose.ts';
import type { DiagnoseResult } from '../../core/diagnose.ts';
import { normalizeMobile } from '../../core/bulkInput.ts';
import { formatMessage } from '../../core/messages.ts';
import { RateWindow } from '../../core/openApi.ts';
import type { Pace } from '../../core/openApi.ts';
import { preflight } from '../../core/preflight.ts';
import type { PreflightResult } from '../../core/preflight.ts';
import { DEFAULT_MAX_DEPARTMENTS, DEFAULT_MAX_USERS, USER_ID_FIELD_SCOPE, findDepartmentMembers, resolveContacts } from '../../core/recipients.ts';
import type { DepartmentProgress, NotFoundReason, ResolveResult, ResolvedUser } from '../../core/recipients.ts';
import type { TokenManager } from '../../core/token.ts';
import type { Locale, UserIdType } from '../../core/types.ts';
import type { ClientProblem, ClientSource, ProfileClient } from './clients.ts';

export interface ResolveUsersInput {
  emails?: readonly string[];
  mobiles?: readonly string[];
  departmentId?: string;
  departmentIdType?: 'open_department_id' | 'department_id';
  recursive?: boolean;
  userIdType?: UserIdType;
  /** Also find people who left (with `status.is_resigned`), so they can be named as such. */
  includeResigned?: boolean;
}

/** What `feishuBadge.resolveUsers` returns (issue 10 §1). */
export interface ResolveUsersResult {
  ok: boolean;
  users: ResolvedUser[];
  /** Every input that found nobody, with the documented causes that fit (ids) and the same in the display language. */
  notFound: Array<{ input: string; reasons: NotFoundReason[]; detail: string }>;
  error?: string;
  code?: number;
  msg?: string;
  logId?: string;
  missingScopes?: string[];
  /** Answers taken from this window's cache (same profile, app and ID type, less than 10 minutes old). */
  cached?: number;
  /** Members a department listing gave without an ID of the requested type (left out), and why, in `note`. */
  withoutId?: number;
  note?: string;
}

export interface RecipientCallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: DepartmentProgress) => void;
}

const CACHE_TTL_MS = 10 * 60_000;

/** An email or a phone number as the platform reads it (and as the cache keys it). */
function lookupForm(source: 'email' | 'mobile', text: string): string {
  return source === 'email' ? text.normalize('NFKC').trim() : normalizeMobile(text);
}
const CACHE_MAX = 20_000;

/**
 * Resolves people to IDs, explains a missing badge, and checks recipients before a bulk run,
 * with the active profile's credentials. open_ids are per app: the cache is keyed by profile, app,
 * API base and ID type, and an entry is never read across them. Calls are paced per app within
 * the contact APIs' limits (one turn-taker per token manager, so every caller of one app shares it).
 */
export class RecipientService {
  readonly #clients: ClientSource;
  readonly #locale: () => Locale;
  readonly #log: vscode.LogOutputChannel;
  readonly #paces = new WeakMap<TokenManager, Pace>();
  readonly #cache = new Map<string, { user: ResolvedUser; at: number }>();
  readonly #now: () => number;

  constructor(options: { clients: ClientSource; locale: () => Locale; log: vscode.LogOutputChannel; now?: () => number }) {
    this.#clients = options.clients;
    this.#locale = options.locale;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
  }

  #pace(client: ProfileClient): Pace {
    let pace = this.#paces.get(client.tokens);
    if (pace === undefined) {
      pace = RateWindow.contact().acquire;
      this.#paces.set(client.tokens, pace);
    }
    return pace;
  }

  async #client(): Promise<{ ok: true; client: ProfileClient } | { ok: false; error: ClientProblem; message: string }> {
    return this.#clients.forNetwork();
  }

  async resolve(input: ResolveUsersInput, options: RecipientCallOptions = {}): Promise<ResolveUsersResult> {
    const built = await this.#client();
    if (!built.ok) return { ok: false, users: [], notFound: [], error: built.error, msg: built.message };
    const { client } = built;
    const idType = input.userIdType ?? 'open_id';
    const scope = `${client.profileId}\u0000${client.appId}\u0000${client.baseUrl}\u0000${idType}\u0000${input.includeResigned === true ? 'all' : 'current'}`;
    const pace = this.#pace(client);
    const signalOpt = options.signal === undefined ? {} : { signal: options.signal };
    let result: ResolveResult;
    let cached = 0;
    if (input.departmentId !== undefined) {
      result = await findDepartmentMembers(
        client.transport,
        client.tokens,
        { departmentId: input.departmentId, userIdType: idType, ...(input.departmentIdType === undefined ? {} : { departmentIdType: input.departmentIdType }), ...(input.recursive === undefined ? {} : { recursive: input.recursive }) },
        { ...signalOpt, pace, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) },
      );
    } else {
      // Answers from the cache first; only the rest go to the platform. Inputs are looked up (and
      // cached) as the platform reads them, and come back as the caller wrote them.
      const fromCache: ResolvedUser[] = [];
      const asGiven = new Map<string, string>();
      const ask = (source: 'email' | 'mobile', list: readonly string[] | undefined): string[] =>
        (list ?? []).flatMap((item) => {
          const looked = lookupForm(source, item);
          if (looked === '') return [];
          if (!asGiven.has(`${source}\u0000${looked.toLowerCase()}`)) asGiven.set(`${source}\u0000${looked.toLowerCase()}`, item.trim());
          const hit = this.#cached(scope, source, looked);
          if (hit !== undefined) fromCache.push({ ...hit, [source]: item.trim() });
          return hit === undefined ? [looked] : [];
        });
      const emails = ask('email', input.emails);
      const mobiles = ask('mobile', input.mobiles);
      cached = fromCache.length;
      result = emails.length + mobiles.length === 0 ? { ok: true, users: [], notFound: [] } : await resolveContacts(client.transport, client.tokens, { emails, mobiles, userIdType: idType, ...(input.includeResigned === true ? { includeResigned: true } : {}) }, options.signal, pace);
      const given = (source: 'email' | 'mobile', looked: string): string => asGiven.get(`${source}\u0000${looked.toLowerCase()}`) ?? looked;
      const fresh = result.users.map((user) => {
        const source = user.source === 'email' || user.source === 'mobile' ? user.source : undefined;
        const looked = source === undefined ? undefined : user[source];
        if (source === undefined || looked === undefined) return user;
        this.#remember(scope, source, looked, user);
        return { ...user, [source]: given(source, looked) };
      });
      const notFound = result.notFound.map((entry) => ({ ...entry, input: given(entry.input.includes('@') ? 'email' : 'mobile', entry.input) }));
      result = { ...result, users: [...fromCache, ...fresh], notFound };
    }
    const locale = this.#locale();
    // The core's stop reasons in the display language (the platform's msg, when there is one, is kept in `msg`).
    const stopMessage = (): string | undefined => {
      switch (result.error) {
        case 'missing-scope':
          return formatMessage('recipient.missing-scope', locale, { scopes: (result.missingScopes ?? []).join(', ') });
        case 'outside-contact-range':
          return formatMessage('recipient.outside-contact-range-department', locale);
        case 'department-not-found':
          return formatMessage('recipient.department-not-found', locale);
        case 'paging-loop':
          return formatMessage('recipient.paging-loop', locale);
        case 'too-many':
          return formatMessage('recipient.too-many', locale, { maxUsers: DEFAULT_MAX_USERS, maxDepartments: DEFAULT_MAX_DEPARTMENTS });
        default:
          return undefined;
      }
    };
    const out: ResolveUsersResult = {
      ok: result.ok,
      users: result.users,
      notFound: result.notFound.map((entry) => ({ ...entry, detail: entry.reasons.map((reason) => formatMessage(`recipient.${reason}`, locale)).join(' ') })),
    };
    if (cached > 0) out.cached = cached;
    for (const field of ['error', 'code', 'msg', 'logId', 'missingScopes', 'withoutId'] as const) {
      if (result[field] !== undefined) (out as unknown as Record<string, unknown>)[field] = result[field];
    }
    const explained = result.ok ? undefined : stopMessage();
    if (explained !== undefined) out.msg = explained;
    else if (!result.ok && (out.msg === undefined || out.msg === '')) out.msg = formatMessage('recipient.lookup-failed', locale, { what: result.code === undefined ? (result.error ?? '') : `code ${result.code}`, logId: result.logId ?? '–' });
    if (result.withoutId !== undefined) out.note = formatMessage('recipient.without-id', locale, { count: result.withoutId, type: idType, scope: USER_ID_FIELD_SCOPE });
    this.#log.info(
      `resolve users: ${out.users.length} found, ${out.notFound.length} not found${cached > 0 ? `, ${cached} from cache` : ''}${out.ok ? '' : `; stopped: ${out.error ?? ''}${out.code === undefined ? '' : ` ${out.code}`}${out.logId === undefined ? '' : ` log_id=${out.logId}`}`}`,
    );
    return out;
  }

  #cached(scope: string, source: 'email' | 'mobile', input: string): ResolvedUser | undefined {
    const key = `${scope}\u0000${source}\u0000${input.trim().toLowerCase()}`;
    const entry = this.#cache.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() - entry.at > CACHE_TTL_MS) {
      this.#cache.delete(key);
      return undefined;
    }
    return entry.user;
  }

  #remember(scope: string, source: 'email' | 'mobile', input: string, user: ResolvedUser): void {
    const key = `${scope}\u0000${source}\u0000${input.trim().toLowerCase()}`;
    this.#cache.delete(key);
    this.#cache.set(key, { user, at: this.#now() });
    if (this.#cache.size > CACHE_MAX) {
      const oldest = this.#cache.keys().next();
      if (oldest.done !== true) this.#cache.delete(oldest.value);
    }
  }

  /** Forgets every cached resolution (credentials or profiles changed). */
  clearCache(): void {
    this.#cache.clear();
  }

  async diagnose(
    input: { userId: string; userIdType: UserIdType; counts?: { pc?: { web_app?: number; gadget?: number }; mobile?: { web_app?: number; gadget?: number } } },
    options: RecipientCallOptions = {},
  ): Promise<DiagnoseResult> {
    const locale = this.#locale();
    const network = await this.#client();
    if (!network.ok) {
      const offline = await diagnose(undefined, undefined, { userId: input.userId, userIdType: input.userIdType, locale, hasCredentials: false });
      // No credentials: the core's first check says so. Unusable settings or an API base not
      // confirmed: that is the first check's failure, and the rest cannot run.
      if (network.error === 'no-credentials') return offline;
      return { ok: false, checks: offline.checks.map((check, index) => (index === 0 ? { ...check, status: 'fail' as const, detail: network.message } : check)) };
    }
    const { client } = network;
    const appId = client.credentials.kind === 'self-built' ? client.credentials.appId : undefined;
    const result = await diagnose(
      client.transport,
      client.tokens,
      { userId: input.userId, userIdType: input.userIdType, locale, hasCredentials: true, ...(appId === undefined ? {} : { appId }), ...(input.counts === undefined ? {} : { counts: input.counts }) },
      { pace: this.#pace(client), ...(options.signal === undefined ? {} : { signal: options.signal }) },
    );
    this.#log.info(`diagnose ${input.userIdType}: ${result.checks.map((check) => `${check.id}=${check.status}${check.code === undefined ? '' : `(${check.code})`}`).join(' ')}`);
    return result;
  }

  async preflight(userIds: readonly string[], userIdType: UserIdType, options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<PreflightResult | { ok: false; error: ClientProblem | 'no-app-id'; msg: string }> {
    const built = await this.#client();
    if (!built.ok) return { ok: false, error: built.error, msg: built.message };
    const { client } = built;
    if (client.credentials.kind !== 'self-built') return { ok: false, error: 'no-app-id', msg: '' };
    const result = await preflight(client.transport, client.tokens, { appId: client.credentials.appId, userIds, userIdType }, { pace: this.#pace(client), ...options });
    this.#log.info(
      `pre-flight ${userIds.length} ${userIdType}: ${result.sendable.length} sendable, ${result.notVisible.length} not visible, ${result.inactive.length} inactive, ${result.unknown.length} unknown` +
        `${result.ok ? '' : `; stopped: ${result.error ?? ''}${result.code === undefined ? '' : ` ${result.code}`}${result.logId === undefined ? '' : ` log_id=${result.logId}`}`}${result.missingScopes === undefined ? '' : `; missing scopes ${result.missingScopes.join(', ')}`}`,
    );
    return result;
  }
}
