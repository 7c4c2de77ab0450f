import * as vscode from 'vscode';
import { resolveBaseUrl } from '../core/baseUrl.ts';
import type { BaseUrlProblem, BaseUrlResult, Domain } from '../core/baseUrl.ts';
import type { UserIdType } from '../core/types.ts';
import { USER_ID_TYPES } from '../core/types.ts';
import { SETTINGS_SECTION } from './commandIds.ts';
import type { Profile } from './profiles.ts';

export interface Settings {
  domain: Domain;
  customBaseUrl: string;
  userIdType: UserIdType;
  defaultUserId: string;
  timeoutMs: number;
  maxRetries: number;
  statusBarEnabled: boolean;
}

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

/** The API base of a profile: the default profile follows the settings, others keep their own. */
export function apiBaseOf(profile: Profile, settings: Settings): BaseUrlResult {
  return profile.domain === undefined ? resolveBaseUrl(settings.domain, settings.customBaseUrl) : resolveBaseUrl(profile.domain, profile.customBaseUrl);
}

/** The domain shown to people: the profile's (the default profile follows the settings). */
export function domainLabelOf(profile: Profile, settings: Settings): string {
  const domain = profile.domain ?? settings.domain;
  const custom = profile.domain === undefined ? settings.customBaseUrl : (profile.customBaseUrl ?? '');
  return domain === 'custom' ? custom : domain;
}

/** The settings as last read; `onDidChange` fires after they changed. */
export class SettingsWatcher implements vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<Settings>();
  readonly #subscription: vscode.Disposable;
  #current = readSettings();
  readonly onDidChange = this.#changed.event;

  constructor() {
    this.#subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SETTINGS_SECTION)) return;
      this.#current = readSettings();
      this.#changed.fire(this.#current);
    });
  }

  get current(): Settings {
    return this.#current;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#changed.dispose();
  }
}

const BASE_URL_PROBLEMS: Readonly<Record<BaseUrlProblem, (input: string) => string>> = {
  empty: () => vscode.l10n.t('The domain is "custom" but feishuBadge.customBaseUrl is empty. Enter the API base, e.g. https://open.feishu.cn.'),
  'not-a-url': (input) => vscode.l10n.t('feishuBadge.customBaseUrl "{0}" is not a URL. Enter the API base, e.g. https://open.feishu.cn.', input),
  insecure: (input) =>
    vscode.l10n.t('feishuBadge.customBaseUrl "{0}" uses http:// to a non-local host. Use https:// (plain http is only allowed for 127.0.0.1 and localhost, so the tenant token never crosses a network unencrypted).', input),
  'unsupported-protocol': (input) => vscode.l10n.t('feishuBadge.customBaseUrl "{0}" must start with https://.', input),
  'has-query-or-hash': (input) => vscode.l10n.t('feishuBadge.customBaseUrl "{0}" must not contain "?" or "#": give only the API base.', input),
  'has-credentials': () => vscode.l10n.t('feishuBadge.customBaseUrl must not contain a user name or password.'),
};

/** Why a custom base URL was refused, in the display language (`input` is already displayable). */
export function describeBaseUrlProblem(problem: BaseUrlProblem, input: string): string {
  return BASE_URL_PROBLEMS[problem](input);
}

