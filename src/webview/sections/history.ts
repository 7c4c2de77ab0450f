// The most recent requests, each with a Re-send button (collapsed by default). A re-send goes
// through the host's history, so it uses a new version, not the one first sent.
import type { Locale } from '../../core/types.ts';
import type { HistoryItem } from '../../shared/protocol.ts';
import { FORM_HISTORY_MAX } from '../../shared/protocol.ts';
import { el, icon, replace, setAttrs } from '../dom.ts';
import { t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';
import { formatCounts } from '../../core/badgeState.ts';
import { formatTime } from './section.ts';

export function create(ctx: Context): Section {
  const list = el('ol', { id: 'history-list', class: 'history-list' });
  const empty = ctx.text(el('p', { id: 'history-empty', class: 'muted' }), 'history.empty');
  const summary = ctx.text(el('summary', { id: 'history-heading' }), 'history.legend');
  const element = el(
    'details',
    { id: 'history', class: 'section history' },
    summary,
    ctx.text(el('p', { class: 'hint' }), 'history.hint', () => ({ count: FORM_HISTORY_MAX })),
    empty,
    list,
  );

  const entry = (item: HistoryItem, locale: Locale): HTMLElement => {
    const details = [t('history.counts', locale, { pc: formatCounts(item.pc), mobile: formatCounts(item.mobile) })];
    if (item.code !== undefined) details.push(t('history.code', locale, { code: item.code }));
    // Sent with another profile: a re-send asks which one to use.
    if (item.profile !== undefined) details.push(t('history.profile', locale, { profile: item.profile }));
    details.push(formatTime(item.at, locale));
    const resend = el('button', { type: 'button', class: 'secondary small', 'data-index': item.index, 'aria-label': t('history.resendLabel', locale, { user: item.userId }) }, t('history.resend', locale));
    resend.addEventListener('click', () => ctx.resend(item.index, item.at));
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
      resend,
    );
  };

  /** Redraws the list only when it changed, keeping focus on the same entry's button. */
  let shown: string | undefined;
  const draw = (items: HistoryItem[], locale: Locale): void => {
    const key = `${locale}\n${JSON.stringify(items)}`;
    if (key === shown) return;
    shown = key;
    const focused = list.contains(document.activeElement) ? document.activeElement?.getAttribute('data-index') : undefined;
    replace(list, ...items.map((item) => entry(item, locale)));
    empty.hidden = items.length > 0;
    list.hidden = items.length === 0;
    if (focused !== undefined && focused !== null) {
      const again = [...list.querySelectorAll('button')].find((button) => button.getAttribute('data-index') === focused);
      (again ?? summary).focus();
    }
  };

  return {
    element,
    render({ host, locale, busy }: View): void {
      draw(host?.history ?? [], locale);
      // Unavailable while a request is pending, but still focusable (see the Send button).
      for (const button of list.querySelectorAll('button')) setAttrs(button, { 'aria-disabled': busy !== undefined ? 'true' : undefined });
    },
  };
}
