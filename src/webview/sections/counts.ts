// The badge counts: web app and mini program on PC and on mobile, each with steppers and the
// arrow keys, and "same on both", which makes mobile a copy of PC.
import { MAX_COUNT } from '../../core/schema.ts';
import type { Locale } from '../../core/types.ts';
import type { Draft } from '../../shared/protocol.ts';
import { el, setAttrs } from '../dom.ts';
import { mirroredCounts } from '../model.ts';
import type { StringId } from '../strings.ts';
import { t } from '../strings.ts';
import type { Context, Params, Section, View } from './section.ts';
import { fieldMessages, label, show, textInput } from './section.ts';

type CountField = 'pcWebApp' | 'pcGadget' | 'mobileWebApp' | 'mobileGadget';

const COUNT_FIELDS: readonly CountField[] = ['pcWebApp', 'pcGadget', 'mobileWebApp', 'mobileGadget'];
const MIRROR: Readonly<Partial<Record<CountField, CountField>>> = { pcWebApp: 'mobileWebApp', pcGadget: 'mobileGadget' };
const KEY_STEPS: Readonly<Record<string, number>> = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

export function create(ctx: Context): Section {
  let draft: Draft | undefined;
  const inputs = {} as Record<CountField, HTMLInputElement>;
  const steppers = {} as Record<CountField, HTMLButtonElement[]>;
  const messages: Section[] = [];

  const set = (field: CountField, value: string): void => {
    const change: Partial<Draft> = {};
    change[field] = value;
    const mirror = MIRROR[field];
    if (draft?.sameOnBoth === true && mirror !== undefined) change[mirror] = value;
    ctx.edit(change);
  };
  const step = (field: CountField, delta: number): void => {
    if (draft === undefined || inputs[field].disabled) return;
    const current = draft[field].trim();
    const start = /^\d+$/.test(current) ? Math.min(Number(current), MAX_COUNT) : 0;
    set(field, String(Math.min(MAX_COUNT, Math.max(0, current === '' && delta > 0 ? delta : start + delta))));
  };

  const countField = (field: CountField, client: StringId, kind: StringId): HTMLElement => {
    const input = textInput(field, (value) => set(field, value), {
      inputmode: 'numeric',
      role: 'spinbutton',
      'aria-valuemin': 0,
      'aria-valuemax': MAX_COUNT,
      'aria-describedby': `${field}-msg counts-hint`,
    });
    input.addEventListener('keydown', (event) => {
      const delta = KEY_STEPS[event.key];
      if (delta === undefined) return;
      event.preventDefault();
      step(field, delta);
    });
    inputs[field] = input;
    const name = (locale: Locale): Params => ({ field: t('counts.fieldName', locale, { client: t(client, locale), kind: t(kind, locale) }) });
    // The steppers are for the mouse; keyboard users have the arrow keys, so they stay out of the tab order.
    const stepper = (delta: number, textId: StringId, glyph: string): HTMLButtonElement => {
      const button = ctx.text(el('button', { type: 'button', class: 'step', tabindex: -1, 'aria-controls': field }, glyph), textId, name, 'aria-label');
      button.addEventListener('click', () => {
        step(field, delta);
        input.focus();
      });
      return button;
    };
    const down = stepper(-1, 'counts.decrease', '−');
    const up = stepper(1, 'counts.increase', '+');
    steppers[field] = [down, up];
    const own = fieldMessages(field, input);
    messages.push(own);
    return el('div', { class: 'field count' }, label(ctx, field, kind), el('div', { class: 'stepper' }, down, input, up), own.element);
  };
  const clientGroup = (client: StringId, webApp: CountField, gadget: CountField): HTMLElement =>
    el('fieldset', { class: 'client' }, ctx.text(el('legend'), client), el('div', { class: 'row' }, countField(webApp, client, 'counts.webApp'), countField(gadget, client, 'counts.gadget')));

  const sameOnBoth = el('input', { type: 'checkbox', id: 'sameOnBoth', name: 'sameOnBoth' });
  sameOnBoth.addEventListener('change', () => {
    if (draft !== undefined) ctx.edit(sameOnBoth.checked ? { sameOnBoth: true, ...mirroredCounts(draft) } : { sameOnBoth: false });
  });
  // Problems of the counts as a whole (none at all, say).
  const overall = fieldMessages('counts');
  messages.push(overall);
  const element = el(
    'fieldset',
    { class: 'section' },
    ctx.text(el('legend'), 'counts.legend'),
    ctx.text(el('p', { id: 'counts-hint', class: 'hint' }), 'counts.hint'),
    clientGroup('counts.pc', 'pcWebApp', 'pcGadget'),
    el('div', { class: 'check' }, sameOnBoth, label(ctx, 'sameOnBoth', 'counts.sameOnBoth')),
    clientGroup('counts.mobile', 'mobileWebApp', 'mobileGadget'),
    overall.element,
  );

  return {
    element,
    render(view: View): void {
      draft = view.draft;
      sameOnBoth.checked = draft.sameOnBoth;
      for (const field of COUNT_FIELDS) {
        const input = inputs[field];
        show(input, draft[field]);
        // With "same on both", mobile shows PC's counts and cannot be changed on its own.
        const disabled = draft.sameOnBoth && field.startsWith('mobile');
        input.disabled = disabled;
        for (const button of steppers[field]) button.disabled = disabled;
        const value = input.value.trim();
        setAttrs(input, { 'aria-valuenow': /^\d+$/.test(value) ? Number(value) : undefined });
      }
      for (const section of messages) section.render(view);
    },
  };
}
