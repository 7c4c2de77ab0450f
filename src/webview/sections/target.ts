// Whom the badge is for: user ID and ID type, the recent users to pick from, and what this
// extension last set for the target (the API cannot read a badge back). Under the user ID: finding
// the ID behind an email or phone number, and diagnosing why a badge may not show (lookup.ts,
// diagnosis.ts).
import type { Target } from '../../shared/protocol.ts';
import { USER_ID_TYPE_VALUES } from '../../shared/protocol.ts';
import { el, replace } from '../dom.ts';
import { sameTarget } from '../model.ts';
import { t } from '../strings.ts';
import type { Context, Section, View } from './section.ts';
import { formatCounts } from '../../core/badgeState.ts';
import * as diagnosis from './diagnosis.ts';
import * as lookup from './lookup.ts';
import { fieldMessages, formatTime, label, show, textInput } from './section.ts';

export function create(ctx: Context): Section {
  const userId = textInput('userId', (value) => ctx.edit({ userId: value }), { placeholder: 'ou_…' });
  const userIdType = el('select', { id: 'userIdType', name: 'userIdType', 'aria-describedby': 'userIdType-msg' }, ...USER_ID_TYPE_VALUES.map((type) => el('option', { value: type }, type)));
  userIdType.addEventListener('change', () => {
    const value = USER_ID_TYPE_VALUES.find((type) => type === userIdType.value);
    if (value !== undefined) ctx.edit({ userIdType: value });
  });

  let users: readonly Target[] = [];
  const placeholder = ctx.text(el('option', { value: '' }), 'target.recentPlaceholder');
  const recent = el('select', { id: 'recentUsers' }, placeholder);
  recent.addEventListener('change', () => {
    // The select keeps showing the pick (and follows the typed target), so arrow keys on a closed
    // select step through the users one by one.
    const picked = recent.value === '' ? undefined : users[Number(recent.value)];
    if (picked !== undefined) ctx.edit({ userId: picked.userId, userIdType: picked.userIdType });
  });
  const recentField = el('div', { class: 'field', hidden: true }, label(ctx, 'recentUsers', 'target.recent'), recent);
  const remembered = el('p', { id: 'remembered', class: 'hint remembered', hidden: true });

  const userIdMessages = fieldMessages('userId', userId);
  const typeMessages = fieldMessages('userIdType', userIdType);
  const lookupArea = lookup.create(ctx);
  const diagnosisArea = diagnosis.create(ctx);
  const element = el(
    'fieldset',
    { class: 'section' },
    ctx.text(el('legend'), 'target.legend'),
    el('div', { class: 'field' }, label(ctx, 'userId', 'target.userId'), userId, userIdMessages.element, lookupArea.element),
    // Diagnose shares the ID type's line: it is about the target as a whole, and takes no room until used.
    el(
      'div',
      { class: 'field' },
      label(ctx, 'userIdType', 'target.userIdType'),
      el('div', { class: 'inline-row' }, userIdType, diagnosisArea.button),
      typeMessages.element,
      diagnosisArea.element,
    ),
    recentField,
    remembered,
  );

  let recentKey = '';
  return {
    element,
    render(view: View): void {
      const { draft, evaluation, locale } = view;
      show(userId, draft.userId);
      show(userIdType, draft.userIdType);
      userIdMessages.render(view);
      typeMessages.render(view);
      lookupArea.render(view);
      diagnosisArea.render(view);

      users = view.host?.recentUsers ?? [];
      const key = users.map((user) => `${user.userIdType}:${user.userId}`).join('\n');
      if (key !== recentKey) {
        recentKey = key;
        replace(recent, placeholder, ...users.map((user, index) => el('option', { value: index }, `${user.userId} (${user.userIdType})`)));
      }
      const current = users.findIndex((user) => sameTarget(user, evaluation.target));
      recent.value = current < 0 ? '' : String(current);
      recentField.hidden = users.length === 0;

      const known = view.remembered;
      remembered.hidden = known === undefined;
      if (known === undefined) return;
      const { badge } = known;
      remembered.textContent =
        badge === undefined
          ? t('remembered.none', locale)
          : t('remembered.line', locale, { pc: formatCounts(badge.pc), mobile: formatCounts(badge.mobile), version: badge.version, time: formatTime(badge.at, locale) });
    },
  };
}
