// From people to IDs (issue 10 §1): emails and mobile numbers resolved to the IDs a badge is sent
// to, through `POST /open-apis/contact/v3/users/batch_get_id` (tenant token, scope
// contact:user.id:readonly, at most 50 emails and 50 mobiles per call). open_ids are per app:
// whoever caches these answers keys them by profile and app.
import { callOpenApi, missingScopes } from './openApi.ts';
import type { Pace } from './openApi.ts';
import { outcomeFields } from './result.ts';
import type { BadgeCommandResult } from './result.ts';
import type { Transport } from './http.ts';
import type { TokenManager } from './token.ts';
import type { Outcome, UserIdType } from './types.ts';

export const BATCH_GET_ID_PATH = '/open-apis/contact/v3/users/batch_get_id';
export const CONTACT_ID_SCOPE = 'contact:user.id:readonly';
/** The platform's limit per call, for emails and for mobiles each. */
export const BATCH_GET_ID_MAX = 50;

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
  email?: string;
  mobile?: string;
  status?: PersonStatus;
  source: 'email' | 'mobile';
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
  /** Why the lookup stopped (the users found before it are kept). */
  error?: BadgeCommandResult['error'] | 'missing-scope';
  code?: number;
  msg?: string;
  logId?: string;
  /** The scopes the platform named in a 99991672 answer. */
  missingScopes?: string[];
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
  const clean = (list: readonly string[] | undefined): string[] => [...new Set((list ?? []).map((item) => item.trim()).filter((item) => item !== ''))];
  const batches: Array<{ source: 'email' | 'mobile'; items: string[] }> = [
    ...chunks(clean(input.emails), BATCH_GET_ID_MAX).map((items) => ({ source: 'email' as const, items })),
    ...chunks(clean(input.mobiles), BATCH_GET_ID_MAX).map((items) => ({ source: 'mobile' as const, items })),
  ];
  const result: ResolveResult = { ok: true, users: [], notFound: [] };
  for (const batch of batches) {
    const body = { [batch.source === 'email' ? 'emails' : 'mobiles']: batch.items, ...(includeResigned ? { include_resigned: true } : {}) };
    const outcome = await callOpenApi(transport, tokens, { method: 'POST', path: BATCH_GET_ID_PATH, query: { user_id_type: idType }, body }, { ...(signal === undefined ? {} : { signal }), ...(pace === undefined ? {} : { pace }) });
    if (outcome.kind !== 'success') return fail(result, outcome);
    const list = (outcome.response as { data?: { user_list?: unknown } } | undefined)?.data?.user_list;
    const entries = Array.isArray(list) ? (list as Array<Record<string, unknown>>) : [];
    const found = new Map<string, Record<string, unknown>>();
    for (const entry of entries) {
      const key = typeof entry?.[batch.source] === 'string' ? (entry[batch.source] as string) : undefined;
      if (key !== undefined && typeof entry.user_id === 'string' && entry.user_id !== '') found.set(key.toLowerCase(), entry);
    }
    for (const item of batch.items) {
      const entry = found.get(item.toLowerCase());
      if (entry === undefined) {
        result.notFound.push({ input: item, reasons: reasonsFor(item, batch.source, includeResigned) });
        continue;
      }
      const user: ResolvedUser = { id: entry.user_id as string, idType, source: batch.source, [batch.source]: item };
      if (typeof entry.status === 'object' && entry.status !== null) user.status = entry.status as PersonStatus;
      result.users.push(user);
    }
  }
  return result;
}

function fail(result: ResolveResult, outcome: Exclude<Outcome, { kind: 'success' }>): ResolveResult {
  const fields = outcomeFields(outcome);
  const out: ResolveResult = { ...result, ok: false };
  if (fields.error !== undefined) out.error = fields.error;
  if (fields.code !== undefined) out.code = fields.code;
  if (fields.msg !== undefined) out.msg = fields.msg;
  if (fields.logId !== undefined) out.logId = fields.logId;
  const scopes = missingScopes(outcome, CONTACT_ID_SCOPE);
  if (scopes !== undefined) {
    out.error = 'missing-scope';
    out.missingScopes = scopes;
  }
  return out;
}
