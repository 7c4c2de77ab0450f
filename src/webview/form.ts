// The sidebar form. It owns the state (the draft, what the host said, the pending request), saves
// it on every change and derives one view from it for the sections in sections/ to draw. It talks
// to the host only through the messages in shared/protocol.ts, and reads every message it gets
// through shared/fromHost.ts.
import { MAX_COUNT } from '../core/schema.ts';
import type { ClientBadgeNum, Locale, UserIdType } from '../core/types.ts';
import { parseFromHost } from '../shared/fromHost.ts';
import type { Draft, FromWebview, HostState, LookupAnswer, Target } from '../shared/protocol.ts';
import { contactKind, draftToInput } from '../shared/protocol.ts';
import { el, replace } from './dom.ts';
import type { Evaluation } from './model.ts';
import { evaluate, mirroredCounts, sameTarget } from './model.ts';
import type { SavedState } from './savedState.ts';
import * as actions from './sections/actions.ts';
import * as connection from './sections/connection.ts';
import * as counts from './sections/counts.ts';
import * as empty from './sections/empty.ts';
import * as extra from './sections/extra.ts';
import * as history from './sections/history.ts';
import * as preview from './sections/preview.ts';
import * as result from './sections/result.ts';
import type { Action, Context, Params, Section, View } from './sections/section.ts';
import * as target from './sections/target.ts';
import * as version from './sections/version.ts';
import type { StringId } from './strings.ts';
import { t } from './strings.ts';

export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

const PEEK_DELAY_MS = 300;
/** A result and the host state after it arrive together: one ask for both. */
const FORCED_PEEK_DELAY_MS = 50;

/** What identifies the connection the form's facts belong to (profile, API base, app). */
function connectionKey(host: HostState): string {
  return JSON.stringify([host.profile?.name, host.baseUrl, host.credentialKind, host.appId]);
}
const NOTE_MS = 4000;

/** The draft's counts that are whole numbers in range, for Diagnose to check against the app's abilities. */
function countsOf(draft: Draft): { pc?: ClientBadgeNum; mobile?: ClientBadgeNum } | undefined {
  const input = draftToInput(draft);
  const client = (value: unknown): ClientBadgeNum | undefined => {
    if (typeof value !== 'object' || value === null) return undefined;
    const out: ClientBadgeNum = {};
    for (const key of ['web_app', 'gadget'] as const) {
      const count = (value as Record<string, unknown>)[key];
      if (typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 && count <= MAX_COUNT) out[key] = count;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const pc = client(input.pc);
  const mobile = client(input.mobile);
  if (pc === undefined && mobile === undefined) return undefined;
  return { ...(pc === undefined ? {} : { pc }), ...(mobile === undefined ? {} : { mobile }) };
}

/** Whether the lookup found the target: then its card stays in view beside the ID it gave. */
function foundIn(answer: LookupAnswer, target: Target | undefined): boolean {
  return target !== undefined && answer.users.some((user) => user.id === target.userId && user.idType === target.userIdType);
}

function newRequestId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export class Form {
  readonly #api: VsCodeApi;
  readonly #saved: SavedState;
  #locale: Locale;
  readonly #localizers: Array<() => void> = [];
  readonly #sections: Section[];
  /** The request the host is working on (or that was just posted and not yet acknowledged). */
  #pending: { requestId: string; action: Action; acknowledged: boolean } | undefined;
  /** What each request this form has seen does, for a result that does not say. */
  readonly #actionOf = new Map<string, Action>();
  #evaluation: Evaluation | undefined;
  #targetEdited = false;
  #peekTimer: ReturnType<typeof setTimeout> | undefined;
  #lastPeek: string | undefined;
  /** Peeks posted so far; answers to those up to `#staleBefore` were computed before the last result. */
  #peekSeq = 0;
  #staleBefore = 0;
  #note: string | undefined;
  #noteTimer: ReturnType<typeof setTimeout> | undefined;
  /** The lookup and the diagnosis asked for and not answered yet (they do not block a send). */
  #lookupPending: { requestId: string; query: string; userIdType: UserIdType } | undefined;
  #diagnosePending: { requestId: string; target: Target } | undefined;

  constructor(root: HTMLElement, api: VsCodeApi, saved: SavedState, fallbackLocale: Locale) {
    this.#api = api;
    this.#saved = saved;
    this.#locale = saved.host?.locale ?? fallbackLocale;
    document.documentElement.lang = this.#locale === 'zh-cn' ? 'zh-CN' : 'en';
    // While "same on both" is on, mobile is PC's copy, whatever an older saved state holds.
    if (saved.draft.sameOnBoth) Object.assign(saved.draft, mirroredCounts(saved.draft));

    const ctx: Context = {
      text: (element, id, params, attribute) => this.#text(element, id, params, attribute),
      edit: (change) => this.#edit(change),
      post: (message) => this.#api.postMessage(message),
      clear: () => this.#clear(),
      cancel: () => this.#cancel(),
      resend: (index, at) => this.#resend(index, at),
      lookup: () => this.#lookup(),
      diagnose: () => this.#diagnose(),
      cancelDiagnosis: () => this.#cancelDiagnosis(),
    };
    const header = connection.create(ctx);
    const firstRun = empty.create(ctx);
    const fields = [target, counts, version, extra, preview].map((section) => section.create(ctx));
    const buttons = actions.create(ctx);
    const outcome = result.create(ctx);
    const recent = history.create(ctx);
    const form = el('form', { id: 'badge-form', novalidate: true, 'aria-labelledby': 'form-title' }, ...fields.map((section) => section.element));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#send();
    });
    // Send, Clear and the outcome stay in view (a sticky footer), whatever is scrolled to.
    const footer = el('footer', { id: 'footer', class: 'footer' }, buttons.element, outcome.element);
    replace(root, this.#text(el('h1', { id: 'form-title', class: 'sr-only' }), 'form.title'), header.element, firstRun.element, form, recent.element, footer);
    this.#sections = [header, firstRun, ...fields, buttons, outcome, recent];

    this.#prefillDefaultTarget();
    this.#update();
  }

  /** Called once the host has been told the form is ready. */
  start(): void {
    this.#schedulePeek(true);
  }

  /** Handles one message from the host; anything malformed is ignored. */
  receive(data: unknown): void {
    const message = parseFromHost(data);
    if (message === undefined) return;
    switch (message.type) {
      case 'state': {
        const previous = this.#saved.host;
        this.#saved.host = message.state;
        // Another profile or app: what the form knew of the last one is not this one's.
        if (previous !== undefined && connectionKey(previous) !== connectionKey(message.state)) this.#forgetConnection();
        // Credentials now exist, or the settings were fixed: an error saying otherwise is stale.
        const error = this.#saved.result?.result.error;
        if ((error === 'no-credentials' && message.state.hasCredentials) || (error === 'bad-settings' && message.state.settingsProblem === undefined)) {
          delete this.#saved.result;
        }
        this.#setLocale(message.state.locale);
        this.#prefillDefaultTarget();
        this.#persist();
        this.#update();
        // A new host state follows every send from any surface and every switch: ask again.
        this.#schedulePeek(true);
        break;
      }
      case 'version':
        // Replies can cross while someone types: keep only the one for the target as it is now,
        // and never one the host computed before the last result (it predates that send).
        if (!sameTarget(message.target, this.#evaluation?.target)) break;
        if (message.seq !== undefined && message.seq <= this.#staleBefore) break;
        if (message.version === undefined) delete this.#saved.version;
        else this.#saved.version = { target: message.target, version: message.version };
        // Without a version estimate and a remembered state the host could not tell (no credentials, say).
        if (message.remembered !== undefined) this.#saved.remembered = { target: message.target, badge: message.remembered };
        else if (message.version !== undefined) this.#saved.remembered = { target: message.target };
        else delete this.#saved.remembered;
        this.#persist();
        this.#update();
        break;
      case 'busy':
        this.#pending = { requestId: message.requestId, action: message.action, acknowledged: true };
        this.#actionOf.set(message.requestId, message.action);
        this.#update();
        break;
      case 'result': {
        const { payload } = message;
        this.#saved.result = payload;
        this.#saved.resultAction = payload.action ?? this.#actionOf.get(payload.requestId) ?? 'send';
        if (this.#pending?.requestId === payload.requestId) this.#pending = undefined;
        this.#staleBefore = this.#peekSeq;
        // The estimate and the remembered badge were from before this send: not shown until the
        // host says again (the peek below), so a stale version is never offered or pre-filled.
        this.#forget();
        this.#persist();
        this.#update();
        // The version moved on if something was sent; ask again for the next estimate.
        this.#schedulePeek(true);
        break;
      }
      case 'copied':
        this.#showNote(t(message.what === 'logId' ? 'copied.logId' : message.what === 'curl' ? 'copied.curl' : 'copied.http', this.#locale));
        break;
      case 'lookupResult': {
        const { type: _type, ...answer } = message;
        const pending = this.#lookupPending;
        // Only the answer to the lookup asked for last: an older one, or one given up when the
        // profile or app changed (open_ids are per app), is dropped.
        if (pending === undefined || pending.requestId !== answer.requestId) break;
        this.#lookupPending = undefined;
        // Stale: the field no longer holds what was looked up, or asks for another ID type (the draft is left as it is).
        if (answer.query !== this.#saved.draft.userId.trim() || pending.userIdType !== this.#saved.draft.userIdType) {
          this.#update();
          break;
        }
        this.#saved.lookup = answer;
        this.#persist();
        this.#update();
        break;
      }
      case 'diagnosis': {
        // Only the diagnosis asked for last: one cancelled, replaced, or asked under another profile or app is dropped.
        if (this.#diagnosePending?.requestId !== message.requestId) break;
        this.#diagnosePending = undefined;
        // For an ID no longer in the field: dropped, as the field now asks about someone else.
        if (!sameTarget(message.target, this.#evaluation?.target)) {
          this.#update();
          break;
        }
        this.#saved.diagnosis = { target: message.target, result: message.result, ...(message.error === undefined ? {} : { error: message.error }) };
        this.#persist();
        this.#update();
        break;
      }
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  }

  #text<E extends Element>(element: E, id: StringId, params?: (locale: Locale) => Params, attribute?: string): E {
    const apply = (): void => {
      const value = t(id, this.#locale, params?.(this.#locale));
      if (attribute === undefined) element.textContent = value;
      else element.setAttribute(attribute, value);
    };
    this.#localizers.push(apply);
    apply();
    return element;
  }

  #edit(change: Partial<Draft>): void {
    Object.assign(this.#saved.draft, change);
    // Only the person edits: a target they touched is no longer filled in from the host.
    if (change.userId !== undefined || change.userIdType !== undefined) this.#targetEdited = true;
    this.#persist();
    this.#update();
    this.#schedulePeek(false);
  }

  /** The host's default target fills an untouched, empty user ID (once; clearing it later sticks). */
  #prefillDefaultTarget(): void {
    const { draft, host } = this.#saved;
    if (this.#targetEdited || draft.userId !== '') return;
    const defaultTarget = host?.defaultTarget;
    if (defaultTarget === undefined || defaultTarget.userId === '') {
      // No default user: an empty, untouched draft still takes the setting's ID type.
      if (host?.userIdType !== undefined && host.userIdType !== draft.userIdType) {
        draft.userIdType = host.userIdType;
        this.#persist();
      }
      return;
    }
    draft.userId = defaultTarget.userId;
    draft.userIdType = defaultTarget.userIdType;
    this.#targetEdited = true;
    this.#persist();
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  /** The host said there are no credentials (before its first message nothing is known). */
  #needsCredentials(): boolean {
    return this.#saved.host !== undefined && !this.#saved.host.hasCredentials;
  }

  #send(): void {
    if (this.#pending !== undefined || this.#evaluation?.ok !== true || this.#needsCredentials()) return;
    const requestId = this.#begin('send');
    this.#api.postMessage({ type: 'send', requestId, draft: { ...this.#saved.draft } });
  }

  #resend(index: number, at: number): void {
    if (this.#pending !== undefined || this.#needsCredentials()) return;
    const requestId = this.#begin('send');
    this.#api.postMessage({ type: 'resend', requestId, index, at });
  }

  #clear(): void {
    const current = this.#evaluation?.target;
    if (this.#pending !== undefined || current === undefined || current.userId === '' || this.#needsCredentials()) return;
    const requestId = this.#begin('clear');
    this.#api.postMessage({ type: 'clear', requestId, target: { ...current } });
  }

  #begin(action: Action): string {
    const requestId = newRequestId();
    this.#pending = { requestId, action, acknowledged: false };
    this.#actionOf.set(requestId, action);
    this.#update();
    return requestId;
  }

  #cancel(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#api.postMessage({ type: 'cancel', requestId: pending.requestId });
    // A request the host never acknowledged has nothing to wait for: release the form now.
    if (!pending.acknowledged) this.#pending = undefined;
    this.#update();
  }

  /** Looks up the email or phone number in the user ID field, as an ID of the draft's type. */
  #lookup(): void {
    const query = this.#saved.draft.userId.trim();
    if (contactKind(query, this.#saved.draft.userIdType) === undefined || this.#needsCredentials()) return;
    const userIdType = this.#saved.draft.userIdType;
    if (this.#lookupPending?.query === query && this.#lookupPending.userIdType === userIdType) return;
    const requestId = newRequestId();
    this.#lookupPending = { requestId, query, userIdType };
    this.#api.postMessage({ type: 'lookup', requestId, query, userIdType });
    this.#update();
  }

  /** Diagnoses the target in the field, with the draft's counts when it has any. */
  #diagnose(): void {
    const target = this.#diagnosisTarget(this.#evaluation);
    if (target === undefined || sameTarget(this.#diagnosePending?.target, target)) return;
    const requestId = newRequestId();
    this.#diagnosePending = { requestId, target };
    const counts = countsOf(this.#saved.draft);
    this.#api.postMessage({ type: 'diagnose', requestId, target: { ...target }, ...(counts === undefined ? {} : { counts }) });
    this.#update();
  }

  #cancelDiagnosis(): void {
    const pending = this.#diagnosePending;
    if (pending === undefined) return;
    this.#api.postMessage({ type: 'cancel', requestId: pending.requestId });
    // The host answers with what it checked so far; the form is free at once.
    this.#diagnosePending = undefined;
    this.#update();
  }

  /** What Diagnose runs for: an ID in the field, and credentials to ask with. */
  #diagnosisTarget(evaluation: Evaluation | undefined): Target | undefined {
    const target = evaluation?.target;
    return target !== undefined && target.userId !== '' && this.#saved.host?.hasCredentials === true ? target : undefined;
  }

  /** Drops the host's version estimate and remembered badge (they are asked for again). */
  #forget(): void {
    delete this.#saved.version;
    delete this.#saved.remembered;
  }

  /** Another profile or app: nothing the form knew is this one's, the last result included. */
  #forgetConnection(): void {
    this.#forget();
    delete this.#saved.result;
    // IDs are per app (an open_id of one app is not another's): the lookup and diagnosis go too.
    delete this.#saved.lookup;
    delete this.#saved.diagnosis;
    this.#lookupPending = undefined;
    this.#diagnosePending = undefined;
  }

  /** Asks the host for the next automatic version of the current target, debounced while typing. */
  #schedulePeek(force: boolean): void {
    const current = this.#evaluation?.target;
    // Asked in manual mode too: the reply also says what the extension last set for this target.
    if (current === undefined || current.userId === '') return;
    const key = `${current.userIdType}:${current.userId}`;
    // A forced ask still pending is not cancelled by a keystroke that changes nothing.
    if (!force && key === this.#lastPeek) return;
    clearTimeout(this.#peekTimer);
    // Until it is asked, the last peek is no longer current.
    this.#lastPeek = undefined;
    this.#peekTimer = setTimeout(
      () => {
        this.#lastPeek = key;
        this.#api.postMessage({ type: 'peekVersion', target: current, seq: ++this.#peekSeq });
      },
      force ? FORCED_PEEK_DELAY_MS : PEEK_DELAY_MS,
    );
  }

  #showNote(text: string): void {
    this.#note = text;
    clearTimeout(this.#noteTimer);
    this.#noteTimer = setTimeout(() => {
      this.#note = undefined;
      this.#update();
    }, NOTE_MS);
    this.#update();
  }

  #persist(): void {
    this.#api.setState(this.#saved);
  }

  #setLocale(locale: Locale): void {
    if (locale === this.#locale) return;
    this.#locale = locale;
    document.documentElement.lang = locale === 'zh-cn' ? 'zh-CN' : 'en';
    for (const apply of this.#localizers) apply();
  }

  // ---------------------------------------------------------------------------------------------
  // Drawing

  #view(): View {
    const { draft, host, version: known, remembered } = this.#saved;
    const locale = this.#locale;
    const placeholder = t('version.placeholder', locale);
    // The estimate is for the target as typed: compute the target first, then the preview with it.
    const first = evaluate(draft, locale, undefined, placeholder);
    const estimate = known !== undefined && sameTarget(known.target, first.target) ? known.version : undefined;
    const evaluation = estimate === undefined || draft.versionMode !== 'auto' ? first : evaluate(draft, locale, estimate, placeholder);
    return {
      locale,
      draft,
      host,
      evaluation,
      estimate,
      remembered: remembered !== undefined && sameTarget(remembered.target, evaluation.target) ? remembered : undefined,
      busy: this.#pending?.action,
      needsCredentials: this.#needsCredentials(),
      note: this.#note,
      result: this.#saved.result,
      resultAction: this.#saved.resultAction ?? 'send',
      lookup: this.#lookupView(draft, evaluation),
      diagnosis: this.#diagnosisView(evaluation),
    };
  }

  #lookupView(draft: Draft, evaluation: Evaluation): View['lookup'] {
    const query = draft.userId.trim();
    const answer = this.#saved.lookup;
    // Each person found carries the ID type it was found as; Use this ID sets both.
    const relevant = answer !== undefined && (answer.query === query || foundIn(answer, evaluation.target));
    return { busy: evaluation.contact !== undefined && this.#lookupPending?.query === query && this.#lookupPending.userIdType === draft.userIdType, answer: relevant ? answer : undefined };
  }

  #diagnosisView(evaluation: Evaluation): View['diagnosis'] {
    const target = this.#diagnosisTarget(evaluation);
    const shown = this.#saved.diagnosis;
    return {
      target,
      busy: target !== undefined && sameTarget(this.#diagnosePending?.target, target),
      shown: shown !== undefined && sameTarget(shown.target, evaluation.target) ? shown : undefined,
    };
  }

  #update(): void {
    const view = this.#view();
    this.#evaluation = view.evaluation;
    for (const section of this.#sections) section.render(view);
  }
}
