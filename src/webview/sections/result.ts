// A send's outcome. Everything in a response is data from a server: it only ever becomes text
// nodes (see dom.ts), so a message like `<img onerror=…>` shows as those characters.
import type { BadgeCommandResult } from '../../core/result.ts';
import type { Locale } from '../../core/types.ts';
import type { FormResult } from '../../shared/protocol.ts';
import { DOC_URL_PATTERN, LOG_ID_PATTERN } from '../../shared/protocol.ts';
import type { Child, IconName } from '../dom.ts';
import { el, icon, replace } from '../dom.ts';
import type { StringId } from '../strings.ts';
import { isStringId, t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';

interface ResultActions {
  copyLogId(logId: string): void;
  openDocs(url: string): void;
}

function headline(result: BadgeCommandResult, action: 'send' | 'clear'): { text: StringId; tone: 'ok' | 'fail' | 'neutral'; icon: IconName } {
  if (result.ok) return { text: action === 'clear' ? 'result.ok.clear' : 'result.ok.send', tone: 'ok', icon: 'pass' };
  if (result.error === 'cancelled') return { text: 'result.error.cancelled', tone: 'neutral', icon: 'cancelled' };
  // Not a failure to fix: a newer send for the user went out after this one and is the one that counts.
  if (result.error === 'superseded') return { text: 'result.error.superseded', tone: 'neutral', icon: 'cancelled' };
  // A failure while fetching the token says so, whatever went wrong there.
  const id = result.stage === 'token' ? 'result.error.token' : `result.error.${result.error ?? 'unknown'}`;
  return { text: isStringId(id) ? id : 'result.error.unknown', tone: 'fail', icon: 'error' };
}

/** Raw bodies arrive pretty-printed; anything that is JSON is re-indented the same way regardless. */
function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

function fact(dl: HTMLElement, term: string, ...value: Child[]): void {
  dl.append(el('dt', {}, term), el('dd', {}, ...value));
}

function renderResult(
  container: HTMLElement,
  formResult: FormResult | undefined,
  action: 'send' | 'clear',
  locale: Locale,
  actions: ResultActions,
): void {
  if (formResult === undefined) {
    replace(container, el('p', { class: 'muted' }, t('result.none', locale)));
    return;
  }
  const { result, raw } = formResult;
  const head = headline(result, action);
  const parts: Child[] = [el('p', { class: `result-head ${head.tone}`, id: 'result-head' }, icon(head.icon), el('strong', {}, t(head.text, locale)))];

  const facts = el('dl', { class: 'facts' });
  if (result.httpStatus !== undefined) fact(facts, t('result.httpStatus', locale), String(result.httpStatus));
  if (result.code !== undefined) fact(facts, t('result.code', locale), el('code', {}, String(result.code)));
  if (result.msg !== undefined && result.msg !== '') fact(facts, t('result.msg', locale), result.msg);
  if (result.durationMs !== undefined) fact(facts, t('result.duration', locale), t('result.durationValue', locale, { ms: result.durationMs }));
  if (result.attempts > 0) fact(facts, t('result.attempts', locale), String(result.attempts));
  if (result.version !== undefined) fact(facts, t('result.version', locale), el('code', {}, result.version));
  if (result.logId !== undefined) {
    const logId = result.logId;
    // The host copies only log IDs like these; anything else is shown, not offered.
    const copy = LOG_ID_PATTERN.test(logId)
      ? el('button', { type: 'button', class: 'secondary small', id: 'copy-log-id', 'aria-label': `${t('action.copyLogId', locale)} ${logId}` }, t('action.copyLogId', locale))
      : undefined;
    copy?.addEventListener('click', () => actions.copyLogId(logId));
    fact(facts, t('result.logId', locale), el('code', { class: 'log-id' }, logId), copy);
  }
  // The response headers that matter, as the server sent them: what was exchanged, beside the body.
  const headers = result.headers === undefined ? [] : Object.entries(result.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  if (headers.length > 0) {
    fact(facts, t('result.headers', locale), el('code', { class: 'headers' }, headers.map(([name, value]) => `${name}: ${value}`).join('\n')));
  }
  if (facts.childElementCount > 0) parts.push(facts);

  if (result.retries !== undefined && result.retries.length > 0) {
    const items = result.retries.map((retry) => {
      const reasonId = `retry.${retry.reason}`;
      const status =
        retry.httpStatus === undefined
          ? ''
          : retry.code === undefined
            ? t('result.retryStatusHttp', locale, { httpStatus: retry.httpStatus })
            : t('result.retryStatus', locale, { httpStatus: retry.httpStatus, code: retry.code });
      const line = t('result.retry', locale, {
        attempt: retry.attempt,
        reason: isStringId(reasonId) ? t(reasonId, locale) : retry.reason,
        status,
        delay: Math.round(retry.delayMs),
      });
      const bump = retry.newVersion === undefined ? '' : t('result.retryNewVersion', locale, { version: retry.newVersion });
      return el('li', {}, line + bump);
    });
    parts.push(el('h3', {}, t('result.retries', locale)), el('ul', { class: 'retries' }, ...items));
  }

  const guidance = result.ok ? undefined : result.guidance;
  if (guidance !== undefined) {
    const box = el('div', { class: 'guidance' }, el('h3', {}, guidance.title));
    if (guidance.explanation !== '') box.append(el('p', {}, guidance.explanation));
    if (guidance.steps.length > 0) {
      box.append(el('h4', {}, t('result.steps', locale)), el('ol', {}, ...guidance.steps.map((step) => el('li', {}, step))));
    }
    // The host opens only documentation links like these; anything else is shown as text.
    if (DOC_URL_PATTERN.test(guidance.docUrl)) {
      const url = guidance.docUrl;
      const link = el('a', { href: url, class: 'doc-link', id: 'open-docs', title: url }, t('action.openDocs', locale));
      link.addEventListener('click', (event) => {
        event.preventDefault();
        actions.openDocs(url);
      });
      box.append(el('p', {}, link));
    } else if (guidance.docUrl !== '') {
      box.append(el('p', { class: 'muted' }, guidance.docUrl));
    }
    parts.push(box);
  }

  if (result.issues !== undefined && result.issues.length > 0) {
    const items = result.issues.map((issue) =>
      el('li', { class: issue.severity }, issue.path === '' ? '' : el('code', {}, issue.path), issue.path === '' ? '' : ' ', issue.message),
    );
    parts.push(el('h3', {}, t('result.issues', locale)), el('ul', { class: 'issues' }, ...items));
  }

  if (raw !== undefined && raw !== '') {
    parts.push(el('details', { class: 'raw' }, el('summary', {}, t('result.raw', locale)), el('pre', { class: 'code', id: 'result-raw' }, pretty(raw))));
  }
  replace(container, ...parts);
}

/** The outcome in one line: "✓ Badge set · version …", "✗ 213007 · App not visible to this user". */
function renderLine(line: HTMLElement, formResult: FormResult | undefined, action: 'send' | 'clear', locale: Locale): void {
  if (formResult === undefined) {
    replace(line, el('span', { class: 'muted' }, t('result.none', locale)));
    line.className = 'result-line';
    line.removeAttribute('title');
    return;
  }
  const { result } = formResult;
  const head = headline(result, action);
  const notSent = result.error === 'cancelled' && result.attempts === 0;
  const glyph = head.tone === 'ok' ? '✓' : head.tone === 'fail' ? '✗' : '–';
  const label = head.tone === 'ok' ? t('result.ok', locale) : head.tone === 'fail' ? t('result.failed', locale) : t(head.text, locale);
  let text: string;
  if (result.ok) {
    text = t(head.text, locale) + (result.version === undefined ? '' : ` · ${t('result.version', locale)} ${result.version}`);
  } else if (notSent) {
    text = result.msg !== undefined && result.msg !== '' ? result.msg : t('result.notSent', locale);
  } else if (result.code !== undefined && result.code !== 0) {
    text = `${result.code} · ${result.guidance?.title ?? t(head.text, locale)}`;
  } else {
    text = t(head.text, locale) + (result.guidance === undefined ? '' : ` · ${result.guidance.title}`);
  }
  replace(line, el('span', { class: 'glyph', role: 'img', 'aria-label': label }, glyph), ' ', el('span', { class: 'line-text' }, text));
  // Clamped to two lines on screen: the whole line on hover.
  line.title = `${glyph} ${text}`;
  line.className = `result-line ${head.tone}`;
}

export function create(ctx: Context): Section {
  const line = el('p', { id: 'result-line', class: 'result-line' });
  const copy = el('button', { type: 'button', class: 'secondary small', id: 'line-copy-log-id', hidden: true });
  const toggle = el('button', { type: 'button', class: 'secondary small', id: 'result-toggle', 'aria-expanded': 'false', 'aria-controls': 'result', hidden: true });
  ctx.text(toggle, 'result.details');
  // The details: everything the response said, expandable below the line.
  const container = el('div', { id: 'result', class: 'result', role: 'region', hidden: true });
  ctx.text(container, 'result.legend', undefined, 'aria-label');
  // The line is the live region: a screen reader hears the outcome once, not the whole response.
  const summary = el('div', { id: 'result-summary', class: 'result-summary', 'aria-live': 'polite', 'aria-atomic': 'true' }, line);
  const element = el('div', { class: 'outcome' }, el('div', { class: 'result-bar' }, summary, copy, toggle), container);
  const actions: ResultActions = {
    copyLogId: (logId) => ctx.post({ type: 'copyLogId', logId }),
    openDocs: (url) => ctx.post({ type: 'openDocs', url }),
  };
  let logId: string | undefined;
  copy.addEventListener('click', () => {
    if (logId !== undefined) actions.copyLogId(logId);
  });
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    container.hidden = !open;
  });
  // Redrawn only for a new result or language: a redraw would close the raw body someone opened
  // and repeat the live region's announcement.
  let shown: [FormResult | undefined, Locale] | undefined;
  return {
    element,
    render({ result, resultAction, locale }: View): void {
      if (shown !== undefined && shown[0] === result && shown[1] === locale) return;
      const isNew = shown === undefined || shown[0] !== result;
      shown = [result, locale];
      renderLine(line, result, resultAction, locale);
      renderResult(container, result, resultAction, locale, actions);
      toggle.hidden = result === undefined;
      // A new outcome starts with its details folded: the line says what happened.
      if (isNew) {
        toggle.setAttribute('aria-expanded', 'false');
        container.hidden = true;
      }
      logId = result?.result.logId !== undefined && LOG_ID_PATTERN.test(result.result.logId) ? result.result.logId : undefined;
      copy.hidden = logId === undefined;
      copy.textContent = t('action.copyLogId', locale);
      if (logId !== undefined) copy.setAttribute('aria-label', `${t('action.copyLogId', locale)} ${logId}`);
    },
  };
}
