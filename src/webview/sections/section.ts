// What the form's sections share. A section builds its DOM once (`create(ctx)`) and redraws its
// part from the whole view (`render(view)`); it changes things only through its context, so no
// section reaches into another's DOM and the form stays the one owner of state.
import type { Locale } from '../../core/types.ts';
import type { Draft, FormResult, FromWebview, HostState, RememberedInfo } from '../../shared/protocol.ts';
import { DRAFT_MAX_LENGTH } from '../../shared/protocol.ts';
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
