import type { HistoryEntry, RememberedBadge } from '../../core/badgeState.ts';
import type { ClientBadgeNum, Locale } from '../../core/types.ts';
import { FORM_HISTORY_MAX } from '../../shared/protocol.ts';
import type { HistoryItem, HostState, RememberedInfo } from '../../shared/protocol.ts';
import type { CredentialStore } from '../credentials.ts';
import type { ProfileStore } from '../profiles.ts';
import { apiBaseOf, describeBaseUrlProblem } from '../settings.ts';
import type { SettingsWatcher } from '../settings.ts';
import type { HistoryStore } from '../state/history.ts';
import type { RecentUsersStore } from '../state/recentUsers.ts';
import { quickClearTarget } from '../ui/statusBar.ts';

/** Only the counts, whatever else a stored object holds. */
function counts(value: ClientBadgeNum | undefined): ClientBadgeNum | undefined {
  if (value === undefined) return undefined;
  const out: ClientBadgeNum = {};
  if (typeof value.web_app === 'number') out.web_app = value.web_app;
  if (typeof value.gadget === 'number') out.gadget = value.gadget;
  return out;
}

export function rememberedInfo(badge: RememberedBadge): RememberedInfo {
  const info: RememberedInfo = { version: badge.version, at: badge.at };
  const pc = counts(badge.pc);
  const mobile = counts(badge.mobile);
  if (pc !== undefined) info.pc = pc;
  if (mobile !== undefined) info.mobile = mobile;
  return info;
}

/**
 * A history entry as the form lists it: ids, counts and outcome (no base URL, extra or log ID),
 * and the profile it was sent with when that is not the active one.
 */
export function historyItem(entry: HistoryEntry, index: number, profiles?: { activeId: string; nameOf: (id: string) => string | undefined; removed: string }): HistoryItem {
  const item: HistoryItem = { index, at: entry.at, userId: entry.body.user_id, userIdType: entry.userIdType, ok: entry.ok };
  if (profiles !== undefined && entry.profileId !== undefined && entry.profileId !== profiles.activeId) {
    item.profile = (profiles.nameOf(entry.profileId) ?? profiles.removed).slice(0, 200);
  }
  const pc = counts(entry.body.pc);
  const mobile = counts(entry.body.mobile);
  if (pc !== undefined) item.pc = pc;
  if (mobile !== undefined) item.mobile = mobile;
  if (entry.code !== undefined) item.code = entry.code;
  return item;
}

export interface HostStateSources {
  credentials: CredentialStore;
  profiles: ProfileStore;
  settings: SettingsWatcher;
  recent: RecentUsersStore;
  history: HistoryStore;
  locale: () => Locale;
  /** How the form names a profile that no longer exists (display language). */
  removedProfileLabel: () => string;
}

/** What the form is told about the host: never a secret, only whether credentials exist. */
export async function hostStateOf(sources: HostStateSources): Promise<HostState> {
  const settings = sources.settings.current;
  const profile = sources.profiles.active;
  const credentials = await sources.credentials.get();
  const base = apiBaseOf(profile, settings);
  const state: HostState = {
    locale: sources.locale(),
    profile: { name: profile.name, production: profile.production },
    domain: profile.domain ?? settings.domain,
    hasCredentials: credentials !== undefined,
    userIdType: settings.userIdType,
    recentUsers: sources.recent.recent,
    history: sources.history.entries.slice(0, FORM_HISTORY_MAX).map((entry, index) =>
      historyItem(entry, index, {
        activeId: profile.id,
        nameOf: (id) => sources.profiles.list.find((candidate) => candidate.id === id)?.name,
        removed: sources.removedProfileLabel(),
      }),
    ),
  };
  if (base.ok) state.baseUrl = base.baseUrl;
  else state.settingsProblem = describeBaseUrlProblem(base.problem, base.input);
  if (credentials !== undefined) {
    state.credentialKind = credentials.kind;
    if (credentials.kind === 'self-built') state.appId = credentials.appId;
  }
  const target = quickClearTarget(sources.settings, sources.recent);
  if (target !== undefined) state.defaultTarget = target;
  return state;
}
