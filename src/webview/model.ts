// What the form shows for a draft, computed without the DOM: the messages per field, whether it
// can be sent, and the exact request preview. Validation is core's `validateBadge`, the same
// schema the host runs before sending, so the form never disagrees with the host.
import { formatMessage } from '../core/messages.ts';
import type { ValidationIssue } from '../core/schema.ts';
import { validateBadge } from '../core/schema.ts';
import type { Locale, UserIdType } from '../core/types.ts';
import type { ContactKind, Draft, Target } from '../shared/protocol.ts';
import { contactKind, draftToInput } from '../shared/protocol.ts';
import { t } from './strings.ts';

export type FieldId = 'userId' | 'userIdType' | 'pcWebApp' | 'pcGadget' | 'mobileWebApp' | 'mobileGadget' | 'manualVersion' | 'extra' | 'counts';

export interface FieldMessage {
  field: FieldId;
  severity: 'error' | 'warning';
  text: string;
}

export interface Evaluation {
  /** Sendable: no errors (warnings allowed). */
  ok: boolean;
  errors: FieldMessage[];
  warnings: FieldMessage[];
  /** The target as it would be sent (user ID trimmed), when the user ID itself is valid. */
  target?: Target;
  /** The user ID field holds an email or a phone number: not an ID, but something to look one up by. */
  contact?: ContactKind;
  /** `user_id_type=…`, without the `?`. */
  query: string;
  /** The JSON body, pretty-printed: exactly what the host sends, except an estimated auto version. */
  body: string;
}

const FIELD_OF_PATH: Readonly<Record<string, FieldId>> = {
  user_id: 'userId',
  user_id_type: 'userIdType',
  version: 'manualVersion',
  extra: 'extra',
  'pc.web_app': 'pcWebApp',
  'pc.gadget': 'pcGadget',
  'mobile.web_app': 'mobileWebApp',
  'mobile.gadget': 'mobileGadget',
};

function fieldOf(path: string): FieldId {
  return FIELD_OF_PATH[path] ?? 'counts';
}

export function targetOf(draft: Draft): Target {
  return { userId: draft.userId.trim(), userIdType: draft.userIdType };
}

/** Mobile's counts when they are the same as PC's ("same on both"). */
export function mirroredCounts(draft: Draft): Pick<Draft, 'mobileWebApp' | 'mobileGadget'> {
  return { mobileWebApp: draft.pcWebApp, mobileGadget: draft.pcGadget };
}

export function sameTarget(a: Target | undefined, b: Target | undefined): boolean {
  return a !== undefined && b !== undefined && a.userId === b.userId && a.userIdType === b.userIdType;
}

/**
 * Warnings for the fields that are fine while others still have errors: the schema only warns
 * about a valid request, so validate again with the broken fields left out.
 */
function warningsDespiteErrors(input: Record<string, unknown>, errors: ValidationIssue[]): ValidationIssue[] {
  const broken = new Set(errors.map((issue) => issue.path));
  const repaired: Record<string, unknown> = structuredClone(input);
  for (const path of broken) {
    const [head, leaf] = path.split('.');
    if (head === undefined) continue;
    if (head === 'user_id') repaired.user_id = 'ou_placeholder';
    else if (leaf === undefined) delete repaired[head];
    else if (typeof repaired[head] === 'object' && repaired[head] !== null) delete (repaired[head] as Record<string, unknown>)[leaf];
  }
  const again = validateBadge(repaired);
  if (!again.ok) return [];
  const brokenClients = [...broken].map((path) => path.split('.')[0]);
  return again.warnings.filter((issue) => {
    if (broken.has(issue.path)) return false;
    // "no counts" style warnings would only be artefacts of the removed fields.
    if (issue.path === '' || issue.path === 'pc' || issue.path === 'mobile') return !brokenClients.some((client) => client === 'pc' || client === 'mobile');
    return !(issue.path === 'user_id' && broken.has('user_id'));
  });
}

/**
 * @param autoVersion the version the host estimated for this draft's target (auto mode only)
 * @param placeholder what the preview shows as the version while no estimate is known
 */
export function evaluate(draft: Draft, locale: Locale, autoVersion: string | undefined, placeholder: string): Evaluation {
  const input = draftToInput(draft);
  const validation = validateBadge(input);
  const issues = validation.ok ? { errors: [], warnings: validation.warnings } : { errors: validation.errors, warnings: warningsDespiteErrors(input, validation.errors) };
  // With "same on both", mobile is a copy of PC: its issues are PC's, already shown there.
  const shown = (issue: ValidationIssue): boolean => !(draft.sameOnBoth && issue.path.startsWith('mobile'));
  const toMessage = (issue: ValidationIssue): FieldMessage => ({
    field: fieldOf(issue.path),
    severity: issue.severity,
    text: formatMessage(issue.id, locale, issue.params),
  });
  let errors = issues.errors.filter(shown).map(toMessage);
  let warnings = issues.warnings.filter(shown).map(toMessage);
  // An email or a phone number is not an ID (the API would answer "no such user"): one clear
  // message instead of the ID's own (a phone number's spaces, an open_id's missing "ou_").
  const contact = contactKind(draft.userId, draft.userIdType);
  if (contact !== undefined) {
    const notAnId: FieldMessage = { field: 'userId', severity: 'error', text: t(contact === 'email' ? 'lookup.notAnId.email' : 'lookup.notAnId.mobile', locale) };
    errors = [notAnId, ...errors.filter((message) => message.field !== 'userId')];
    warnings = warnings.filter((message) => message.field !== 'userId');
  }

  const userIdType: UserIdType = draft.userIdType;
  const query = new URLSearchParams({ user_id_type: userIdType }).toString();
  // The host sends `{ ...body, version }`: a manual version keeps its place, an automatic one comes last.
  let bodyObject: Record<string, unknown>;
  if (validation.ok) {
    bodyObject = { ...validation.value.body };
  } else {
    const { user_id_type: _type, ...rest } = input;
    bodyObject = rest;
  }
  if (draft.versionMode === 'auto') bodyObject.version = autoVersion ?? placeholder;
  const userIdBroken = issues.errors.some((issue) => issue.path === 'user_id');
  const evaluation: Evaluation = { ok: validation.ok && contact === undefined, errors, warnings, query, body: JSON.stringify(bodyObject, null, 2) };
  if (contact !== undefined) evaluation.contact = contact;
  else if (!userIdBroken) evaluation.target = targetOf(draft);
  return evaluation;
}
