import { describeResult, guidanceFor } from '../../core/guidance/guidance.ts';
import type { Guidance } from '../../core/guidance/guidance.ts';
import type { Target } from '../../core/badgeState.ts';
import { formatMessage } from '../../core/messages.ts';
import { toCommandResult } from '../../core/result.ts';
import type { BadgeCommandResult } from '../../core/result.ts';
import type { ValidationIssue } from '../../core/schema.ts';
import type { BadgeResult, Locale } from '../../core/types.ts';

/** What a send did: what it was, to whom, and its answer. */
export type SendAction = 'send' | 'clear' | 'undo' | 'resend';

/**
 * A finished (or refused) send, built once from the client's result and passed along unchanged
 * to the command's caller, the notification, the status bar and the form.
 */
export interface SendReport {
  action: SendAction;
  /** Absent when the input had no usable user. */
  target?: Target;
  /** The command result: the API's own names, guidance in the display language, no secrets. */
  result: BadgeCommandResult;
  /** The raw response body, pretty-printed (never a token response), for the form. */
  raw?: string;
}

export function localizedIssues(issues: readonly ValidationIssue[], locale: Locale): Array<ValidationIssue & { message: string }> {
  return issues.map((issue) => ({ ...issue, message: formatMessage(issue.id, locale, issue.params) }));
}

/** The report of a request that was sent (or failed on the way). */
export function reportOf(action: SendAction, target: Target, result: BadgeResult, warnings: readonly ValidationIssue[], locale: Locale): SendReport {
  const command = toCommandResult(result);
  if (warnings.length > 0) command.issues = localizedIssues(warnings, locale);
  const descriptor = describeResult(result);
  if (descriptor !== undefined) command.guidance = guidanceFor(descriptor, locale);
  const raw = command.response !== undefined ? JSON.stringify(command.response, null, 2) : command.error === 'invalid-response' ? command.msg : undefined;
  return { action, target, result: command, ...(raw === undefined ? {} : { raw }) };
}

/** The report of a request that was not sent. */
export function notSentReport(action: SendAction, target: Target | undefined, error: NonNullable<BadgeCommandResult['error']>, msg: string, guidance?: Guidance): SendReport {
  const result: BadgeCommandResult = { ok: false, attempts: 0, error, msg, ...(guidance === undefined ? {} : { guidance }) };
  return { action, ...(target === undefined ? {} : { target }), result };
}
