// Optional free text sent as `extra` (apps usually expect JSON).
import { DRAFT_MAX_LENGTH } from '../../shared/protocol.ts';
import { el } from '../dom.ts';
import type { Context, Section, View } from './section.ts';
import { fieldMessages, label, show } from './section.ts';

export function create(ctx: Context): Section {
  const extra = el('textarea', {
    id: 'extra',
    name: 'extra',
    rows: 3,
    spellcheck: 'false',
    maxlength: DRAFT_MAX_LENGTH.extra,
    'aria-describedby': 'extra-hint extra-msg',
    placeholder: '{"key": "value"}',
  });
  extra.addEventListener('input', () => ctx.edit({ extra: extra.value }));
  const heading = label(ctx, 'extra', 'extra.label');
  heading.classList.add('heading');
  const messages = fieldMessages('extra', extra);
  const element = el('div', { class: 'section field' }, heading, ctx.text(el('p', { id: 'extra-hint', class: 'hint' }), 'extra.hint'), extra, messages.element);
  return {
    element,
    render(view: View): void {
      show(extra, view.draft.extra);
      messages.render(view);
    },
  };
}
