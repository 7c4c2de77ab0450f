// Send, Clear and Cancel, why Send is unavailable, and the status line (busy, or a passing note).
import { el, icon, replace, setAttrs } from '../dom.ts';
import type { Child } from '../dom.ts';
import { t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';
import { button } from './section.ts';

export function create(ctx: Context): Section {
  // Send submits the surrounding form, so Enter in any field sends too.
  const send = button(ctx, 'send', 'action.send', 'primary', undefined, 'submit');
  // The footer sits outside the <form>: Send still submits it.
  send.setAttribute('form', 'badge-form');
  send.setAttribute('aria-describedby', 'send-reason');
  const clear = button(ctx, 'clear', 'action.clear', 'secondary', () => ctx.clear());
  const cancel = button(ctx, 'cancel', 'action.cancel', 'secondary', () => ctx.cancel());
  cancel.hidden = true;
  const reason = el('p', { id: 'send-reason', class: 'message error', hidden: true });
  const status = el('p', { id: 'status', class: 'status', role: 'status' });
  const element = el('div', { class: 'actions' }, el('div', { class: 'buttons' }, send, clear, cancel), reason, status);

  return {
    element,
    render({ evaluation, busy, note, locale, needsCredentials }: View): void {
      // aria-disabled, not disabled: the buttons stay focusable, so focus is not lost when a click
      // makes them unavailable, and Send can still be reached to hear why it is unavailable.
      setAttrs(send, { 'aria-disabled': !evaluation.ok || busy !== undefined || needsCredentials ? 'true' : undefined });
      setAttrs(clear, {
        'aria-disabled': busy !== undefined || needsCredentials || evaluation.target === undefined || evaluation.target.userId === '' ? 'true' : undefined,
      });
      if (busy === undefined && document.activeElement === cancel) send.focus();
      cancel.hidden = busy === undefined;

      const [first] = evaluation.errors;
      reason.hidden = first === undefined && !needsCredentials;
      // No credentials comes first: fixing the fields would not make Send work.
      const why = needsCredentials
        ? t('send.needsCredentials', locale)
        : first === undefined
          ? undefined
          : evaluation.errors.length === 1
            ? t('send.blockedOne', locale, { first: first.text })
            : t('send.blockedMany', locale, { count: evaluation.errors.length, first: first.text });
      if (why !== undefined && reason.textContent !== ` ${why}`) replace(reason, icon('error'), ' ', why);
      const parts: Child[] = busy !== undefined ? [el('span', { class: 'spinner', 'aria-hidden': 'true' }), t(`send.busy.${busy}`, locale)] : [note];
      // The status is a live region: rewrite it only when its text changes.
      const text = parts.map((part) => (typeof part === 'string' ? part : '')).join('');
      if (status.textContent !== text) replace(status, ...parts);
    },
  };
}
