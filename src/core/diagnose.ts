// "Why no red dot?" (issue 10 §2): the causes a badge call cannot tell apart from "nothing
// happened", checked one by one for one person, in the display language: the credentials, the app
// (enabled, released, the ability the counts are for), the ID against its type and this app, the
// person's account, the app's availability to them, and what only the person can check. A check
// that cannot be made (a scope not granted, a call failing) is skipped with the reason; it never
// fails the diagnosis as a whole.
import { guidanceFor, describeOutcome } from './guidance/guidance.ts';
import type { FailureDescriptor } from './guidance/guidance.ts';
import { formatDiagnose } from './diagnoseMessages.ts';
import type { DiagnoseMessageId } from './diagnoseMessages.ts';
import { callOpenApi, missingScopes, permissionPageUrl } from './openApi.ts';
import type { OpenApiRequest, Pace } from './openApi.ts';
import {
  APP_VISIBILITY_SCOPE,
  USER_BASE_SCOPE,
  USERS_BATCH_PATH,
  consoleOriginFor,
  inactiveReasons,
  readStatusItems,
  readVisibilityList,
  visibilityCheckPath,
} from './preflight.ts';
import type { InactiveReason } from './preflight.ts';
import type { Transport } from './http.ts';
import type { RetryPolicyOptions } from './retry.ts';
import type { TokenManager } from './token.ts';
import type { ClientBadgeNum, Locale, Outcome, UserIdType } from './types.ts';

export const APP_ME_PATH = '/open-apis/application/v6/applications/me';
export const APP_INFO_SCOPE = 'admin:app.info:readonly';

export type DiagnoseCheckId = 'credentials' | 'app' | 'id-shape' | 'person' | 'visibility' | 'manual';
export type DiagnoseStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface DiagnoseCheck {
  /** Stable across releases and locales. */
  id: DiagnoseCheckId;
  status: DiagnoseStatus;
  /** In the display language, as are `detail` and `fix`. */
  title: string;
  detail: string;
  fix?: string;
  /** The code of the answer that decided the check (0 for a successful lookup). */
  code?: number;
  logId?: string;
  /** For a check skipped for a missing scope: the scopes to grant, and where. */
  missingScopes?: string[];
  permissionPage?: string;
}

export interface DiagnoseResult {
  /** True when no check failed (and the diagnosis ran to its end). */
  ok: boolean;
  /** Always the six checks, in the order of their ids above. */
  checks: DiagnoseCheck[];
  cancelled?: true;
}

export interface DiagnoseInput {
  userId: string;
  userIdType?: UserIdType;
  /** Unknown for a pasted token: then it is learned from the app's information, when that can be read. */
  appId?: string;
  /** The counts about to be sent (or that were sent), to check against the app's abilities. */
  counts?: { pc?: ClientBadgeNum; mobile?: ClientBadgeNum };
  locale: Locale;
  hasCredentials: boolean;
}

export interface DiagnoseOptions {
  signal?: AbortSignal;
  pace?: Pace;
  retry?: Partial<RetryPolicyOptions>;
}

const ORDER: readonly DiagnoseCheckId[] = ['credentials', 'app', 'id-shape', 'person', 'visibility', 'manual'];
const RANK: Readonly<Record<DiagnoseStatus, number>> = { pass: 0, skip: 1, warn: 2, fail: 3 };

/** Answers that say the token itself is refused (no token, invalid or expired, wrong format, a user token). */
const TOKEN_REFUSED_CODES: ReadonlySet<number> = new Set([99991661, 99991663, 99991668, 99991671, 99991677]);
/** Answers that say the app cannot be used at all in this tenant (disabled, not installed, unauthorized). */
const APP_UNUSABLE_CODES: ReadonlySet<number> = new Set([99991662, 99991673, 10014]);

type Failed = Exclude<Outcome, { kind: 'success' }>;

/** The type an ID's shape suggests: `ou_` open_id, `on_` union_id, anything else a user_id. */
export function impliedIdType(userId: string): UserIdType {
  if (userId.startsWith('ou_')) return 'open_id';
  if (userId.startsWith('on_')) return 'union_id';
  return 'user_id';
}

/** Server text put into a sentence (an app or person name): one line, printable, at most 64 characters. */
function shown(text: string): string {
  const clean = text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, ' ').trim();
  return clean.length > 64 ? `${clean.slice(0, 63)}…` : clean;
}

const answerFields = (outcome: Outcome): Pick<DiagnoseCheck, 'code' | 'logId'> => ({
  ...(outcome.kind === 'success' || outcome.kind === 'api-error' ? { code: outcome.code } : {}),
  ...('logId' in outcome && outcome.logId !== undefined ? { logId: outcome.logId } : {}),
});

/**
 * Runs the checks for one person. `transport` and `tokens` may be left out when there are no
 * credentials (the host has nothing to build them from): the diagnosis then says so.
 */
export async function diagnose(transport: Transport | undefined, tokens: TokenManager | undefined, input: DiagnoseInput, options: DiagnoseOptions = {}): Promise<DiagnoseResult> {
  const { locale, userId } = input;
  const idType = input.userIdType ?? 'open_id';
  const t = (id: DiagnoseMessageId, params?: Record<string, string | number>): string => formatDiagnose(locale, id, params);
  const guidance = (failure: FailureDescriptor): { explanation: string; fix: string } => {
    const found = guidanceFor(failure, locale);
    return { explanation: found.explanation, fix: found.steps.join(' ') };
  };
  const checks = new Map<DiagnoseCheckId, DiagnoseCheck>();
  // Findings are joined with a space; Chinese sentences end in full-width punctuation and take none.
  const joined = (text: string): string => (locale === 'zh-cn' ? text.replace(/([。：；！？）])\s+(?=\S)/gu, '$1') : text);
  const set = (id: DiagnoseCheckId, status: DiagnoseStatus, detail: string, extra: Partial<DiagnoseCheck> = {}): void => {
    const fix = extra.fix === undefined ? {} : { fix: joined(extra.fix) };
    checks.set(id, { id, status, title: t(`title.${id}`), detail: joined(detail), ...extra, ...fix });
  };
  /** Every check not decided yet is skipped for one reason. */
  const skipRest = (detail: string): void => {
    for (const id of ORDER) if (!checks.has(id)) set(id, 'skip', detail);
  };
  const finish = (cancelled = false): DiagnoseResult => {
    if (cancelled) skipRest(t('skip.cancelled'));
    const list = ORDER.map((id) => checks.get(id)).filter((check): check is DiagnoseCheck => check !== undefined);
    const ok = !cancelled && list.every((check) => check.status !== 'fail');
    return cancelled ? { ok, checks: list, cancelled: true } : { ok, checks: list };
  };

  // Local checks first: they need no call, so they stand whatever happens to the calls.
  set('manual', 'skip', manualDetail(input.counts, t));
  const lookupType = impliedIdType(userId);
  const shapeProblem = lookupType === idType ? undefined : shapeMismatch(userId, idType, lookupType, t);

  /** Before any lookup: a wrong shape is known without one; a right one says nothing yet about this app. */
  const shapeOnly = (): void => {
    if (shapeProblem !== undefined) set('id-shape', 'fail', shapeProblem.detail, { fix: shapeProblem.fix });
  };

  if (!input.hasCredentials || transport === undefined || tokens === undefined) {
    const help = guidance({ kind: 'no-credentials' });
    set('credentials', 'fail', help.explanation, { fix: help.fix });
    shapeOnly();
    skipRest(t('skip.no-credentials'));
    return finish();
  }

  const token = await tokens.getToken(options.signal);
  if (!token.ok) {
    if (token.failure.kind === 'cancelled') {
      shapeOnly();
      return finish(true);
    }
    const help = guidance(describeOutcome(token.failure));
    set('credentials', 'fail', t('credentials.failed', { explanation: help.explanation }), { fix: help.fix, ...answerFields(token.failure) });
    shapeOnly();
    skipRest(t('skip.no-token'));
    return finish();
  }
  // The token call's own answer is not kept by TokenManager (it may have come from the cache), so
  // this check carries no code or log ID when it passes.
  set('credentials', 'pass', t(tokens.canRefresh ? 'credentials.ok' : 'credentials.pasted'));

  const callOptions = {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.pace === undefined ? {} : { pace: options.pace }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  };
  const consoleOrigin = consoleOriginFor(transport.baseUrl);
  let appId = input.appId;

  /**
   * One read. `undefined` when the diagnosis must stop here: cancelled, or the token refused
   * (a pasted token is only judged by the platform here, so the credentials check turns to fail).
   */
  const read = async (request: OpenApiRequest): Promise<Outcome | undefined> => {
    const outcome = options.signal?.aborted === true ? ({ kind: 'cancelled' } as const) : await callOpenApi(transport, tokens, request, callOptions);
    if (outcome.kind === 'cancelled') return undefined;
    if (outcome.kind === 'api-error' && TOKEN_REFUSED_CODES.has(outcome.code)) {
      const help = guidance(describeOutcome(outcome));
      set('credentials', 'fail', t('credentials.rejected', { code: outcome.code, explanation: help.explanation }), { fix: help.fix, ...answerFields(outcome) });
      return undefined;
    }
    // Any Feishu answer but a token refusal (a missing scope included) means the gateway took the token.
    if (!tokens.canRefresh && (outcome.kind === 'success' || outcome.kind === 'api-error')) set('credentials', 'pass', t('credentials.pasted-accepted'));
    return outcome;
  };
  /** A check that could not be made: a scope to grant (with the page), or the call's failure. */
  const unchecked = (id: DiagnoseCheckId, outcome: Failed, fallbackScope: string): void => {
    const scopes = missingScopes(outcome, fallbackScope);
    if (scopes !== undefined) {
      const named = scopes.join(locale === 'zh-cn' ? '、' : ', ');
      const page = appId === undefined ? undefined : permissionPageUrl(consoleOrigin, appId);
      set(id, 'skip', t('skip.scope', { scopes: named }), {
        fix: page === undefined ? t('skip.scope.fix-no-app-id', { scopes: named }) : t('skip.scope.fix', { scopes: named, url: page }),
        missingScopes: scopes,
        ...(page === undefined ? {} : { permissionPage: page }),
        ...answerFields(outcome),
      });
      return;
    }
    const help = guidance(describeOutcome(outcome));
    set(id, 'skip', t('skip.failed', { explanation: help.explanation }), { fix: help.fix, ...answerFields(outcome) });
  };
  const tokenStopped = (): DiagnoseResult => {
    // `read` returned undefined: either the token was refused (credentials now fail) or cancelled.
    shapeOnly();
    if (checks.get('credentials')?.status === 'fail') {
      skipRest(t('skip.no-token'));
      return finish();
    }
    return finish(true);
  };

  // 2. The app.
  const me = await read({ method: 'GET', path: APP_ME_PATH, query: { lang: locale === 'zh-cn' ? 'zh_cn' : 'en_us' } });
  if (me === undefined) return tokenStopped();
  if (me.kind === 'success') {
    const app = (me.response as { data?: { app?: Record<string, unknown> } } | undefined)?.data?.app ?? {};
    if (appId === undefined && typeof app.app_id === 'string' && app.app_id !== '') appId = app.app_id;
    const verdict = appVerdict(app, input.counts, t);
    set('app', verdict.status, verdict.detail, { ...(verdict.fix === undefined ? {} : { fix: verdict.fix }), ...answerFields(me) });
  } else if (me.kind === 'api-error' && APP_UNUSABLE_CODES.has(me.code)) {
    const help = guidance(describeOutcome(me));
    set('app', 'fail', t('app.unusable', { explanation: help.explanation }), { fix: help.fix, ...answerFields(me) });
  } else {
    unchecked('app', me, APP_INFO_SCOPE);
  }

  // An email or a phone number is not an ID: say so, and what to do, instead of "pick user_id".
  // A bare 11-digit number starting with 1 is a mainland mobile unless the type is user_id (employee numbers may look so).
  const contact = userId.includes('@') ? 'email' : /^\+\d[\d\s()-]{5,}$/.test(userId) || (idType !== 'user_id' && /^1\d{10}$/.test(userId)) ? 'mobile' : undefined;
  if (contact !== undefined) {
    set('id-shape', 'fail', t('id.contact', { kind: t(`kind.${contact}`) }), { fix: t('id.contact.fix') });
    skipRest(t('skip.not-an-id'));
    return finish();
  }

  // 3 and 4. The person, looked up by the type the ID's shape suggests when it contradicts the
  // chosen type: "this is Ann's open_id" says more than "no such user_id".
  let personMissing = false;
  const lookup = await read({ method: 'GET', path: USERS_BATCH_PATH, query: { user_ids: [userId], user_id_type: lookupType } });
  if (lookup === undefined) return tokenStopped();
  const checkedAs = shapeProblem === undefined ? '' : ` ${t('person.checked-as', { implied: lookupType })}`;
  const shapeLooked = shapeProblem === undefined ? '' : `${shapeProblem.detail} ${t('id.checked-as', { implied: lookupType })}`;
  if (lookup.kind === 'success') {
    const item = readStatusItems(lookup.response, lookupType).get(userId);
    const name = item?.name === undefined || shown(item.name) === '' ? t('person.unnamed') : shown(item.name);
    const decided = answerFields(lookup);
    if (item === undefined) {
      personMissing = true;
      set('person', 'skip', t('person.not-found'), decided);
      if (shapeProblem !== undefined) set('id-shape', 'fail', shapeLooked, { fix: shapeProblem.fix, ...decided });
      else if (idType === 'open_id') set('id-shape', 'warn', t('id.not-found-open'), { fix: t('id.not-found-open.fix'), ...decided });
      else set('id-shape', 'warn', t('id.not-found-other', { type: idType }), { fix: t('id.not-found-other.fix'), ...decided });
    } else {
      if (shapeProblem !== undefined) set('id-shape', 'fail', `${shapeLooked} ${t('id.found-as', { implied: lookupType, name })}`, { fix: shapeProblem.fix, ...decided });
      else set('id-shape', 'pass', t('id.ok-found', { type: idType }), decided);
      const states = inactiveReasons(item.status);
      if (states.length === 0) set('person', 'pass', `${t('person.ok', { name })}${checkedAs}`, decided);
      else {
        const listed = states.map((state) => t(STATE_TEXT[state])).join(t('list.separator'));
        set('person', 'fail', `${t('person.inactive', { name, states: listed })}${checkedAs}`, { fix: t('person.inactive.fix'), ...decided });
      }
    }
  } else {
    unchecked('person', lookup, USER_BASE_SCOPE);
    if (shapeProblem !== undefined) set('id-shape', 'fail', shapeLooked, { fix: shapeProblem.fix });
    else set('id-shape', 'pass', t('id.ok-unchecked', { type: idType }));
  }

  // 5. Availability.
  if (personMissing) {
    set('visibility', 'skip', t('visibility.person-not-found'));
    return finish();
  }
  if (appId === undefined) {
    set('visibility', 'skip', t('skip.no-app-id'), { fix: t('skip.no-app-id.fix') });
    return finish();
  }
  const seen = await read({ method: 'POST', path: visibilityCheckPath(appId), query: { user_id_type: lookupType }, body: { user_ids: [userId] } });
  if (seen === undefined) return tokenStopped();
  if (seen.kind !== 'success') {
    unchecked('visibility', seen, APP_VISIBILITY_SCOPE);
    return finish();
  }
  const entry = readVisibilityList(seen.response).get(userId);
  const decided = answerFields(seen);
  const caveat = ` ${t('visibility.caveat')}`;
  if (entry === undefined) set('visibility', 'skip', t('visibility.no-answer'), decided);
  else if (entry.inBlackList === true) set('visibility', 'fail', `${t('visibility.black')}${checkedAs}${caveat}`, { fix: t('visibility.black.fix'), ...decided });
  // Not a fail: the white list may reach the person through a department or group this answer
  // may not count (see preflight.ts, where the same answer makes a recipient `unknown`).
  else if (entry.inWhiteList !== true) set('visibility', 'warn', `${t('visibility.not-white')}${checkedAs}${caveat}`, { fix: t('visibility.not-white.fix'), ...decided });
  else set('visibility', 'pass', `${t('visibility.ok')}${checkedAs}${caveat}`, decided);
  return finish();
}

const STATE_TEXT: Readonly<Record<InactiveReason, DiagnoseMessageId>> = {
  'preflight.resigned': 'state.resigned',
  'preflight.frozen': 'state.frozen',
  'preflight.not-activated': 'state.not-activated',
  'preflight.exited': 'state.exited',
};

type Translate = (id: DiagnoseMessageId, params?: Record<string, string | number>) => string;

function shapeMismatch(userId: string, idType: UserIdType, implied: UserIdType, t: Translate): { detail: string; fix: string } {
  const said =
    idType === 'open_id'
      ? t('id.expected-open', { implied })
      : idType === 'union_id'
        ? t('id.expected-union', { implied })
        : t('id.expected-user', { implied, prefix: userId.slice(0, 3) });
  return { detail: said, fix: t('id.mismatch.fix', { implied, type: idType }) };
}

const ABILITY_TEXT: Readonly<Record<string, DiagnoseMessageId>> = { web_app: 'ability.web_app', gadget: 'ability.gadget', bot: 'ability.bot' };

/** Status, release and abilities against the counts: the worst finding decides, every finding is said. */
function appVerdict(app: Record<string, unknown>, counts: DiagnoseInput['counts'], t: Translate): { status: DiagnoseStatus; detail: string; fix?: string } {
  const name = typeof app.app_name === 'string' && shown(app.app_name) !== '' ? shown(app.app_name) : typeof app.app_id === 'string' ? shown(app.app_id) : '?';
  const findings: Array<{ status: DiagnoseStatus; detail: string; fix?: string }> = [];
  const status = app.status;
  if (status === 1) findings.push({ status: 'pass', detail: t('app.enabled', { name }) });
  else if (status === 0) findings.push({ status: 'fail', detail: t('app.stopped', { name }), fix: t('app.status.fix') });
  else if (status === 2) findings.push({ status: 'fail', detail: t('app.not-enabled', { name }), fix: t('app.status.fix') });
  else findings.push({ status: 'warn', detail: t('app.status-unknown', { name, status: typeof status === 'number' ? status : String(status ?? '?').slice(0, 20) }), fix: t('app.status.fix') });

  const online = app.online_version_id;
  if (typeof online === 'string' && online !== '') findings.push({ status: 'pass', detail: t('app.released') });
  else findings.push({ status: 'warn', detail: t('app.never-released'), fix: t('app.never-released.fix') });

  const abilityOf = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const describe = (ability: string | undefined): string => {
    if (ability === undefined) return t('ability.none');
    const known = ABILITY_TEXT[ability];
    return known === undefined ? shown(ability) : t(known);
  };
  const abilities = { pc: abilityOf(app.pc_default_ability), mobile: abilityOf(app.mobile_default_ability) };
  findings.push({ status: 'pass', detail: t('app.abilities', { pc: describe(abilities.pc), mobile: describe(abilities.mobile) }) });
  for (const client of ['pc', 'mobile'] as const) {
    const ability = abilities[client];
    const clientText = t(client === 'pc' ? 'client.pc' : 'client.mobile');
    for (const kind of ['web_app', 'gadget'] as const) {
      const count = counts?.[client]?.[kind];
      // A 0 clears a badge: nothing shows either way, so it cannot be the one that is missing.
      // An ability that could not be read is not held against the counts.
      if (count === undefined || count <= 0 || ability === undefined || ability === kind) continue;
      const params = { client: clientText, kind: describe(kind), ability: describe(ability) };
      findings.push({
        status: 'warn',
        detail: t('app.ability-mismatch', params),
        fix: ability === 'web_app' || ability === 'gadget' ? t('app.ability-mismatch.fix', params) : t('app.ability-bot.fix', params),
      });
    }
  }
  const worst = findings.reduce<DiagnoseStatus>((acc, finding) => (RANK[finding.status] > RANK[acc] ? finding.status : acc), 'pass');
  const fixes = findings.flatMap((finding) => (finding.fix === undefined ? [] : [finding.fix]));
  return { status: worst, detail: findings.map((finding) => finding.detail).join(' '), ...(fixes.length === 0 ? {} : { fix: fixes.join(' ') }) };
}

/** The checklist no API can answer, with what the counts given will look like. */
function manualDetail(counts: DiagnoseInput['counts'], t: Translate): string {
  const lines = [t('manual.intro'), t('manual.permission'), t('manual.workplace'), t('manual.client')];
  const given: Array<{ where: string; count: number }> = [];
  for (const client of ['pc', 'mobile'] as const) {
    for (const kind of ['web_app', 'gadget'] as const) {
      const count = counts?.[client]?.[kind];
      if (typeof count === 'number' && Number.isFinite(count)) given.push({ where: `${client}.${kind}`, count });
    }
  }
  const list = (items: typeof given): string => items.map((item) => `${item.where} ${item.count}`).join(t('list.separator'));
  if (given.length === 0) lines.push(t('manual.counts-generic'));
  else if (given.every((item) => item.count === 0)) lines.push(t('manual.counts-zero'));
  else {
    const dots = given.filter((item) => item.count > 999);
    const numbers = given.filter((item) => item.count >= 1 && item.count <= 999);
    if (numbers.length > 0) lines.push(t('manual.counts-numbers', { counts: list(numbers) }));
    if (dots.length > 0) lines.push(t('manual.counts-dot', { counts: list(dots) }));
  }
  return lines.join('\n');
}
