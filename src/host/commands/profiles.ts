import * as vscode from 'vscode';
import { resolveBaseUrl } from '../../core/baseUrl.ts';
import type { Domain } from '../../core/baseUrl.ts';
import { COMMANDS, registerAll } from '../commandIds.ts';
import { DEFAULT_PROFILE_ID } from '../profiles.ts';
import type { Profile, ProfileStore } from '../profiles.ts';
import { describeBaseUrlProblem } from '../settings.ts';
import { addProfileArgs, parseArgs, profileRefArgs } from './args.ts';
import type { CommandContext } from './context.ts';

export interface ProfileResult {
  ok: boolean;
  id?: string;
  name?: string;
  error?: 'validation' | 'not-found' | 'cancelled';
  msg?: string;
}

const DOMAINS: readonly Domain[] = ['feishu', 'lark', 'custom'];

function describe(profile: Profile): string {
  if (profile.id === DEFAULT_PROFILE_ID) return vscode.l10n.t('follows the feishuBadge.domain settings');
  return profile.domain === 'custom' ? (profile.customBaseUrl ?? '') : (profile.domain ?? '');
}

function problemText(problem: string, input: string): string {
  switch (problem) {
    case 'name':
      return vscode.l10n.t('A profile needs a name.');
    case 'duplicate-name':
      return vscode.l10n.t('A profile named "{0}" exists already.', input);
    default:
      return describeBaseUrlProblem(problem as Parameters<typeof describeBaseUrlProblem>[0], input);
  }
}

/** Asks which profile to use. */
async function pickProfile(profiles: ProfileStore, title: string, includeDefault: boolean): Promise<Profile | undefined> {
  const active = profiles.active.id;
  const items = profiles.list
    .filter((p) => includeDefault || p.id !== DEFAULT_PROFILE_ID)
    .map((p) => ({
      label: `${p.id === active ? '$(check) ' : ''}${p.name}`,
      description: `${describe(p)}${p.production ? ` · ${vscode.l10n.t('production')}` : ''}`,
      profile: p,
    }));
  const picked = await vscode.window.showQuickPick(items, { title });
  return picked?.profile;
}

/** What was typed in an Add Profile that did not finish (cancelled, or refused): offered again. No secrets are asked here. */
type ProfileDraft = Partial<{ name: string; domain: Domain; customBaseUrl: string; production: boolean }>;

/** A quick-pick list with the previous answer first (so Enter keeps it). */
function previousFirst<T extends { label: string }>(items: T[], previous: (item: T) => boolean): T[] {
  return [...items.filter(previous), ...items.filter((item) => !previous(item))];
}

/**
 * Asks for a new profile step by step: the name is checked against the existing ones and the URL
 * with the settings' own checks as it is typed. Every answer goes into `draft` as it is given,
 * so a cancelled or refused attempt starts again from what was typed.
 */
async function askProfile(profiles: ProfileStore, draft: ProfileDraft): Promise<{ name: string; domain: Domain; customBaseUrl?: string; production: boolean } | undefined> {
  const title = vscode.l10n.t('Feishu Badge: Add Profile');
  const name = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Profile name, e.g. "Test app" or "Production".'),
    value: draft.name ?? '',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const trimmed = value.trim();
      if (trimmed === '') return vscode.l10n.t('A profile needs a name.');
      return profiles.list.some((p) => p.name.toLowerCase() === trimmed.toLowerCase()) ? vscode.l10n.t('A profile named "{0}" exists already.', trimmed) : undefined;
    },
  });
  if (name === undefined) return undefined;
  draft.name = name;
  const domain = await vscode.window.showQuickPick(
    previousFirst(
      DOMAINS.map((d) => ({ label: d, domain: d })),
      (item) => item.domain === draft.domain,
    ),
    { title, placeHolder: vscode.l10n.t('Which open platform does this profile call?'), ignoreFocusOut: true },
  );
  if (domain === undefined) return undefined;
  draft.domain = domain.domain;
  const input: { name: string; domain: Domain; customBaseUrl?: string; production: boolean } = { name, domain: domain.domain, production: false };
  if (domain.domain === 'custom') {
    const url = await vscode.window.showInputBox({
      title,
      prompt: vscode.l10n.t('API base, e.g. https://open.feishu.example.com'),
      value: draft.customBaseUrl ?? '',
      ignoreFocusOut: true,
      validateInput: (value) => {
        const base = resolveBaseUrl('custom', value);
        return base.ok ? undefined : describeBaseUrlProblem(base.problem, base.input);
      },
    });
    if (url === undefined) return undefined;
    draft.customBaseUrl = url;
    input.customBaseUrl = url;
  }
  const no = vscode.l10n.t('No');
  const yes = vscode.l10n.t('Yes: ask before every send');
  const production = await vscode.window.showQuickPick(
    previousFirst([no, yes].map((label) => ({ label })), (item) => draft.production !== undefined && (item.label === yes) === draft.production),
    { title, placeHolder: vscode.l10n.t('Is this a production app?'), ignoreFocusOut: true },
  );
  if (production === undefined) return undefined;
  draft.production = production.label === yes;
  input.production = draft.production;
  return input;
}

/** Add, Switch and Remove Profile. */
export function registerProfileCommands(ctx: CommandContext): vscode.Disposable[] {
  const { profiles, credentials, log } = ctx;
  /** This session's unfinished Add Profile answers. */
  const draft: ProfileDraft = {};
  const addProfile = async (args?: unknown): Promise<ProfileResult | undefined> => {
    let input: { name: string; domain: Domain; customBaseUrl?: string; production?: boolean };
    if (args !== undefined) {
      const parsed = parseArgs(addProfileArgs, args);
      if (parsed === undefined) {
        return { ok: false, error: 'validation', msg: vscode.l10n.t('Pass { name, domain: "feishu" | "lark" | "custom", customBaseUrl?, production? }.') };
      }
      input = { name: parsed.name, domain: parsed.domain, production: parsed.production === true };
      if (parsed.customBaseUrl !== undefined) input.customBaseUrl = parsed.customBaseUrl;
    } else {
      const asked = await askProfile(profiles, draft);
      if (asked === undefined) return undefined;
      input = asked;
    }
    const added = await profiles.add(input);
    if (!added.ok) {
      const msg = problemText(added.problem, added.problem === 'duplicate-name' ? input.name : (input.customBaseUrl ?? ''));
      if (args === undefined) void vscode.window.showErrorMessage(msg);
      return { ok: false, error: 'validation', msg };
    }
    // Added: the next Add Profile starts empty.
    for (const key of Object.keys(draft) as Array<keyof ProfileDraft>) delete draft[key];
    await profiles.activate(added.profile.id);
    log.info(`profile added and active: ${added.profile.name} (${added.profile.id})`);
    if (args === undefined) {
      const configure = vscode.l10n.t('Configure Credentials');
      void vscode.window.showInformationMessage(vscode.l10n.t('Profile "{0}" is active. It has no credentials yet.', added.profile.name), configure).then((choice) => {
        if (choice === configure) void vscode.commands.executeCommand(COMMANDS.configureCredentials);
      });
    }
    return { ok: true, id: added.profile.id, name: added.profile.name };
  };

  /** The profile `{ id }` or `{ name }` names, and what was asked for (for the message). */
  const named = (args: unknown): { wanted: string; profile: Profile | undefined } => {
    const ref = parseArgs(profileRefArgs, args);
    const wanted = ref === undefined ? undefined : 'id' in ref ? ref.id : ref.name;
    return { wanted: wanted ?? '', profile: wanted === undefined ? undefined : profiles.find(wanted) };
  };

  const switchProfile = async (args?: unknown): Promise<ProfileResult | undefined> => {
    let profile: Profile | undefined;
    if (args !== undefined) {
      const { wanted, profile: found } = named(args);
      profile = found;
      if (profile === undefined) return { ok: false, error: 'not-found', msg: vscode.l10n.t('No profile "{0}".', wanted) };
    } else {
      profile = await pickProfile(profiles, vscode.l10n.t('Switch Feishu Badge Profile'), true);
      if (profile === undefined) return undefined;
    }
    await profiles.activate(profile.id);
    log.info(`active profile: ${profile.name} (${profile.id})`);
    return { ok: true, id: profile.id, name: profile.name };
  };

  const removeProfile = async (args?: unknown): Promise<ProfileResult | undefined> => {
    let profile: Profile | undefined;
    if (args !== undefined) {
      const { wanted, profile: found } = named(args);
      profile = found;
      if (profile === undefined || profile.id === DEFAULT_PROFILE_ID) return { ok: false, error: 'not-found', msg: vscode.l10n.t('No removable profile "{0}".', wanted) };
    } else {
      profile = await pickProfile(profiles, vscode.l10n.t('Remove Feishu Badge Profile'), false);
      if (profile === undefined) return undefined;
      const remove = vscode.l10n.t('Remove');
      const sure = await vscode.window.showWarningMessage(vscode.l10n.t('Remove the profile "{0}" and its credentials?', profile.name), { modal: true }, remove);
      if (sure !== remove) return undefined;
    }
    await credentials.deleteFor(profile.id);
    await profiles.remove(profile.id);
    log.info(`profile removed: ${profile.name} (${profile.id})`);
    return { ok: true, id: profile.id, name: profile.name };
  };

  return registerAll({ addProfile, switchProfile, removeProfile });
}
