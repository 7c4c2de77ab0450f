// The connection a send goes through, in one line: the profile as a chip that switches, the
// domain and API base, the credentials, and a settings problem. The host's other commands live in
// the view's title bar and its overflow menu, not here.
import type { Locale } from '../../core/types.ts';
import type { HostState } from '../../shared/protocol.ts';
import { el, icon, replace } from '../dom.ts';
import { t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';

export function create(ctx: Context): Section {
  const chip = el('button', { type: 'button', id: 'profile-chip', class: 'chip' });
  chip.addEventListener('click', () => ctx.post({ type: 'runCommand', command: 'switchProfile' }));
  const domain = el('dd', { id: 'conn-domain' });
  const credentials = el('dd', { id: 'conn-credentials' });
  const problem = el('p', { id: 'settings-problem', class: 'message error', role: 'alert', hidden: true });
  const element = el(
    'section',
    { class: 'section connection', 'aria-labelledby': 'connection-heading' },
    ctx.text(el('h2', { id: 'connection-heading', class: 'sr-only' }), 'connection.legend'),
    el('div', { class: 'chips' }, chip),
    el('dl', { class: 'facts' }, ctx.text(el('dt'), 'connection.domain'), domain, ctx.text(el('dt'), 'connection.credentials'), credentials),
    problem,
  );

  const draw = (host: HostState | undefined, locale: Locale): void => {
    const name = host?.profile?.name ?? t('connection.unknown', locale);
    const production = host?.profile?.production === true;
    replace(
      chip,
      ...(production ? [icon('warning'), ' '] : []),
      el('span', { class: 'chip-name' }, name),
      ...(production ? [' ', el('span', { class: 'badge warning', title: t('connection.production', locale) }, t('connection.productionShort', locale))] : []),
      el('span', { class: 'chevron', 'aria-hidden': 'true' }, ' ▾'),
    );
    chip.setAttribute('aria-label', `${t('connection.switchProfile', locale, { name })}${production ? ` ${t('connection.production', locale)}` : ''}`);
    chip.classList.toggle('production', production);
    if (host === undefined) {
      domain.textContent = t('connection.unknown', locale);
      credentials.textContent = '';
    } else {
      replace(domain, host.domain, host.baseUrl === undefined ? '' : ' · ', host.baseUrl === undefined ? '' : el('code', {}, host.baseUrl));
      const kind = !host.hasCredentials
        ? t('connection.none', locale)
        : host.credentialKind === 'manual'
          ? t('connection.manual', locale)
          : t('connection.selfBuilt', locale, { appId: host.appId ?? '' }).trim();
      replace(credentials, icon(host.hasCredentials ? 'pass' : 'warning'), ' ', kind);
      credentials.className = host.hasCredentials ? 'ok' : 'warning';
    }
    problem.hidden = host?.settingsProblem === undefined;
    problem.textContent = host?.settingsProblem === undefined ? '' : t('connection.problem', locale, { problem: host.settingsProblem });
  };

  // The host state changes far less often than the view is rendered (every keystroke).
  let shown: [HostState | undefined, Locale] | undefined;
  return {
    element,
    render({ host, locale }: View): void {
      if (shown !== undefined && shown[0] === host && shown[1] === locale) return;
      shown = [host, locale];
      draw(host, locale);
    },
  };
}
