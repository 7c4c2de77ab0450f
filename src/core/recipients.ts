// From people to IDs (issue 10 §1): emails and mobile numbers resolved to the IDs a badge is sent
// to, through `POST /open-apis/contact/v3/users/batch_get_id` (tenant token, scope
// contact:user.id:readonly, at most 50 emails and 50 mobiles per call), and the members of a
// department (and of its sub-departments) through `GET …/users/find_by_department` and
// `GET …/departments/:id/children` (scope contact:contact.base:readonly). open_ids are per app:
// whoever caches these answers keys them by profile and app.
import { normalizeMobile } from './bulkInput.ts';
import { callOpenApi, missingScopes } from './openApi.ts';
import type { OpenApiCallOptions, OpenApiRequest, Pace } from './openApi.ts';
import { outcomeFields } from './result.ts';
import type { BadgeCommandResult } from './result.ts';
import type { Transport } from './http.ts';
import type { TokenManager } from './token.ts';
import { USER_ID_TYPES } from './types.ts';
import type { Outcome, UserIdType } from './types.ts';

export const BATCH_GET_ID_PATH = '/open-apis/contact/v3/users/batch_get_id';
export const CONTACT_ID_SCOPE = 'contact:user.id:readonly';
/** The field scope without which contact answers leave `user_id` out. */
export const USER_ID_FIELD_SCOPE = 'contact:user.employee_id:readonly';
/** The platform's limit per call, for emails and for mobiles each. */
export const BATCH_GET_ID_MAX = 50;
export const FIND_BY_DEPARTMENT_PATH = '/open-apis/contact/v3/users/find_by_department';
export const CONTACT_BASE_SCOPE = 'contact:contact.base:readonly';
/** Above 100 the platform refuses the page size (40011). */
export const DEPARTMENT_PAGE_SIZE = 50;
export const DEFAULT_MAX_USERS = 50_000;
export const DEFAULT_MAX_DEPARTMENTS = 5_000;
export const CODE_DEPARTMENT_NOT_FOUND = 40013;
export const CODE_OUTSIDE_CONTACT_RANGE = 41050;

export function departmentChildrenPath(departmentId: string): string {
  return `/open-apis/contact/v3/departments/${encodeURIComponent(departmentId)}/children`;
}

export interface PersonStatus {
  is_frozen?: boolean;
  is_resigned?: boolean;
  is_activated?: boolean;
  is_exited?: boolean;
  is_unjoin?: boolean;
}

export interface ResolvedUser {
  id: string;
  idType: UserIdType;
  name?: string;
  email?: string;
  mobile?: string;
  status?: PersonStatus;
  source: 'email' | 'mobile' | 'department';
}

/**
 * Why an input found nobody. The API does not say: these are the documented causes that fit,
 * for the person to check (message ids `recipient.<reason>` in messages.ts, English and 简体中文).
 */
export type NotFoundReason = 'no-such-person' | 'enterprise-email' | 'outside-contact-range' | 'resigned' | 'missing-country-code';

export interface ResolveInput {
  emails?: readonly string[];
  mobiles?: readonly string[];
  userIdType?: UserIdType;
  /** Also return people who left (their IDs, with `status.is_resigned`). */
  includeResigned?: boolean;
}

export interface ResolveResult {
  ok: boolean;
  users: ResolvedUser[];
  notFound: Array<{ input: string; reasons: NotFoundReason[] }>;
  /**
   * Why the lookup stopped (the users found before it are kept). `paging-loop`: the server kept
   * answering "more" without moving on; `too-many`: past `maxUsers` or `maxDepartments`;
   * `invalid-input`: refused before any call.
   */
  error?: BadgeCommandResult['error'] | 'missing-scope' | 'outside-contact-range' | 'department-not-found' | 'invalid-input' | 'paging-loop' | 'too-many';
  code?: number;
  msg?: string;
  logId?: string;
  /** The scopes the platform named in a 99991672 answer (or, with `withoutId`, the field scope that would have given the IDs). */
  missingScopes?: string[];
  /** Members listed without an ID of the requested type (left out): user_id needs the field scope contact:user.employee_id:readonly. */
  withoutId?: number;
}

function reasonsFor(input: string, source: 'email' | 'mobile', includeResigned: boolean): NotFoundReason[] {
  const reasons: NotFoundReason[] = ['no-such-person'];
  if (source === 'email') reasons.push('enterprise-email');
  if (source === 'mobile' && !input.startsWith('+')) reasons.push('missing-country-code');
  reasons.push('outside-contact-range');
  if (!includeResigned) reasons.push('resigned');
  return reasons;
}

const chunks = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Resolves emails and mobiles, 50 of each kind per call, one call at a time (a list of 1,000 is
 * 20 calls, well within the contact API's 50/s). Every input ends up in `users` or `notFound`,
 * unless a call fails: then the lookup stops and says why (a missing scope names it).
 */
export async function resolveContacts(transport: Transport, tokens: TokenManager, input: ResolveInput, signal?: AbortSignal, pace?: Pace): Promise<ResolveResult> {
  const idType = input.userIdType ?? 'open_id';
  const includeResigned = input.includeResigned === true;
  const clean = (list: readonly string[] | undefined, normalize: (text: string) => string): string[] => [...new Set((list ?? []).map(normalize).filter((item) => item !== ''))];
  const batches: Array<{ source: 'email' | 'mobile'; items: string[] }> = [
    ...chunks(clean(input.emails, (item) => item.normalize('NFKC').trim()), BATCH_GET_ID_MAX).map((items) => ({ source: 'email' as const, items })),
    // Looked up as the platform stores them: full-width digits folded, spaces and hyphens dropped.
    ...chunks(clean(input.mobiles, normalizeMobile), BATCH_GET_ID_MAX).map((items) => ({ source: 'mobile' as const, items })),
  ];
  const result: ResolveResult = { ok: true, users: [], notFound: [] };
  for (const batch of batches) {
    const body = { [batch.source === 'email' ? 'emails' : 'mobiles']: batch.items, ...(includeResigned ? { include_resigned: true } : {}) };
    const outcome = await callOpenApi(transport, tokens, { method: 'POST', path: BATCH_GET_ID_PATH, query: { user_id_type: idType }, body }, { ...(signal === undefined ? {} : { signal }), ...(pace === undefined ? {} : { pace }) });
    if (outcome.kind !== 'success') return fail(result, outcome);
    const list = (outcome.response as { data?: { user_list?: unknown } } | undefined)?.data?.user_list;
    // An answer without a list is not "nobody found": it is an answer this client cannot read.
    if (!Array.isArray(list)) return fail(result, { kind: 'invalid-response', httpStatus: outcome.httpStatus, snippet: 'batch_get_id answered without data.user_list', ...(outcome.logId === undefined ? {} : { logId: outcome.logId }) });
    const entries = list.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null);
    const found = new Map<string, Record<string, unknown>>();
    for (const entry of entries) {
      const key = typeof entry?.[batch.source] === 'string' ? (entry[batch.source] as string) : undefined;
      // An ID the badge call could not take (spaces, control or direction characters) is no answer.
      if (key !== undefined && typeof entry.user_id === 'string' && USABLE_ID.test(entry.user_id)) found.set(key.toLowerCase(), entry);
    }
    for (const item of batch.items) {
      const entry = found.get(item.toLowerCase());
      if (entry === undefined) {
        result.notFound.push({ input: item, reasons: reasonsFor(item, batch.source, includeResigned) });
        continue;
      }
      const user: ResolvedUser = { id: entry.user_id as string, idType, source: batch.source, [batch.source]: item };
      // Only the five flags, never the object as sent: a server's keys are untrusted text.
      const status = statusFlags(entry.status);
      if (status !== undefined) user.status = status;
      result.users.push(user);
    }
  }
  return result;
}

function fail(result: ResolveResult, outcome: Exclude<Outcome, { kind: 'success' }>, fallbackScope = CONTACT_ID_SCOPE): ResolveResult {
  const fields = outcomeFields(outcome);
  const out: ResolveResult = { ...result, ok: false };
  if (fields.error !== undefined) out.error = fields.error;
  if (fields.code !== undefined) out.code = fields.code;
  if (fields.msg !== undefined) out.msg = fields.msg;
  if (fields.logId !== undefined) out.logId = fields.logId;
  const scopes = missingScopes(outcome, fallbackScope);
  if (scopes !== undefined) {
    out.error = 'missing-scope';
    out.missingScopes = scopes;
  }
  return out;
}

export type DepartmentIdType = 'open_department_id' | 'department_id';
const DEPARTMENT_ID_TYPES: readonly DepartmentIdType[] = ['open_department_id', 'department_id'];
/** Far above any real department ID; keeps a pasted paragraph out of the URL. */
const MAX_DEPARTMENT_ID_LENGTH = 256;
const CONTROL_CHARACTER = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export interface DepartmentQuery {
  departmentId: string;
  /** Default `open_department_id`; the root `0` is the same in both. */
  departmentIdType?: DepartmentIdType;
  /** Also the members of every sub-department, at any depth. */
  recursive?: boolean;
  userIdType?: UserIdType;
}

export interface DepartmentProgress {
  /** Departments whose members (and, when recursive, children) are all listed. */
  departmentsDone: number;
  /** Departments found so far, done or still to list. */
  departmentsSeen: number;
  /** Distinct people found so far. */
  users: number;
}

export interface DepartmentOptions {
  signal?: AbortSignal;
  pace?: Pace;
  /** Called after each page. */
  onProgress?: (progress: DepartmentProgress) => void;
  /** Stop with `too-many` past this many people (default 50,000). */
  maxUsers?: number;
  /** Stop with `too-many` past this many departments, the first included (default 5,000). */
  maxDepartments?: number;
}

type Item = Record<string, unknown>;
type PageStop = { outcome: Exclude<Outcome, { kind: 'success' }> } | { error: 'paging-loop' | 'too-many'; logId?: string };

const isItem = (value: unknown): value is Item => typeof value === 'object' && value !== null && !Array.isArray(value);
const limitOf = (value: number | undefined, fallback: number): number => (value !== undefined && Number.isFinite(value) ? Math.max(1, Math.floor(value)) : fallback);

/**
 * The members of a department, each person once, with their IDs for this app: direct members, or
 * when `recursive` those of every department below it too, breadth-first, each department listed
 * once even if the tree has a cycle. One call at a time, 50 per page. A failed call stops the walk
 * and says why (the people found before it are kept); a server that keeps paging without moving on
 * is stopped rather than followed forever.
 */
export async function findDepartmentMembers(transport: Transport, tokens: TokenManager, query: DepartmentQuery, options: DepartmentOptions = {}): Promise<ResolveResult> {
  const result: ResolveResult = { ok: true, users: [], notFound: [] };
  // Checked at run time too: commands hand this whatever another extension passed.
  const raw: unknown = query.departmentId;
  const departmentId = typeof raw === 'string' ? raw.trim() : '';
  const departmentIdType = query.departmentIdType ?? 'open_department_id';
  const idType = query.userIdType ?? 'open_id';
  // `.` and `..` would be read as path segments (…/departments/../children), whatever the encoding.
  if (departmentId === '' || /^\.{1,2}$/.test(departmentId) || departmentId.length > MAX_DEPARTMENT_ID_LENGTH || CONTROL_CHARACTER.test(raw as string) || !DEPARTMENT_ID_TYPES.includes(departmentIdType) || !USER_ID_TYPES.includes(idType)) {
    return { ...result, ok: false, error: 'invalid-input' };
  }
  const maxUsers = limitOf(options.maxUsers, DEFAULT_MAX_USERS);
  const maxDepartments = limitOf(options.maxDepartments, DEFAULT_MAX_DEPARTMENTS);
  const callOptions: OpenApiCallOptions = { ...(options.signal === undefined ? {} : { signal: options.signal }), ...(options.pace === undefined ? {} : { pace: options.pace }) };
  const recursive = query.recursive === true;
  const seenUsers = new Set<string>();
  const queue: string[] = [departmentId];
  const seenDepartments = new Set(queue);
  let done = 0;
  let withoutId = 0;
  const progress = (): void => options.onProgress?.({ departmentsDone: done, departmentsSeen: seenDepartments.size, users: result.users.length });

  for (let next = 0; next < queue.length; next++) {
    const current = queue[next] as string;
    const typeQuery = { department_id_type: departmentIdType };
    const members = await eachPage(transport, tokens, { method: 'GET', path: FIND_BY_DEPARTMENT_PATH, query: { ...typeQuery, department_id: current, user_id_type: idType } }, callOptions, maxUsers, (items, last) => {
      for (const item of items) {
        const id = item[idType];
        if (typeof id !== 'string' || !USABLE_ID.test(id)) {
          // The platform leaves user_id out without the field scope contact:user.employee_id:readonly.
          withoutId++;
          continue;
        }
        if (seenUsers.has(id)) continue;
        if (result.users.length >= maxUsers) return 'too-many';
        seenUsers.add(id);
        result.users.push(departmentUser(item, id, idType));
      }
      if (last && !recursive) done++;
      progress();
      return undefined;
    });
    if (members !== undefined) return departmentFail(result, members);
    if (!recursive) continue;
    const children = await eachPage(transport, tokens, { method: 'GET', path: departmentChildrenPath(current), query: typeQuery }, callOptions, maxDepartments, (items, last) => {
      for (const item of items) {
        const childId = item[departmentIdType];
        // A child ID the next request could not carry safely (a dot segment, a control character) is left out.
        if (typeof childId !== 'string' || childId === '' || /^\.{1,2}$/.test(childId) || CONTROL_CHARACTER.test(childId) || childId.length > MAX_DEPARTMENT_ID_LENGTH || seenDepartments.has(childId)) continue;
        if (seenDepartments.size >= maxDepartments) return 'too-many';
        seenDepartments.add(childId);
        queue.push(childId);
      }
      if (last) done++;
      progress();
      return undefined;
    });
    if (children !== undefined) return departmentFail(result, children);
  }
  if (withoutId > 0) {
    result.withoutId = withoutId;
    if (idType === 'user_id') result.missingScopes = [USER_ID_FIELD_SCOPE];
  }
  return result;
}

/** What a badge call can take as a user ID: printable ASCII without spaces, at most 256 characters. */
const USABLE_ID = /^[\x21-\x7e]{1,256}$/;

/** Server text shown to a person (a name, an email): control, format and direction characters removed, at most 200 characters. */
function shownText(value: string): string {
  return value.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '').trim().slice(0, 200);
}

function departmentUser(item: Item, id: string, idType: UserIdType): ResolvedUser {
  const user: ResolvedUser = { id, idType, source: 'department' };
  for (const field of ['name', 'email', 'mobile'] as const) {
    const value = item[field];
    if (typeof value === 'string' && shownText(value) !== '') user[field] = shownText(value);
  }
  const status = statusFlags(item.status);
  if (status !== undefined) user.status = status;
  return user;
}

/** The person status flags of an answer, booleans only; undefined when there is no status object. */
function statusFlags(value: unknown): PersonStatus | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const status: PersonStatus = {};
  for (const flag of ['is_frozen', 'is_resigned', 'is_activated', 'is_exited', 'is_unjoin'] as const) {
    const flagValue = (value as Record<string, unknown>)[flag];
    if (typeof flagValue === 'boolean') status[flag] = flagValue;
  }
  return status;
}

/**
 * Every page of one listing, `onPage` told each page's items and whether it is the last. A page
 * token must be new each time: one already used, a missing one with `has_more`, or more pages than
 * `limit` items could fill (twice over, for pages the contact range thins out) mean the server is
 * not moving on, and following it would never end.
 */
async function eachPage(
  transport: Transport,
  tokens: TokenManager,
  request: OpenApiRequest,
  options: OpenApiCallOptions,
  limit: number,
  onPage: (items: Item[], last: boolean) => 'too-many' | undefined,
): Promise<PageStop | undefined> {
  const maxPages = Math.ceil(limit / DEPARTMENT_PAGE_SIZE) * 2 + 10;
  const used = new Set<string>();
  let pageToken: string | undefined;
  for (let page = 1; ; page++) {
    if (options.signal?.aborted === true) return { outcome: { kind: 'cancelled' } };
    const query = { ...request.query, page_size: String(DEPARTMENT_PAGE_SIZE), ...(pageToken === undefined ? {} : { page_token: pageToken }) };
    const outcome = await callOpenApi(transport, tokens, { ...request, query }, options);
    if (outcome.kind !== 'success') return { outcome };
    const data = isItem(outcome.response) && isItem(outcome.response.data) ? outcome.response.data : {};
    // An empty page may come without `items` at all.
    const items = Array.isArray(data.items) ? data.items.filter(isItem) : [];
    const more = data.has_more === true;
    const logId = outcome.logId === undefined ? {} : { logId: outcome.logId };
    if (onPage(items, !more) !== undefined) return { error: 'too-many', ...logId };
    if (!more) return undefined;
    const token = data.page_token;
    if (typeof token !== 'string' || token === '' || used.has(token) || page >= maxPages) return { error: 'paging-loop', ...logId };
    used.add(token);
    pageToken = token;
  }
}

function departmentFail(result: ResolveResult, stop: PageStop): ResolveResult {
  if ('error' in stop) return { ...result, ok: false, error: stop.error, ...(stop.logId === undefined ? {} : { logId: stop.logId }) };
  const out = fail(result, stop.outcome, CONTACT_BASE_SCOPE);
  if (out.error === 'api' && out.code === CODE_OUTSIDE_CONTACT_RANGE) out.error = 'outside-contact-range';
  if (out.error === 'api' && out.code === CODE_DEPARTMENT_NOT_FOUND) out.error = 'department-not-found';
  return out;
}
