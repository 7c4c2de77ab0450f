// The version sent with the badge: automatic (the host picks one newer than the last) or typed.
import { el } from '../dom.ts';
import { t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';
import { fieldMessages, label, show, textInput } from './section.ts';

export function create(ctx: Context): Section {
  let current: View | undefined;
  const radio = (mode: 'auto' | 'manual'): HTMLInputElement => {
    const input = el('input', { type: 'radio', name: 'versionMode', id: `version-${mode}`, value: mode });
    input.addEventListener('change', () => {
      if (!input.checked || current === undefined) return;
      const { draft, estimate } = current;
      // Start manual mode from the estimate, the value most people then adjust.
      ctx.edit(mode === 'manual' && draft.manualVersion === '' && estimate !== undefined ? { versionMode: mode, manualVersion: estimate } : { versionMode: mode });
    });
    return input;
  };
  const auto = radio('auto');
  const manual = radio('manual');
  const autoNote = el('p', { id: 'version-auto-note', class: 'hint' });
  auto.setAttribute('aria-describedby', 'version-auto-note');
  const manualVersion = textInput('manualVersion', (value) => ctx.edit({ manualVersion: value }), { inputmode: 'numeric', placeholder: '1700000000000' });
  const messages = fieldMessages('manualVersion', manualVersion);
  const manualField = el('div', { class: 'field' }, label(ctx, 'manualVersion', 'version.manualLabel'), manualVersion, messages.element);
  const element = el(
    'fieldset',
    { class: 'section' },
    ctx.text(el('legend'), 'version.legend'),
    el(
      'div',
      { class: 'radios' },
      el('span', { class: 'check' }, auto, label(ctx, 'version-auto', 'version.auto')),
      el('span', { class: 'check' }, manual, label(ctx, 'version-manual', 'version.manual')),
    ),
    autoNote,
    manualField,
  );

  return {
    element,
    render(view: View): void {
      current = view;
      const { draft, estimate, locale } = view;
      auto.checked = draft.versionMode === 'auto';
      manual.checked = draft.versionMode === 'manual';
      show(manualVersion, draft.manualVersion);
      messages.render(view);
      manualField.hidden = draft.versionMode !== 'manual';
      autoNote.hidden = draft.versionMode !== 'auto';
      autoNote.textContent = estimate === undefined ? t('version.autoUnknown', locale) : t('version.autoValue', locale, { version: estimate });
    },
  };
}
