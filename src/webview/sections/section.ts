// What the form's sections share. A section builds its DOM once (`create(ctx)`) and redraws its
// part from the whole view (`render(view)`); it changes things only through its context, so no
// section reaches into another's DOM and the form stays the one owner of state.
import type { Locale } from '../../core/types.ts';
import type { Draft, FormResult, FromWebview, HostState, LookupAnswer, RememberedInfo, Target } from '../../shared/protocol.ts';
import { DOC_URL_PATTERN, DRAFT_MAX_LENGTH, LOG_ID_PATTERN } from '../../shared/protocol.ts';
import type { SavedDiagnosis } from '../savedState.ts';
import type { Attrs } from '../dom.ts';
import { el, icon, replace, setAttrs } from '../dom.ts';
import type { Evaluation, FieldId, FieldMessage } from '../model.ts';
import type { StringId } from '../strings.ts';
import { t } from '../strings.ts';

export type Action = 'send' | 'clear';

/** Everything the sections draw, derived anew by the form on every change. */
export interface View {
  locale: Locale;
  draft: Draft;
  host: HostState | undefined;
  evaluation: Evaluation;
  /** The host's estimate of the next automatic version, when it is for the draft's target. */
  estimate: string | undefined;
  /** What the extension last set for the draft's target (`badge` absent: never set); undefined when unknown. */
  remembered: { badge?: RememberedInfo } | undefined;
  /** What the pending request does, while there is one. */
  busy: Action | undefined;
  /** The host said there are no credentials: nothing can be sent until the app is connected. */
  needsCredentials: boolean;
  /** A passing confirmation for the status line ("Copied as curl"). */
  note: string | undefined;
  result: FormResult | undefined;
  resultAction: Action;
  /** The lookup of what the user ID field holds: an email or phone number, or an ID the last lookup found. */
  lookup: { busy: boolean; answer: LookupAnswer | undefined };
  /**
   * `target`: what Diagnose would run for (undefined without an ID in the field or without
   * credentials); `shown`: the last diagnosis, when it is for that target.
   */
  diagnosis: { target: Target | undefined; busy: boolean; shown: SavedDiagnosis | undefined };
}

export interface Section {
  readonly element: HTMLElement;
  render(view: View): void;
}

export type Params = Record<string, string | number>;

/** What a section can do. Every `edit` is the person's own change to the draft. */
export interface Context {
  /** Sets `element`'s text (or `attribute`) from the string table, now and on every change of language. */
  text<E extends Element>(element: E, id: StringId, params?: (locale: Locale) => Params, attribute?: string): E;
  edit(change: Partial<Draft>): void;
  post(message: FromWebview): void;
  clear(): void;
  cancel(): void;
  resend(index: number, at: number): void;
  /** Looks up the email or phone number in the user ID field. */
  lookup(): void;
  /** Diagnoses the user ID in the field (with the draft's counts). */
  diagnose(): void;
  cancelDiagnosis(): void;
}

export type TextField = Exclude<keyof typeof DRAFT_MAX_LENGTH, 'extra'>;

export function label(ctx: Context, forId: string, id: StringId): HTMLLabelElement {
  return ctx.text(el('label', { for: forId }), id);
}

export function button(ctx: Context, id: string, textId: StringId, kind: 'primary' | 'secondary', onClick?: () => void, type: 'button' | 'submit' = 'button'): HTMLButtonElement {
  const made = ctx.text(el('button', { type, id, class: kind }), textId);
  if (onClick !== undefined) made.addEventListener('click', onClick);
  return made;
}

/** A one-line input for a draft field, as long as the host accepts and described by its messages. */
export function textInput(field: TextField, onInput: (value: string) => void, attrs: Attrs = {}): HTMLInputElement {
  const input = el('input', {
    type: 'text',
    id: field,
    name: field,
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: DRAFT_MAX_LENGTH[field],
    'aria-describedby': `${field}-msg`,
    ...attrs,
  });
  input.addEventListener('input', () => onInput(input.value));
  return input;
}

/** Writes a draft value into its control; skipped when equal, so typing never moves the caret. */
export function show(control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  if (control.value !== value) control.value = value;
}

/** A field's errors and warnings (`#<field>-msg`), and `aria-invalid` on its control. */
export function fieldMessages(field: FieldId, control?: Element): Section {
  const element = el('div', { id: `${field}-msg`, class: 'messages' });
  let shown: string | undefined;
  return {
    element,
    render({ evaluation, locale }: View): void {
      const mine = (message: FieldMessage): boolean => message.field === field;
      const errors = evaluation.errors.filter(mine);
      const messages = [...errors, ...evaluation.warnings.filter(mine)];
      if (control !== undefined) setAttrs(control, { 'aria-invalid': errors.length > 0 ? 'true' : undefined });
      // Every keystroke renders the whole view: rebuild the messages only when they changed.
      const key = `${locale}\n${messages.map((message) => `${message.severity}:${message.text}`).join('\n')}`;
      if (key === shown) return;
      shown = key;
      replace(
        element,
        ...messages.map((message) =>
          el(
            'p',
            { class: `message ${message.severity}` },
            icon(message.severity),
            el('span', { class: 'sr-only' }, t(message.severity === 'error' ? 'issue.error' : 'issue.warning', locale)),
            ' ',
            message.text,
          ),
        ),
      );
    },
  };
}

export function formatTime(at: number, locale: Locale): string {
  return new Date(at).toLocaleString(locale === 'zh-cn' ? 'zh-CN' : 'en', { dateStyle: 'short', timeStyle: 'medium' });
}

/** The first link in server text the host would open (the platform's console or documentation). */
export function docUrlIn(...texts: Array<string | undefined>): string | undefined {
  for (const text of texts) {
    for (const [found] of (text ?? '').matchAll(/https:\/\/[^\s"'<>()[\]，。；）]+/g)) {
      const url = found.replace(/[.,;:!?]+$/, '');
      if (DOC_URL_PATTERN.test(url)) return url;
    }
  }
  return undefined;
}

/** What a console or documentation link is called: the permission page, a documentation page, or another console page. */
function linkText(url: string): StringId {
  const path = url.replace(/^https:\/\/[^/]+/, '');
  if (/^\/app\/[^/]+\/auth\b/.test(path)) return 'lookup.permissionPage';
  if (path.startsWith('/document/')) return 'action.openDocs';
  return 'lookup.consolePage';
}

/** A link the host opens (openDocs), named for where it goes; it never navigates the webview. */
export function docLink(ctx: Context, url: string, locale: Locale, attrs: Attrs = {}): HTMLAnchorElement {
  const link = el('a', { href: url, class: 'doc-link', title: url, ...attrs }, t(linkText(url), locale));
  link.addEventListener('click', (event) => {
    event.preventDefault();
    ctx.post({ type: 'openDocs', url });
  });
  return link;
}

/** A log ID and, when the host would copy it, its copy button; anything else is shown, not offered. */
export function logIdValue(ctx: Context, logId: string, locale: Locale, attrs: Attrs = {}): Node[] {
  const code = el('code', { class: 'log-id' }, logId);
  if (!LOG_ID_PATTERN.test(logId)) return [code];
  const copy = el('button', { type: 'button', class: 'secondary small', 'aria-label': `${t('action.copyLogId', locale)} ${logId}`, ...attrs }, t('action.copyLogId', locale));
  copy.addEventListener('click', () => ctx.post({ type: 'copyLogId', logId }));
  return [code, copy];
}
