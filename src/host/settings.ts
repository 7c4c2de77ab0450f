import * as vscode from 'vscode';
import { resolveBaseUrl } from '../core/http.ts';
import type { BaseUrlProblem, Domain } from '../core/http.ts';
import type { UserIdType } from '../core/types.ts';
import { USER_ID_TYPES } from '../core/types.ts';
import { SETTINGS_SECTION } from './commands.ts';

export interface Settings {
  domain: Domain;
  customBaseUrl: string;
  userIdType: UserIdType;
  defaultUserId: string;
  timeoutMs: number;
  maxRetries: number;
  statusBarEnabled: boolean;
}

export type BaseUrl = { ok: true; baseUrl: string } | { ok: false; problem: BaseUrlProblem; input: string };

const DOMAINS: readonly Domain[] = ['feishu', 'lark', 'custom'];

function clampInt(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

/** Reads the settings once, falling back to defaults for values of the wrong type. */
export function readSettings(): Settings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  // Where credentials go is the user's choice only: the settings are application-scoped, and
  // only the user-settings value is read, so a cloned repository's .vscode/settings.json (or a
  // folder or language override) can never point a send at another host.
  const userOnly = (key: string): unknown => config.inspect(key)?.globalValue;
  const domain = String(userOnly('domain') ?? 'feishu');
  const userIdType = config.get<string>('userIdType', 'open_id');
  return {
    domain: DOMAINS.includes(domain as Domain) ? (domain as Domain) : 'feishu',
    customBaseUrl: String(userOnly('customBaseUrl') ?? ''),
    userIdType: USER_ID_TYPES.includes(userIdType as UserIdType) ? (userIdType as UserIdType) : 'open_id',
    defaultUserId: String(config.get('defaultUserId', '') ?? '').trim(),
    timeoutMs: clampInt(config.get('timeoutMs'), 10_000, 1_000, 120_000),
    maxRetries: clampInt(config.get('maxRetries'), 3, 1, 10),
    statusBarEnabled: config.get<boolean>('statusBar.enabled', true) !== false,
  };
}

export function baseUrlOf(settings: Settings): BaseUrl {
  return resolveBaseUrl(settings.domain, settings.customBaseUrl);
}

/** Why a custom base URL was refused, in the display language. */
export function describeBaseUrlProblem(problem: BaseUrlProblem, input: string): string {
  switch (problem) {
    case 'empty':
      return vscode.l10n.t('The domain is "custom" but feishuBadge.customBaseUrl is empty. Enter the API base, e.g. https://open.feishu.cn.');
    case 'not-a-url':
      return vscode.l10n.t('feishuBadge.customBaseUrl "{0}" is not a URL. Enter the API base, e.g. https://open.feishu.cn.', input);
    case 'insecure':
      return vscode.l10n.t('feishuBadge.customBaseUrl "{0}" uses http:// to a non-local host. Use https:// (plain http is only allowed for 127.0.0.1 and localhost, so the tenant token never crosses a network unencrypted).', input);
    case 'unsupported-protocol':
      return vscode.l10n.t('feishuBadge.customBaseUrl "{0}" must start with https://.', input);
    case 'has-query-or-hash':
      return vscode.l10n.t('feishuBadge.customBaseUrl "{0}" must not contain "?" or "#": give only the API base.', input);
    case 'has-credentials':
      return vscode.l10n.t('feishuBadge.customBaseUrl must not contain a user name or password.');
  }
}

