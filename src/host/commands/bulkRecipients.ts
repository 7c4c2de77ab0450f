import * as vscode from 'vscode';
import type { BulkHold } from '../../core/bulk.ts';
import { planBulk } from '../../core/bulk.ts';
import { contactOf, withResolvedId } from '../../core/bulkInput.ts';
import { formatDiagnose } from '../../core/diagnoseMessages.ts';
import { inactiveReasons } from '../../core/preflight.ts';
import type { PreflightEntry } from '../../core/preflight.ts';
import { formatMessage } from '../../core/messages.ts';
import type { UserIdType } from '../../core/types.ts';
import { USER_ID_TYPES } from '../../core/types.ts';
import type { CommandContext } from './context.ts';

/** What stopped a lookup or the pre-flight, in a few words (never the server's page or a socket code). */
export function stopText(stop: { error?: string; code?: number; missingScopes?: readonly string[] }): string {
  if (stop.code !== undefined) return vscode.l10n.t('code {0}', stop.code);
  switch (stop.error) {
    case 'timeout':
      return vscode.l10n.t('no answer in time');
    case 'network':
      return vscode.l10n.t('network failure');
    case 'invalid-response':
      return vscode.l10n.t('not a Feishu answer');
    case 'cancelled':
      return vscode.l10n.t('cancelled');
    case 'no-credentials':
      return vscode.l10n.t('no credentials');
    case 'bad-settings':
      return vscode.l10n.t('the API base setting is refused');
    case 'untrusted-origin':
      return vscode.l10n.t('sending the credentials to this API base was not confirmed');
    case 'not-sent':
      return vscode.l10n.t('refused before sending');
    default:
      return stop.error ?? vscode.l10n.t('unknown failure');
  }
}

/** The pre-flight's split of the recipients (issue 10 §3): only `sendable` are sent. */
export interface PreflightCounts {
  sendable: number;
  notVisible: number;
  inactive: number;
  unknown: number;
}

export interface PreparedRecipients {
  /** The items, each email or mobile replaced by the ID it resolved to (same positions). */
  items: unknown[];
  /** Items not to send, by index, with why. */
  hold: Map<number, BulkHold>;
  /** The email or phone each item was given by, by index. */
  inputs: Map<number, string>;
  preflight?: PreflightCounts;
  /** Why the pre-flight stopped before checking everyone (those not checked are held as unknown). */
  preflightError?: { error?: string; code?: number; msg: string; logId?: string };
  /** How many items named their person by email or mobile, and how many of those were found. */
  contacts?: { total: number; resolved: number };
  cancelled?: boolean;
}

const idTypeOf = (item: unknown, fallback: UserIdType): UserIdType => {
  const type = typeof item === 'object' && item !== null ? (item as { user_id_type?: unknown }).user_id_type : undefined;
  return typeof type === 'string' && (USER_ID_TYPES as readonly string[]).includes(type) ? (type as UserIdType) : fallback;
};

/**
 * Before a bulk run: items that give an email or a mobile number instead of a user_id are
 * resolved (unresolved ones are held, never sent); with `preflight`, every recipient's status and
 * visibility are checked and only those who can see a badge are sent.
 */
export async function prepareRecipients(ctx: CommandContext, items: readonly unknown[], options: { preflight: boolean; signal?: AbortSignal; report?: (message: string) => void }): Promise<PreparedRecipients> {
  const locale = ctx.locale();
  const fallback = ctx.settings.current.userIdType;
  const inputs = new Map<number, string>();
  const out: PreparedRecipients = { items: [...items], hold: new Map(), inputs };
  const signalOpt = options.signal === undefined ? {} : { signal: options.signal };

  // 1. Emails and mobile numbers to IDs, per ID type (almost always one).
  const byType = new Map<UserIdType, Array<{ index: number; source: 'email' | 'mobile'; value: string; input: string }>>();
  items.forEach((item, index) => {
    const contact = contactOf(item);
    if (contact === undefined) return;
    const type = idTypeOf(item, fallback);
    const list = byType.get(type) ?? [];
    list.push({ index, ...contact });
    byType.set(type, list);
  });
  if (byType.size > 0) {
    let total = 0;
    let resolved = 0;
    for (const [type, contacts] of byType) {
      total += contacts.length;
      options.report?.(vscode.l10n.t('Finding {0} people by email or phone…', contacts.length));
      const result = await ctx.recipients.resolve(
        // People who left are found too, so they are named as inactive rather than "not found".
        { emails: contacts.filter((c) => c.source === 'email').map((c) => c.value), mobiles: contacts.filter((c) => c.source === 'mobile').map((c) => c.value), userIdType: type, includeResigned: true },
        signalOpt,
      );
      if (options.signal?.aborted === true) return { ...out, cancelled: true };
      const found = new Map(result.users.map((user) => [`${user.source}\u0000${(user.email ?? user.mobile ?? '').toLowerCase()}`, user]));
      const missing = new Map(result.notFound.map((entry) => [entry.input.toLowerCase(), entry]));
      // A lookup that stopped (a missing scope, no credentials) holds every contact it did not answer, with that reason.
      const stoppedDetail = result.ok
        ? undefined
        : result.missingScopes !== undefined
          ? formatMessage('recipient.missing-scope', locale, { scopes: result.missingScopes.join(', ') })
          : formatMessage('recipient.lookup-failed', locale, { what: stopText(result), logId: result.logId ?? '–' });
      for (const contact of contacts) {
        const user = found.get(`${contact.source}\u0000${contact.value.toLowerCase()}`);
        if (user !== undefined) {
          resolved++;
          inputs.set(contact.index, contact.input);
          out.items[contact.index] = withResolvedId(items[contact.index] as Record<string, unknown>, user.id, type);
          // The lookup already says who left or is frozen: never sent, pre-flight or not (the badge call would answer 213006).
          const inactive = inactiveReasons(user.status)[0];
          if (inactive !== undefined) out.hold.set(contact.index, { status: 'inactive', reason: inactive, detail: formatDiagnose(locale, inactive), input: contact.input });
          continue;
        }
        const entry = missing.get(contact.value.toLowerCase());
        const reason = entry?.reasons[0] ?? (result.missingScopes !== undefined ? 'missing-scope' : 'lookup-failed');
        out.hold.set(contact.index, {
          status: 'unresolved',
          reason: `recipient.${reason}`,
          detail: entry !== undefined ? entry.detail : (stoppedDetail ?? ''),
          input: contact.input,
        });
      }
    }
    out.contacts = { total, resolved };
  }

  // 2. Status and visibility of every valid recipient, 100 (visibility) and 50 (status) per call.
  if (options.preflight) {
    const plan = planBulk(out.items, { defaultUserIdType: fallback });
    // Those the lookup already found inactive count as the pre-flight's inactive: the split covers every recipient.
    const counts: PreflightCounts = { sendable: 0, notVisible: 0, inactive: [...out.hold.values()].filter((held) => held.status === 'inactive').length, unknown: 0 };
    const entriesByType = new Map<UserIdType, Array<{ index: number; id: string }>>();
    for (const entry of plan.valid) {
      if (out.hold.has(entry.index)) continue;
      const list = entriesByType.get(entry.badge.userIdType) ?? [];
      list.push({ index: entry.index, id: entry.badge.body.user_id });
      entriesByType.set(entry.badge.userIdType, list);
    }
    for (const [type, entries] of entriesByType) {
      const ids = [...new Set(entries.map((entry) => entry.id))];
      options.report?.(vscode.l10n.t('Checking {0} recipients (status and visibility)…', ids.length));
      const result = await ctx.recipients.preflight(ids, type, { ...signalOpt, onProgress: (done, total) => options.report?.(vscode.l10n.t('Checked {0} of {1} recipients', done, total)) });
      if (options.signal?.aborted === true) return { ...out, cancelled: true };
      const verdict = new Map<string, BulkHold>();
      if ('sendable' in result) {
        const failed = result.ok || result.missingScopes !== undefined ? undefined : formatMessage('preflight.failed', locale, { what: stopText(result), logId: result.logId ?? '–' });
        if (!result.ok && result.error !== undefined && result.missingScopes === undefined) {
          out.preflightError = { error: result.error, msg: failed ?? '', ...(result.code === undefined ? {} : { code: result.code }), ...(result.logId === undefined ? {} : { logId: result.logId }) };
        }
        const hold = (status: BulkHold['status'], list: readonly PreflightEntry[]): void => {
          for (const entry of list) {
            const text = formatDiagnose(locale, entry.reason);
            verdict.set(entry.id, { status, reason: entry.reason, detail: entry.reason === 'preflight.check-failed' && failed !== undefined ? failed : text });
          }
        };
        hold('not-visible', result.notVisible);
        hold('inactive', result.inactive);
        hold('unknown', result.unknown);
        if (result.missingScopes !== undefined) {
          const scopes = result.missingScopes.join(', ');
          for (const held of verdict.values()) if (held.reason === 'preflight.scope-missing') held.detail = `${held.detail} ${formatMessage('recipient.missing-scope', locale, { scopes })}`;
        }
      } else {
        // No client, or a pasted token (the visibility check needs the App ID): nobody can be checked.
        const detail = result.error === 'no-app-id' ? vscode.l10n.t('Pre-flight needs an App ID and App Secret: a pasted tenant token cannot check visibility.') : result.msg;
        for (const id of ids) verdict.set(id, { status: 'unknown', reason: `preflight.${result.error}`, detail });
      }
      for (const entry of entries) {
        const held = verdict.get(entry.id);
        if (held === undefined) counts.sendable++;
        else {
          const input = inputs.get(entry.index);
          out.hold.set(entry.index, input === undefined ? held : { ...held, input });
          if (held.status === 'not-visible') counts.notVisible++;
          else if (held.status === 'inactive') counts.inactive++;
          else counts.unknown++;
        }
      }
    }
    out.preflight = counts;
  }
  return out;
}
