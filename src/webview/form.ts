// The sidebar form: builds its DOM once, keeps the draft in step with the inputs, and redraws
// the derived parts (messages, preview, buttons) from the draft on every change. It talks to
// the host only through the messages in shared/protocol.ts.
import { MAX_COUNT, MAX_EXTRA_BYTES } from '../core/schema.ts';
import type { ClientBadgeNum, Locale } from '../core/types.ts';
import type { FromWebview, HistoryItem, HostCommand, HostState, Target } from '../shared/protocol.ts';
import { FORM_HISTORY_MAX, USER_ID_TYPE_VALUES } from '../shared/protocol.ts';
import type { Child } from './dom.ts';
import { el, icon, replace, setAttrs } from './dom.ts';
import type { SavedState } from './inbound.ts';
import { readFromHost } from './inbound.ts';
import type { Evaluation, FieldId, FieldMessage } from './model.ts';
import { evaluate, sameTarget } from './model.ts';
import { renderResult } from './resultView.ts';
import type { StringId } from './strings.ts';
import { t } from './strings.ts';

export interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

type CountField = 'pcWebApp' | 'pcGadget' | 'mobileWebApp' | 'mobileGadget';
type TextField = 'userId' | 'manualVersion' | 'extra' | CountField;
type Action = 'send' | 'clear';

const COUNT_FIELDS: readonly CountField[] = ['pcWebApp', 'pcGadget', 'mobileWebApp', 'mobileGadget'];
const MIRROR: Readonly<Partial<Record<CountField, CountField>>> = { pcWebApp: 'mobileWebApp', pcGadget: 'mobileGadget' };
const FIELD_IDS: readonly FieldId[] = ['userId', 'userIdType', 'pcWebApp', 'pcGadget', 'mobileWebApp', 'mobileGadget', 'counts', 'manualVersion', 'extra'];
// Limits of the host's draft schema (protocol.ts): a longer draft would be dropped unanswered.
// extra's is the core schema's byte limit (maxlength counts UTF-16 units, never more than bytes;
// the schema then names a value that is too many bytes).
const MAX_LENGTH: Readonly<Record<TextField, number>> = { userId: 512, manualVersion: 64, extra: MAX_EXTRA_BYTES, pcWebApp: 32, pcGadget: 32, mobileWebApp: 32, mobileGadget: 32 };
const COMMANDS: ReadonlyArray<[HostCommand, StringId]> = [
  ['configureCredentials', 'command.configureCredentials'],
  ['useTenantToken', 'command.useTenantToken'],
  ['testConnection', 'command.testConnection'],
  ['showLog', 'command.showLog'],
  ['switchProfile', 'command.switchProfile'],
  ['addProfile', 'command.addProfile'],
];
const PEEK_DELAY_MS = 300;
const NOTE_MS = 4000;

interface Ui {
  inputs: Record<TextField, HTMLInputElement | HTMLTextAreaElement>;
  steppers: Record<CountField, HTMLButtonElement[]>;
  userIdType: HTMLSelectElement;
  recent: HTMLSelectElement;
  recentField: HTMLElement;
  remembered: HTMLElement;
  historyList: HTMLElement;
  historyEmpty: HTMLElement;
  sameOnBoth: HTMLInputElement;
  versionAuto: HTMLInputElement;
  versionManual: HTMLInputElement;
  autoNote: HTMLElement;
  manualField: HTMLElement;
  messages: Record<FieldId, HTMLElement>;
  domain: HTMLElement;
  profile: HTMLElement;
  credentials: HTMLElement;
  problem: HTMLElement;
  previewNote: HTMLElement;
  previewQuery: HTMLElement;
  previewBody: HTMLElement;
  copyCurl: HTMLButtonElement;
  copyHttp: HTMLButtonElement;
  send: HTMLButtonElement;
  clear: HTMLButtonElement;
  cancel: HTMLButtonElement;
  sendReason: HTMLElement;
  status: HTMLElement;
  result: HTMLElement;
}

/** `web app/mini program` counts of one client, `–` for what was not sent. */
function formatCounts(counts: ClientBadgeNum | undefined): string {
  return counts === undefined ? '–' : `${counts.web_app ?? '–'}/${counts.gadget ?? '–'}`;
}

function formatTime(at: number, locale: Locale): string {
  return new Date(at).toLocaleString(locale === 'zh-cn' ? 'zh-CN' : 'en', { dateStyle: 'short', timeStyle: 'medium' });
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
  readonly #ui: Ui;
  /** The request the host is working on (or that was just posted and not yet acknowledged). */
  #pending: { requestId: string; action: Action; acknowledged: boolean } | undefined;
  readonly #actions = new Map<string, Action>();
  #evaluation: Evaluation | undefined;
  readonly #shownMessages = new Map<FieldId, string>();
  #userIdEdited = false;
  #peekTimer: ReturnType<typeof setTimeout> | undefined;
  #lastPeek: string | undefined;
  #note: string | undefined;
  #noteTimer: ReturnType<typeof setTimeout> | undefined;
  #recentKey = '';
  #historyKey: string | undefined;

  constructor(root: HTMLElement, api: VsCodeApi, saved: SavedState, fallbackLocale: Locale) {
    this.#api = api;
    this.#saved = saved;
    this.#locale = saved.host?.locale ?? fallbackLocale;
    document.documentElement.lang = this.#locale === 'zh-cn' ? 'zh-CN' : 'en';
    this.#ui = this.#build(root);
    if (saved.draft.sameOnBoth) this.#mirror();
    this.#syncInputs();
    this.#prefillDefaultTarget();
    this.#update();
    this.#renderResult();
  }

  /** Called once the host has been told the form is ready. */
  start(): void {
    this.#schedulePeek(true);
  }

  /** Handles one message from the host; anything malformed is ignored. */
  receive(data: unknown): void {
    const message = readFromHost(data);
    if (message === undefined) return;
    switch (message.type) {
      case 'state':
        this.#saved.host = message.state;
        this.#setLocale(message.state.locale);
        this.#prefillDefaultTarget();
        this.#persist();
        this.#update();
        this.#schedulePeek(false);
        break;
      case 'version':
        // Replies can cross while someone types: keep only the one for the target as it is now.
        if (!sameTarget(message.target, this.#evaluation?.target)) break;
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
        this.#actions.set(message.requestId, message.action);
        this.#update();
        break;
      case 'result': {
        const { payload } = message;
        this.#saved.result = payload;
        this.#saved.resultAction = payload.action ?? this.#actions.get(payload.requestId) ?? 'send';
        if (this.#pending?.requestId === payload.requestId) this.#pending = undefined;
        this.#persist();
        this.#renderResult();
        this.#update();
        // The version moved on if something was sent; ask again for the next estimate.
        this.#schedulePeek(true);
        break;
      }
      case 'copied':
        this.#showNote(t(message.what === 'logId' ? 'copied.logId' : message.what === 'curl' ? 'copied.curl' : 'copied.http', this.#locale));
        break;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Building

  /** Sets `element`'s text (or an attribute) from the string table now and on every language change. */
  #text<E extends Element>(element: E, id: StringId, params?: () => Record<string, string | number>, attribute?: string): E {
    const apply = (): void => {
      const value = t(id, this.#locale, params?.());
      if (attribute === undefined) element.textContent = value;
      else element.setAttribute(attribute, value);
    };
    this.#localizers.push(apply);
    apply();
    return element;
  }

  #label(forId: string, id: StringId): HTMLLabelElement {
    return this.#text(el('label', { for: forId }), id);
  }

  #button(id: string, textId: StringId, kind: 'primary' | 'secondary', onClick?: () => void, type: 'button' | 'submit' = 'button'): HTMLButtonElement {
    const button = this.#text(el('button', { type, id, class: kind }), textId);
    if (onClick !== undefined) button.addEventListener('click', onClick);
    return button;
  }

  #messagesFor(field: FieldId): HTMLElement {
    return el('div', { id: `${field}-msg`, class: 'messages' });
  }

  #build(root: HTMLElement): Ui {
    const messages = Object.fromEntries(FIELD_IDS.map((field) => [field, this.#messagesFor(field)])) as Record<FieldId, HTMLElement>;
    const textInput = (field: TextField, attrs: Record<string, string | number> = {}): HTMLInputElement => {
      const input = el('input', { type: 'text', id: field, name: field, autocomplete: 'off', spellcheck: 'false', maxlength: MAX_LENGTH[field], 'aria-describedby': `${field}-msg`, ...attrs });
      input.addEventListener('input', () => this.#onInput(field, input.value));
      return input;
    };

    // Connection
    const profile = el('dd', { id: 'conn-profile' });
    const domain = el('dd', { id: 'conn-domain' });
    const credentials = el('dd', { id: 'conn-credentials' });
    const problem = el('p', { id: 'settings-problem', class: 'message error', role: 'alert', hidden: true });
    const connection = el(
      'section',
      { class: 'section', 'aria-labelledby': 'connection-heading' },
      this.#text(el('h2', { id: 'connection-heading' }), 'connection.legend'),
      el('dl', { class: 'facts' }, this.#text(el('dt'), 'connection.profile'), profile, this.#text(el('dt'), 'connection.domain'), domain, this.#text(el('dt'), 'connection.credentials'), credentials),
      problem,
      el(
        'div',
        { class: 'buttons' },
        ...COMMANDS.map(([command, textId]) => this.#button(`cmd-${command}`, textId, 'secondary', () => this.#post({ type: 'runCommand', command }))),
      ),
    );

    // Target
    const userId = textInput('userId', { placeholder: 'ou_…' });
    const userIdType = el('select', { id: 'userIdType', name: 'userIdType', 'aria-describedby': 'userIdType-msg' }, ...USER_ID_TYPE_VALUES.map((type) => el('option', { value: type }, type)));
    userIdType.addEventListener('change', () => {
      const value = USER_ID_TYPE_VALUES.find((type) => type === userIdType.value);
      if (value === undefined) return;
      this.#saved.draft.userIdType = value;
      // A type picked by hand is the person's choice: the setting no longer fills it in.
      this.#userIdEdited = true;
      this.#changed();
    });
    const recentPlaceholder = this.#text(el('option', { value: '' }), 'target.recentPlaceholder');
    const recent = el('select', { id: 'recentUsers' }, recentPlaceholder);
    recent.addEventListener('change', () => this.#pickRecent());
    const recentField = el('div', { class: 'field', hidden: true }, this.#label('recentUsers', 'target.recent'), recent);
    const remembered = el('p', { id: 'remembered', class: 'hint remembered', hidden: true });
    const target = el(
      'fieldset',
      { class: 'section' },
      this.#text(el('legend'), 'target.legend'),
      el('div', { class: 'field' }, this.#label('userId', 'target.userId'), userId, messages.userId),
      el('div', { class: 'field' }, this.#label('userIdType', 'target.userIdType'), userIdType, messages.userIdType),
      recentField,
      remembered,
    );

    // Counts
    const steppers = {} as Record<CountField, HTMLButtonElement[]>;
    const inputs = { userId } as Record<TextField, HTMLInputElement | HTMLTextAreaElement>;
    const countField = (field: CountField, client: StringId, kind: StringId): HTMLElement => {
      const input = textInput(field, { inputmode: 'numeric', role: 'spinbutton', 'aria-valuemin': 0, 'aria-valuemax': MAX_COUNT, 'aria-describedby': `${field}-msg counts-hint` });
      input.addEventListener('keydown', (event) => {
        const delta = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 }[event.key];
        if (delta === undefined) return;
        event.preventDefault();
        this.#step(field, delta);
      });
      inputs[field] = input;
      const name = (): Record<string, string> => ({ field: t('counts.fieldName', this.#locale, { client: t(client, this.#locale), kind: t(kind, this.#locale) }) });
      // The steppers are for the mouse; keyboard users have the arrow keys, so they stay out of the tab order.
      const stepper = (delta: number, textId: StringId, glyph: string): HTMLButtonElement => {
        const button = this.#text(el('button', { type: 'button', class: 'step', tabindex: -1, 'aria-controls': field }, glyph), textId, name, 'aria-label');
        button.addEventListener('click', () => {
          this.#step(field, delta);
          input.focus();
        });
        return button;
      };
      steppers[field] = [stepper(-1, 'counts.decrease', '−'), stepper(1, 'counts.increase', '+')];
      return el('div', { class: 'field count' }, this.#label(field, kind), el('div', { class: 'stepper' }, steppers[field][0], input, steppers[field][1]), messages[field]);
    };
    const clientGroup = (client: StringId, webApp: CountField, gadget: CountField): HTMLElement =>
      el('fieldset', { class: 'client' }, this.#text(el('legend'), client), el('div', { class: 'row' }, countField(webApp, client, 'counts.webApp'), countField(gadget, client, 'counts.gadget')));
    const sameOnBoth = el('input', { type: 'checkbox', id: 'sameOnBoth', name: 'sameOnBoth' });
    sameOnBoth.addEventListener('change', () => {
      this.#saved.draft.sameOnBoth = sameOnBoth.checked;
      if (sameOnBoth.checked) this.#mirror();
      this.#syncInputs();
      this.#changed();
    });
    const counts = el(
      'fieldset',
      { class: 'section' },
      this.#text(el('legend'), 'counts.legend'),
      this.#text(el('p', { id: 'counts-hint', class: 'hint' }), 'counts.hint'),
      clientGroup('counts.pc', 'pcWebApp', 'pcGadget'),
      el('div', { class: 'check' }, sameOnBoth, this.#label('sameOnBoth', 'counts.sameOnBoth')),
      clientGroup('counts.mobile', 'mobileWebApp', 'mobileGadget'),
      messages.counts,
    );

    // Version
    const versionRadio = (mode: 'auto' | 'manual'): HTMLInputElement => {
      const radio = el('input', { type: 'radio', name: 'versionMode', id: `version-${mode}`, value: mode });
      radio.addEventListener('change', () => {
        if (!radio.checked) return;
        const draft = this.#saved.draft;
        draft.versionMode = mode;
        // Start manual mode from the estimate, the value most people then adjust.
        const estimate = this.#estimate();
        if (mode === 'manual' && draft.manualVersion === '' && estimate !== undefined) draft.manualVersion = estimate;
        this.#syncInputs();
        this.#changed();
      });
      return radio;
    };
    const versionAuto = versionRadio('auto');
    const versionManual = versionRadio('manual');
    const autoNote = el('p', { id: 'version-auto-note', class: 'hint' });
    versionAuto.setAttribute('aria-describedby', 'version-auto-note');
    const manualVersion = textInput('manualVersion', { inputmode: 'numeric', placeholder: '1700000000000' });
    inputs.manualVersion = manualVersion;
    const manualField = el('div', { class: 'field' }, this.#label('manualVersion', 'version.manualLabel'), manualVersion, messages.manualVersion);
    const version = el(
      'fieldset',
      { class: 'section' },
      this.#text(el('legend'), 'version.legend'),
      el(
        'div',
        { class: 'radios' },
        el('span', { class: 'check' }, versionAuto, this.#label('version-auto', 'version.auto')),
        el('span', { class: 'check' }, versionManual, this.#label('version-manual', 'version.manual')),
      ),
      autoNote,
      manualField,
    );

    // Extra
    const extra = el('textarea', { id: 'extra', name: 'extra', rows: 3, spellcheck: 'false', maxlength: MAX_LENGTH.extra, 'aria-describedby': 'extra-hint extra-msg', placeholder: '{"key": "value"}' });
    extra.addEventListener('input', () => this.#onInput('extra', extra.value));
    inputs.extra = extra;
    const extraLabel = this.#label('extra', 'extra.label');
    extraLabel.classList.add('heading');
    const extraField = el('div', { class: 'section field' }, extraLabel, this.#text(el('p', { id: 'extra-hint', class: 'hint' }), 'extra.hint'), extra, messages.extra);

    // Preview
    const previewNote = this.#text(el('p', { id: 'preview-note', class: 'hint', hidden: true }), 'preview.invalid');
    const previewQuery = el('code', { id: 'preview-query' });
    const previewBody = el('pre', { id: 'preview-body', class: 'code' });
    const copyCurl = this.#button('copy-curl', 'action.copyCurl', 'secondary', () => this.#post({ type: 'copy', format: 'curl', draft: { ...this.#saved.draft } }));
    const copyHttp = this.#button('copy-http', 'action.copyHttp', 'secondary', () => this.#post({ type: 'copy', format: 'http', draft: { ...this.#saved.draft } }));
    const preview = el(
      'section',
      { class: 'section', 'aria-labelledby': 'preview-heading' },
      this.#text(el('h2', { id: 'preview-heading' }), 'preview.legend'),
      previewNote,
      el('p', { class: 'preview-query' }, this.#text(el('span', { class: 'term' }), 'preview.query'), ' ', previewQuery),
      this.#text(el('p', { class: 'term' }), 'preview.body'),
      previewBody,
      el('div', { class: 'buttons' }, copyCurl, copyHttp),
    );

    // Actions
    const send = this.#button('send', 'action.send', 'primary', undefined, 'submit');
    send.setAttribute('aria-describedby', 'send-reason');
    const clear = this.#button('clear', 'action.clear', 'secondary', () => this.#clear());
    const cancel = this.#button('cancel', 'action.cancel', 'secondary', () => this.#cancel());
    cancel.hidden = true;
    const sendReason = el('p', { id: 'send-reason', class: 'message error', hidden: true });
    const status = el('p', { id: 'status', class: 'status', role: 'status' });
    const actions = el('div', { class: 'section actions' }, el('div', { class: 'buttons' }, send, clear, cancel), sendReason, status);

    const form = el('form', { id: 'badge-form', novalidate: true, 'aria-labelledby': 'form-title' }, target, counts, version, extraField, preview, actions);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#send();
    });

    // Response
    const result = el('div', { id: 'result', class: 'result', 'aria-live': 'polite' });
    const response = el('section', { class: 'section', 'aria-labelledby': 'result-heading' }, this.#text(el('h2', { id: 'result-heading' }), 'result.legend'), result);

    // History: collapsed by default; each entry re-sends through the host's history command.
    const historyList = el('ol', { id: 'history-list', class: 'history-list' });
    const historyEmpty = this.#text(el('p', { id: 'history-empty', class: 'muted' }), 'history.empty');
    const history = el(
      'details',
      { id: 'history', class: 'section history' },
      this.#text(el('summary', { id: 'history-heading' }), 'history.legend'),
      this.#text(el('p', { class: 'hint' }), 'history.hint', () => ({ count: FORM_HISTORY_MAX })),
      historyEmpty,
      historyList,
    );

    replace(root, this.#text(el('h1', { id: 'form-title', class: 'sr-only' }), 'form.title'), connection, form, response, history);
    return {
      inputs,
      steppers,
      userIdType,
      recent,
      recentField,
      remembered,
      historyList,
      historyEmpty,
      sameOnBoth,
      versionAuto,
      versionManual,
      autoNote,
      manualField,
      messages,
      domain,
      profile,
      credentials,
      problem,
      previewNote,
      previewQuery,
      previewBody,
      copyCurl,
      copyHttp,
      send,
      clear,
      cancel,
      sendReason,
      status,
      result,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Changes from the person

  #onInput(field: TextField, value: string): void {
    const draft = this.#saved.draft;
    draft[field] = value;
    if (field === 'userId') this.#userIdEdited = true;
    const mirror = (MIRROR as Partial<Record<TextField, CountField>>)[field];
    if (draft.sameOnBoth && mirror !== undefined) {
      draft[mirror] = value;
      this.#ui.inputs[mirror].value = value;
    }
    this.#changed();
  }

  #step(field: CountField, delta: number): void {
    if (this.#ui.inputs[field].disabled) return;
    const current = this.#saved.draft[field].trim();
    const start = /^\d+$/.test(current) ? Math.min(Number(current), MAX_COUNT) : 0;
    const next = String(Math.min(MAX_COUNT, Math.max(0, current === '' && delta > 0 ? delta : start + delta)));
    this.#ui.inputs[field].value = next;
    this.#onInput(field, next);
  }

  #mirror(): void {
    const draft = this.#saved.draft;
    draft.mobileWebApp = draft.pcWebApp;
    draft.mobileGadget = draft.pcGadget;
  }

  #pickRecent(): void {
    // The select keeps showing the pick (and follows the typed target), so arrow keys on a closed
    // select step through the users one by one.
    const value = this.#ui.recent.value;
    const picked = value === '' ? undefined : this.#saved.host?.recentUsers[Number(value)];
    if (picked === undefined) return;
    this.#setTarget(picked);
    this.#userIdEdited = true;
    this.#changed();
  }

  #setTarget(target: Target): void {
    this.#saved.draft.userId = target.userId;
    this.#saved.draft.userIdType = target.userIdType;
    this.#syncInputs();
  }

  /** The host's default target fills an untouched, empty user ID (once; clearing it later sticks). */
  #prefillDefaultTarget(): void {
    const target = this.#saved.host?.defaultTarget;
    if (this.#userIdEdited || this.#saved.draft.userId !== '') return;
    if (target === undefined || target.userId === '') {
      // No default user: an empty, untouched draft still takes the setting's ID type.
      const type = this.#saved.host?.userIdType;
      if (type !== undefined && type !== this.#saved.draft.userIdType) {
        this.#saved.draft.userIdType = type;
        this.#syncInputs();
        this.#persist();
      }
      return;
    }
    this.#setTarget(target);
    this.#userIdEdited = true;
    this.#persist();
  }

  #changed(): void {
    this.#persist();
    this.#update();
    this.#schedulePeek(false);
  }

  // ---------------------------------------------------------------------------------------------
  // Requests

  #post(message: FromWebview): void {
    this.#api.postMessage(message);
  }

  #send(): void {
    if (this.#pending !== undefined || this.#evaluation?.ok !== true) return;
    const requestId = this.#begin('send');
    this.#post({ type: 'send', requestId, draft: { ...this.#saved.draft } });
  }

  #resend(index: number, at: number): void {
    if (this.#pending !== undefined) return;
    const requestId = this.#begin('send');
    this.#post({ type: 'resend', requestId, index, at });
  }

  #clear(): void {
    const target = this.#evaluation?.target;
    if (this.#pending !== undefined || target === undefined || target.userId === '') return;
    const requestId = this.#begin('clear');
    this.#post({ type: 'clear', requestId, target: { ...target } });
  }

  #begin(action: Action): string {
    const requestId = newRequestId();
    this.#pending = { requestId, action, acknowledged: false };
    this.#actions.set(requestId, action);
    this.#update();
    return requestId;
  }

  #cancel(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#post({ type: 'cancel', requestId: pending.requestId });
    // A request the host never acknowledged has nothing to wait for: release the form now.
    if (!pending.acknowledged) this.#pending = undefined;
    this.#update();
  }

  #estimate(): string | undefined {
    const version = this.#saved.version;
    return version !== undefined && sameTarget(version.target, this.#evaluation?.target) ? version.version : undefined;
  }

  /** Asks the host for the next automatic version of the current target, debounced while typing. */
  #schedulePeek(force: boolean): void {
    clearTimeout(this.#peekTimer);
    const target = this.#evaluation?.target;
    // Asked in manual mode too: the reply also says what the extension last set for this target.
    if (target === undefined || target.userId === '') return;
    const key = `${target.userIdType}:${target.userId}`;
    if (!force && key === this.#lastPeek) return;
    this.#peekTimer = setTimeout(() => {
      this.#lastPeek = key;
      this.#post({ type: 'peekVersion', target });
    }, PEEK_DELAY_MS);
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
    this.#shownMessages.clear();
    this.#renderResult();
  }

  // ---------------------------------------------------------------------------------------------
  // Drawing

  /** Writes the draft into the inputs (on load and after programmatic changes, not while typing). */
  #syncInputs(): void {
    const { draft } = this.#saved;
    const { inputs } = this.#ui;
    for (const field of Object.keys(inputs) as TextField[]) {
      if (inputs[field].value !== draft[field]) inputs[field].value = draft[field];
    }
    this.#ui.userIdType.value = draft.userIdType;
    this.#ui.sameOnBoth.checked = draft.sameOnBoth;
    this.#ui.versionAuto.checked = draft.versionMode === 'auto';
    this.#ui.versionManual.checked = draft.versionMode === 'manual';
  }

  #renderResult(): void {
    renderResult(this.#ui.result, this.#saved.result, this.#saved.resultAction ?? 'send', this.#locale, {
      copyLogId: (logId) => this.#post({ type: 'copyLogId', logId }),
      openDocs: (url) => this.#post({ type: 'openDocs', url }),
    });
  }

  #renderMessages(field: FieldId, messages: FieldMessage[]): void {
    const key = messages.map((message) => `${message.severity}:${message.text}`).join('\n');
    if (this.#shownMessages.get(field) === key) return;
    this.#shownMessages.set(field, key);
    replace(
      this.#ui.messages[field],
      ...messages.map((message) =>
        el(
          'p',
          { class: `message ${message.severity}` },
          icon(message.severity),
          el('span', { class: 'sr-only' }, t(message.severity === 'error' ? 'issue.error' : 'issue.warning', this.#locale)),
          ' ',
          message.text,
        ),
      ),
    );
  }

  #update(): void {
    const { draft, host } = this.#saved;
    const ui = this.#ui;
    const locale = this.#locale;
    const version = this.#saved.version;
    // The estimate is for the target as typed; compute the target first, then the preview with it.
    const first = evaluate(draft, locale, undefined, t('version.placeholder', locale));
    const estimate = version !== undefined && sameTarget(version.target, first.target) && draft.versionMode === 'auto' ? version.version : undefined;
    const evaluation = estimate === undefined ? first : evaluate(draft, locale, estimate, t('version.placeholder', locale));
    this.#evaluation = evaluation;

    for (const field of FIELD_IDS) {
      const mine = (message: FieldMessage): boolean => message.field === field;
      const errors = evaluation.errors.filter(mine);
      this.#renderMessages(field, [...errors, ...evaluation.warnings.filter(mine)]);
      const control = field === 'userIdType' ? ui.userIdType : field === 'counts' ? undefined : ui.inputs[field];
      if (control !== undefined) setAttrs(control, { 'aria-invalid': errors.length > 0 ? 'true' : undefined });
    }
    for (const field of COUNT_FIELDS) {
      const disabled = draft.sameOnBoth && field.startsWith('mobile');
      const input = ui.inputs[field];
      input.disabled = disabled;
      for (const button of ui.steppers[field]) button.disabled = disabled;
      const value = input.value.trim();
      setAttrs(input, { 'aria-valuenow': /^\d+$/.test(value) ? Number(value) : undefined });
    }

    ui.previewQuery.textContent = `?${evaluation.query}`;
    ui.previewBody.textContent = evaluation.body;
    ui.previewNote.hidden = evaluation.ok;

    ui.manualField.hidden = draft.versionMode !== 'manual';
    ui.autoNote.hidden = draft.versionMode !== 'auto';
    ui.autoNote.textContent = estimate === undefined ? t('version.autoUnknown', locale) : t('version.autoValue', locale, { version: estimate });

    const busy = this.#pending !== undefined;
    // aria-disabled, not disabled: the buttons stay focusable, so focus is not lost when a click
    // makes them unavailable, and Send can still be reached to hear why it is unavailable.
    setAttrs(ui.send, { 'aria-disabled': !evaluation.ok || busy ? 'true' : undefined });
    setAttrs(ui.clear, { 'aria-disabled': busy || evaluation.target === undefined || evaluation.target.userId === '' ? 'true' : undefined });
    if (!busy && document.activeElement === ui.cancel) ui.send.focus();
    ui.cancel.hidden = !busy;
    ui.copyCurl.disabled = !evaluation.ok;
    ui.copyHttp.disabled = !evaluation.ok;
    const [firstError] = evaluation.errors;
    ui.sendReason.hidden = firstError === undefined;
    if (firstError !== undefined) {
      const reason =
        evaluation.errors.length === 1
          ? t('send.blockedOne', locale, { first: firstError.text })
          : t('send.blockedMany', locale, { count: evaluation.errors.length, first: firstError.text });
      if (ui.sendReason.textContent !== ` ${reason}`) replace(ui.sendReason, icon('error'), ' ', reason);
    }
    const statusParts: Child[] = this.#pending !== undefined ? [el('span', { class: 'spinner', 'aria-hidden': 'true' }), t(`send.busy.${this.#pending.action}`, locale)] : [this.#note];
    const statusText = statusParts.map((part) => (typeof part === 'string' ? part : '')).join('');
    if (ui.status.textContent !== statusText) replace(ui.status, ...statusParts);

    this.#renderConnection(host);
    this.#renderRemembered();
    this.#renderHistory(host?.history ?? []);
    for (const button of ui.historyList.querySelectorAll('button')) setAttrs(button, { 'aria-disabled': busy ? 'true' : undefined });
  }

  #renderRemembered(): void {
    const locale = this.#locale;
    const known = this.#saved.remembered;
    const line = this.#ui.remembered;
    if (known === undefined || !sameTarget(known.target, this.#evaluation?.target)) {
      line.hidden = true;
      return;
    }
    const { badge } = known;
    line.hidden = false;
    line.textContent =
      badge === undefined
        ? t('remembered.none', locale)
        : t('remembered.line', locale, { pc: formatCounts(badge.pc), mobile: formatCounts(badge.mobile), version: badge.version, time: formatTime(badge.at, locale) });
  }

  /** Redraws the list only when it changed, keeping focus on the same entry's button. */
  #renderHistory(items: HistoryItem[]): void {
    const locale = this.#locale;
    const key = `${locale}\n${JSON.stringify(items)}`;
    if (key === this.#historyKey) return;
    this.#historyKey = key;
    const list = this.#ui.historyList;
    const focused = list.contains(document.activeElement) ? document.activeElement?.getAttribute('data-index') : undefined;
    replace(
      list,
      ...items.map((item) => {
        const details = [t('history.counts', locale, { pc: formatCounts(item.pc), mobile: formatCounts(item.mobile) })];
        if (item.code !== undefined) details.push(t('history.code', locale, { code: item.code }));
        details.push(formatTime(item.at, locale));
        const button = el('button', { type: 'button', class: 'secondary small', 'data-index': item.index, 'aria-label': t('history.resendLabel', locale, { user: item.userId }) }, t('history.resend', locale));
        button.addEventListener('click', () => this.#resend(item.index, item.at));
        return el(
          'li',
          { class: `history-item ${item.ok ? 'ok' : 'fail'}` },
          el(
            'div',
            { class: 'history-text' },
            el(
              'p',
              { class: 'history-user' },
              icon(item.ok ? 'pass' : 'error'),
              el('span', { class: 'sr-only' }, t(item.ok ? 'history.ok' : 'history.failed', locale)),
              ' ',
              el('code', {}, item.userId),
              ` (${item.userIdType})`,
            ),
            el('p', { class: 'hint' }, details.join(' · ')),
          ),
          button,
        );
      }),
    );
    this.#ui.historyEmpty.hidden = items.length > 0;
    list.hidden = items.length === 0;
    if (focused !== undefined && focused !== null) {
      const again = [...list.querySelectorAll('button')].find((button) => button.getAttribute('data-index') === focused);
      (again ?? this.#ui.historyList.closest('details')?.querySelector('summary'))?.focus();
    }
  }

  #renderConnection(host: HostState | undefined): void {
    const ui = this.#ui;
    const locale = this.#locale;
    if (host === undefined) {
      ui.domain.textContent = t('connection.unknown', locale);
      ui.credentials.textContent = '';
    } else {
      replace(
        ui.profile,
        host.profile?.name ?? t('connection.unknown', locale),
        ...(host.profile?.production === true ? [' ', el('span', { class: 'badge warning' }, t('connection.production', locale))] : []),
      );
      replace(ui.domain, host.domain, host.baseUrl === undefined ? '' : ' · ', host.baseUrl === undefined ? '' : el('code', {}, host.baseUrl));
      const credentials = !host.hasCredentials
        ? t('connection.none', locale)
        : host.credentialKind === 'manual'
          ? t('connection.manual', locale)
          : t('connection.selfBuilt', locale, { appId: host.appId ?? '' }).trim();
      replace(ui.credentials, icon(host.hasCredentials ? 'pass' : 'warning'), ' ', credentials);
      ui.credentials.className = host.hasCredentials ? 'ok' : 'warning';
    }
    ui.problem.hidden = host?.settingsProblem === undefined;
    ui.problem.textContent = host?.settingsProblem === undefined ? '' : t('connection.problem', locale, { problem: host.settingsProblem });

    const users = host?.recentUsers ?? [];
    const key = users.map((user) => `${user.userIdType}:${user.userId}`).join('\n');
    if (key !== this.#recentKey) {
      this.#recentKey = key;
      const [placeholder] = ui.recent.options;
      replace(ui.recent, placeholder, ...users.map((user, index) => el('option', { value: index }, `${user.userId} (${user.userIdType})`)));
    }
    const current = users.findIndex((user) => sameTarget(user, this.#evaluation?.target));
    ui.recent.value = current < 0 ? '' : String(current);
    ui.recentField.hidden = users.length === 0;
  }
}
