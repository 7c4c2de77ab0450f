// The exact request a send makes (query string and JSON body), and copying it as curl or .http.
import type { Draft } from '../../shared/protocol.ts';
import { el } from '../dom.ts';
import type { Context, Section, View } from './section.ts';
import { button } from './section.ts';

export function create(ctx: Context): Section {
  let draft: Draft | undefined;
  const copy = (format: 'curl' | 'http'): HTMLButtonElement =>
    button(ctx, `copy-${format}`, format === 'curl' ? 'action.copyCurl' : 'action.copyHttp', 'secondary', () => {
      if (draft !== undefined) ctx.post({ type: 'copy', format, draft: { ...draft } });
    });
  const note = ctx.text(el('p', { id: 'preview-note', class: 'hint', hidden: true }), 'preview.invalid');
  const query = el('code', { id: 'preview-query' });
  const body = el('pre', { id: 'preview-body', class: 'code' });
  const copyCurl = copy('curl');
  const copyHttp = copy('http');
  const element = el(
    'section',
    { class: 'section', 'aria-labelledby': 'preview-heading' },
    ctx.text(el('h2', { id: 'preview-heading' }), 'preview.legend'),
    note,
    el('p', { class: 'preview-query' }, ctx.text(el('span', { class: 'term' }), 'preview.query'), ' ', query),
    ctx.text(el('p', { class: 'term' }), 'preview.body'),
    body,
    el('div', { class: 'buttons' }, copyCurl, copyHttp),
  );
  return {
    element,
    render({ draft: current, evaluation }: View): void {
      draft = current;
      query.textContent = `?${evaluation.query}`;
      body.textContent = evaluation.body;
      note.hidden = evaluation.ok;
      copyCurl.disabled = !evaluation.ok;
      copyHttp.disabled = !evaluation.ok;
    },
  };
}
