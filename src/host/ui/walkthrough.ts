import * as vscode from 'vscode';
import type { CredentialStore } from '../credentials.ts';
import type { ProfileStore } from '../profiles.ts';

/** `contributes.walkthroughs[0].id`, qualified by the extension's id when opened. */
export const WALKTHROUGH_ID = 'gettingStarted';

/**
 * Opens the walkthrough on its first step. VS Code lists it on the Welcome page (marked New) and
 * opens it itself when the extension is installed from the Extensions view; the form's first-run
 * state and the view's menu open it from here.
 */
export function openWalkthrough(extensionId: string): Thenable<unknown> {
  const category = `${extensionId}#${WALKTHROUGH_ID}`;
  return vscode.commands.executeCommand('workbench.action.openWalkthrough', { category, step: `${category}#connect` }, false);
}

/** globalState: the walkthrough was offered once (never again, whatever the answer). */
const OFFERED_KEY = 'feishuBadge.walkthroughOffered';
/**
 * After the view first shows. Asked at start-up, the workbench opened its Welcome overview
 * instead (code-server 4.139, with delays up to 12 s); from the view, a moment later, it opens ours.
 */
export const OFFER_DELAY_MS = 2500;

export interface OfferDeps {
  extensionId: string;
  store: vscode.Memento;
  profiles: ProfileStore;
  credentials: CredentialStore;
}

/**
 * A first run opens the walkthrough once, when the view first shows: never offered before, and
 * no profile has credentials (someone who configured an earlier version needs no tour).
 */
export async function offerWalkthroughOnce({ extensionId, store, profiles, credentials }: OfferDeps, delayMs = OFFER_DELAY_MS): Promise<boolean> {
  if (store.get<unknown>(OFFERED_KEY) === true) return false;
  await store.update(OFFERED_KEY, true);
  for (const profile of profiles.list) {
    if (await credentials.existsFor(profile.id)) return false;
  }
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  await openWalkthrough(extensionId);
  return true;
}
