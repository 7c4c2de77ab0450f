// The connection a send goes through (profile, domain and API base, credentials, a settings
// problem) and the buttons that run the host's commands to change it.
import type { Locale } from '../../core/types.ts';
import type { HostState } from '../../shared/protocol.ts';
import { HOST_COMMANDS } from '../../shared/protocol.ts';
import { el, icon, replace } from '../dom.ts';
import { t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';
import { button } from './section.ts';

export function create(ctx: Context): Section {
  const profile = el('dd', { id: 'conn-profile' });
  const domain = el('dd', { id: 'conn-domain' });
  const credentials = el('dd', { id: 'conn-credentials' });
  const problem = el('p', { id: 'settings-problem', class: 'message error', role: 'alert', hidden: true });
  const element = el(
    'section',
    { class: 'section', 'aria-labelledby': 'connection-heading' },
    ctx.text(el('h2', { id: 'connection-heading' }), 'connection.legend'),
    el('dl', { class: 'facts' }, ctx.text(el('dt'), 'connection.profile'), profile, ctx.text(el('dt'), 'connection.domain'), domain, ctx.text(el('dt'), 'connection.credentials'), credentials),
    problem,
    el('div', { class: 'buttons' }, ...HOST_COMMANDS.map((command) => button(ctx, `cmd-${command}`, `command.${command}`, 'secondary', () => ctx.post({ type: 'runCommand', command })))),
  );

  const draw = (host: HostState | undefined, locale: Locale): void => {
    if (host === undefined) {
      domain.textContent = t('connection.unknown', locale);
      credentials.textContent = '';
    } else {
      replace(
        profile,
        host.profile?.name ?? t('connection.unknown', locale),
        ...(host.profile?.production === true ? [' ', el('span', { class: 'badge warning' }, t('connection.production', locale))] : []),
      );
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
