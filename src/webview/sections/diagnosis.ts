// "Why no red dot?" for the ID in the user ID field (issue 10): a Diagnose button, and the checks
// the host ran, each with its status, title, detail, fix, code and log ID, and the console page to
// open when a fix names one. Every text comes from the host in the display language and only ever
// becomes text nodes (dom.ts).
import type { Locale } from '../../core/types.ts';
import type { DiagnosisCheck, DiagnosisStatus } from '../../shared/protocol.ts';
import type { IconName } from '../dom.ts';
import { el, icon, replace, setAttrs } from '../dom.ts';
import type { SavedDiagnosis } from '../savedState.ts';
import { t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';
import { docLink, docUrlIn, logIdValue } from './section.ts';

const STATUS_ICON: Readonly<Record<DiagnosisStatus, IconName>> = { pass: 'pass', warn: 'warning', fail: 'error', skip: 'cancelled' };

function check(ctx: Context, item: DiagnosisCheck, locale: Locale): HTMLElement {
  const li = el(
    'li',
    { class: `diag-check ${item.status}`, 'data-check': item.id, 'data-status': item.status },
    el('p', { class: 'diag-title' }, icon(STATUS_ICON[item.status]), el('span', { class: 'sr-only' }, t(`diagnose.status.${item.status}`, locale)), ' ', el('strong', {}, item.title)),
  );
  if (item.detail !== '') li.append(el('p', { class: 'diag-detail' }, item.detail));
  if (item.fix !== undefined && item.fix !== '') li.append(el('p', { class: 'diag-fix' }, el('span', { class: 'term' }, t('diagnose.fix', locale)), ' ', item.fix));
  const scopes = item.missingScopes ?? [];
  if (scopes.length > 0) {
    li.append(el('p', { class: 'diag-scopes' }, el('span', { class: 'term' }, t('diagnose.scopes', locale)), ' ', ...scopes.flatMap((scope, index) => [index === 0 ? '' : ' ', el('code', {}, scope)])));
  }
  // The console page the check names, or one its fix mentions; only links the host would open.
  const url = docUrlIn(item.permissionPage, item.fix, item.detail);
  if (url !== undefined) li.append(el('p', {}, docLink(ctx, url, locale, { class: 'doc-link diag-link' })));
  const facts = el('dl', { class: 'facts' });
  if (item.code !== undefined) facts.append(el('dt', {}, t('result.code', locale)), el('dd', {}, el('code', {}, String(item.code))));
  if (item.logId !== undefined) facts.append(el('dt', {}, t('result.logId', locale)), el('dd', {}, ...logIdValue(ctx, item.logId, locale, { class: 'secondary small diag-copy-log-id' })));
  if (facts.childElementCount > 0) li.append(facts);
  return li;
}

function summary(diagnosis: SavedDiagnosis, locale: Locale): { text: string; tone: 'ok' | 'fail' | 'neutral' } {
  const { result, error } = diagnosis;
  if (error !== undefined) return { text: t(error.kind === 'unavailable' ? 'diagnose.unavailable' : 'diagnose.internal', locale), tone: 'fail' };
  if (result.cancelled === true) return { text: t('diagnose.cancelled', locale), tone: 'neutral' };
  const failed = result.checks.filter((item) => item.status === 'fail').length;
  return failed === 0 && result.ok ? { text: t('diagnose.ok', locale), tone: 'ok' } : { text: t('diagnose.failed', locale, { count: failed }), tone: 'fail' };
}

/** The section, and the Diagnose button to place beside the target's fields (it takes no line of its own). */
export function create(ctx: Context): Section & { button: HTMLElement } {
  const run = ctx.text(el('button', { type: 'button', id: 'diagnose', class: 'secondary small', hidden: true }), 'diagnose.run');
  run.addEventListener('click', () => {
    if (run.getAttribute('aria-disabled') !== 'true') ctx.diagnose();
  });
  const cancel = ctx.text(el('button', { type: 'button', id: 'diagnose-cancel', class: 'secondary small', hidden: true }), 'action.cancel');
  cancel.addEventListener('click', () => ctx.cancelDiagnosis());
  const status = el('span', { id: 'diagnose-status', class: 'status', role: 'status' });
  // While it runs: what it is doing, and a way to stop it.
  const tools = el('div', { class: 'lookup-tools', hidden: true }, status, cancel);
  const head = el('p', { id: 'diagnosis-head', class: 'diagnosis-head', 'aria-live': 'polite' });
  const list = el('ul', { id: 'diagnosis-checks', class: 'diag-checks' });
  const panel = el('div', { id: 'diagnosis', class: 'diagnosis', role: 'region', hidden: true }, head, list);
  ctx.text(panel, 'diagnose.legend', undefined, 'aria-label');
  const element = el('div', { class: 'diagnosis-area' }, tools, panel);

  // Rebuilt only for another diagnosis or language: a rebuild would repeat the announcement.
  let shown: [SavedDiagnosis | undefined, Locale] | undefined;
  return {
    element,
    button: run,
    render({ diagnosis, locale }: View): void {
      const { target, busy } = diagnosis;
      run.hidden = target === undefined;
      tools.hidden = !busy;
      if (target !== undefined) setAttrs(run, { 'aria-disabled': busy ? 'true' : undefined, 'aria-label': t('diagnose.runLabel', locale, { user: target.userId }) });
      if (busy === false && document.activeElement === cancel) run.focus();
      cancel.hidden = !busy;
      const busyText = busy ? t('diagnose.busy', locale) : '';
      if (status.textContent !== busyText) replace(status, ...(busy ? [el('span', { class: 'spinner', 'aria-hidden': 'true' }), busyText] : []));

      const current = diagnosis.shown;
      if (shown !== undefined && shown[0] === current && shown[1] === locale) return;
      shown = [current, locale];
      panel.hidden = current === undefined;
      if (current === undefined) {
        replace(head);
        replace(list);
        return;
      }
      const { text, tone } = summary(current, locale);
      head.className = `diagnosis-head ${tone}`;
      replace(
        head,
        el('strong', {}, t('diagnose.heading', locale, { user: current.target.userId, type: current.target.userIdType })),
        ' ',
        el('span', { class: 'diagnosis-summary' }, text),
        current.error?.msg === undefined ? '' : ` ${current.error.msg}`,
      );
      replace(list, ...current.result.checks.map((item) => check(ctx, item, locale)));
    },
  };
}
