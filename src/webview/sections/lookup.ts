// Finding the ID behind an email or a phone number typed into the user ID field (issue 10): a
// "Find ID" button while the field holds one, then the person found (ID, name, account status)
// with "Use this ID", or why nobody was found. Names, reasons and messages come from the host
// and the platform: they only ever become text nodes (dom.ts).
import type { Locale } from '../../core/types.ts';
import type { LookupAnswer, LookupError, LookupStatus, LookupUser, Target } from '../../shared/protocol.ts';
import type { Child } from '../dom.ts';
import { el, icon, replace, setAttrs } from '../dom.ts';
import type { StringId } from '../strings.ts';
import { t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';
import { docLink, docUrlIn, logIdValue } from './section.ts';

/** The account flags that stop a badge from reaching someone, each worded as a warning. */
const STATUS_WARNINGS: ReadonlyArray<[keyof LookupStatus, StringId]> = [
  ['resigned', 'lookup.status.resigned'],
  ['frozen', 'lookup.status.frozen'],
  ['notActivated', 'lookup.status.notActivated'],
  ['exited', 'lookup.status.exited'],
  ['unjoined', 'lookup.status.unjoined'],
];

function warning(locale: Locale, ...text: Child[]): HTMLElement {
  return el('p', { class: 'message warning' }, icon('warning'), el('span', { class: 'sr-only' }, t('issue.warning', locale)), ' ', el('span', {}, ...text));
}

function failure(locale: Locale, ...text: Child[]): HTMLElement {
  return el('p', { class: 'message error' }, icon('error'), el('span', { class: 'sr-only' }, t('issue.error', locale)), ' ', el('span', {}, ...text));
}

function fact(dl: HTMLElement, term: string, ...value: Child[]): HTMLElement {
  const dd = el('dd', {}, ...value);
  dl.append(el('dt', {}, term), dd);
  return dd;
}

function statusValue(status: LookupStatus | undefined, locale: Locale): Child[] {
  if (status === undefined) return [el('span', { class: 'muted' }, t('lookup.status.unknown', locale))];
  const warnings = STATUS_WARNINGS.filter(([flag]) => status[flag] === true).map(([, id]) => warning(locale, t(id, locale)));
  if (warnings.length > 0) return warnings;
  return [el('span', { class: 'person-ok' }, icon('pass'), ' ', t('lookup.status.active', locale))];
}

function person(ctx: Context, user: LookupUser, current: Target | undefined, locale: Locale): HTMLElement {
  const facts = el('dl', { class: 'facts' });
  if (user.name !== undefined) fact(facts, t('lookup.name', locale), el('span', { class: 'person-name' }, user.name));
  fact(facts, t('lookup.id', locale), el('code', { class: 'person-id' }, user.id), ' ', el('span', { class: 'muted person-type' }, `(${user.idType})`));
  const warned = STATUS_WARNINGS.some(([flag]) => user.status?.[flag] === true);
  const status = fact(facts, t('lookup.status', locale), ...statusValue(user.status, locale));
  status.classList.add('person-status');
  const inField = current !== undefined && current.userId === user.id && current.userIdType === user.idType;
  let action: HTMLElement;
  if (inField) {
    action = el('p', { class: 'hint lookup-in-field' }, icon('pass'), ' ', t('lookup.inField', locale));
  } else {
    const use = el('button', { type: 'button', class: 'secondary small lookup-use', 'aria-label': t('lookup.useLabel', locale, { id: user.id, type: user.idType }) }, t('lookup.use', locale));
    // The found ID and its type replace the email or number; every other field stays as typed.
    use.addEventListener('click', () => {
      ctx.edit({ userId: user.id, userIdType: user.idType });
      // The button is replaced by "in the field": keyboard focus goes where the ID went.
      document.getElementById('userId')?.focus();
    });
    action = el('p', { class: 'lookup-actions' }, use);
  }
  return el('div', { class: `person${warned ? ' warned' : ''}`, 'data-id': user.id }, facts, action);
}

function errorParts(ctx: Context, error: LookupError, locale: Locale): Child[] {
  if (error.kind === 'cancelled') return [el('p', { class: 'muted' }, t('lookup.cancelled', locale))];
  if (error.kind === 'unavailable') return [failure(locale, t('lookup.unavailable', locale))];
  const parts: Child[] = [];
  const scopes = error.missingScopes ?? [];
  if (scopes.length > 0) {
    parts.push(
      failure(locale, el('strong', {}, t('lookup.failed', locale))),
      el('p', {}, t('lookup.missingScopes', locale)),
      el('ul', { class: 'lookup-scopes' }, ...scopes.map((scope) => el('li', {}, el('code', {}, scope)))),
    );
  } else {
    parts.push(failure(locale, el('strong', {}, t('lookup.failed', locale)), error.msg === '' ? '' : ': ', error.msg));
  }
  // The platform's answer to a missing scope names the console page that grants it.
  const url = docUrlIn(error.msg);
  if (url !== undefined) parts.push(el('p', {}, docLink(ctx, url, locale, { class: 'doc-link lookup-permission' })));
  const facts = el('dl', { class: 'facts' });
  if (scopes.length > 0 && error.msg !== '') fact(facts, t('result.msg', locale), error.msg);
  if (error.code !== undefined) fact(facts, t('result.code', locale), el('code', {}, String(error.code)));
  if (error.logId !== undefined) fact(facts, t('result.logId', locale), ...logIdValue(ctx, error.logId, locale, { class: 'secondary small lookup-copy-log-id' }));
  if (facts.childElementCount > 0) parts.push(facts);
  return parts;
}

function answerParts(ctx: Context, answer: LookupAnswer, current: Target | undefined, locale: Locale): Child[] {
  const parts: Child[] = [];
  if (answer.users.length > 0) {
    parts.push(el('p', { class: 'lookup-head' }, t('lookup.foundFor', locale, { query: answer.query })));
    parts.push(...answer.users.map((user) => person(ctx, user, current, locale)));
  } else if (answer.notFound !== undefined || answer.error === undefined) {
    parts.push(warning(locale, t('lookup.notFound', locale, { query: answer.query })));
    if (answer.notFound !== undefined && answer.notFound.detail !== '') parts.push(el('p', { class: 'lookup-reasons' }, answer.notFound.detail));
  }
  if (answer.error !== undefined) parts.push(...errorParts(ctx, answer.error, locale));
  return parts;
}

export function create(ctx: Context): Section {
  const find = ctx.text(el('button', { type: 'button', id: 'lookup-find', class: 'secondary small' }), 'lookup.find');
  find.addEventListener('click', () => {
    if (find.getAttribute('aria-disabled') !== 'true') ctx.lookup();
  });
  const status = el('span', { id: 'lookup-status', class: 'status', role: 'status' });
  const tools = el('div', { class: 'lookup-tools', hidden: true }, find, status);
  // The answer is announced once when it arrives (it is rebuilt only then).
  const card = el('div', { id: 'lookup', class: 'lookup', 'aria-live': 'polite', hidden: true });
  const element = el('div', { class: 'lookup-area' }, tools, card);

  let shown: [LookupAnswer | undefined, string, Locale] | undefined;
  return {
    element,
    render({ evaluation, lookup, locale, needsCredentials, draft }: View): void {
      const query = draft.userId.trim();
      tools.hidden = evaluation.contact === undefined;
      setAttrs(find, { 'aria-disabled': lookup.busy || needsCredentials ? 'true' : undefined, 'aria-label': t('lookup.findLabel', locale, { query }) });
      const busyText = lookup.busy ? t('lookup.busy', locale) : '';
      if (status.textContent !== busyText) replace(status, ...(lookup.busy ? [el('span', { class: 'spinner', 'aria-hidden': 'true' }), busyText] : []));

      const current = evaluation.target;
      const key = `${current?.userIdType ?? ''}:${current?.userId ?? ''}`;
      if (shown !== undefined && shown[0] === lookup.answer && shown[1] === key && shown[2] === locale) return;
      shown = [lookup.answer, key, locale];
      card.hidden = lookup.answer === undefined;
      replace(card, ...(lookup.answer === undefined ? [] : answerParts(ctx, lookup.answer, current, locale)));
    },
  };
}
