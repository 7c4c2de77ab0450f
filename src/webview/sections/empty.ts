// The first run: until credentials exist, one primary action (connect the app), the other way in
// (a pasted token) and the sandbox for someone without a tenant.
import { el } from '../dom.ts';
import type { Context, Section, View } from './section.ts';
import { button } from './section.ts';

export function create(ctx: Context): Section {
  const connect = button(ctx, 'connect', 'empty.connect', 'primary', () => ctx.post({ type: 'runCommand', command: 'configureCredentials' }));
  const token = ctx.text(el('a', { href: '#', id: 'use-token' }), 'empty.token');
  token.addEventListener('click', (event) => {
    event.preventDefault();
    ctx.post({ type: 'runCommand', command: 'useTenantToken' });
  });
  const tour = ctx.text(el('a', { href: '#', id: 'open-tour' }), 'empty.tour');
  tour.addEventListener('click', (event) => {
    event.preventDefault();
    ctx.post({ type: 'runCommand', command: 'openWalkthrough' });
  });
  const guide = ctx.text(el('a', { href: '#', id: 'open-guide' }), 'empty.sandbox');
  guide.addEventListener('click', (event) => {
    event.preventDefault();
    ctx.post({ type: 'openGuide', topic: 'sandbox' });
  });
  const element = el(
    'section',
    { id: 'empty-state', class: 'section empty-state', 'aria-labelledby': 'empty-heading', hidden: true },
    ctx.text(el('h2', { id: 'empty-heading' }), 'empty.title'),
    ctx.text(el('p', {}), 'empty.body'),
    el('div', { class: 'buttons' }, connect, token),
    el('p', {}, tour),
    el('p', {}, guide),
  );
  return {
    element,
    render({ host }: View): void {
      // Shown only once the host has said so: before its first message nothing is known.
      element.hidden = host === undefined || host.hasCredentials;
    },
  };
}
