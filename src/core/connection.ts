import { BADGE_PATH } from './client.ts';
import type { Transport } from './http.ts';
import type { TokenManager } from './token.ts';
import type { Outcome } from './types.ts';

export type ConnectionCheck =
  | { ok: true; logId?: string }
  /** `stage`: which call failed (the token fetch, or the badge call that checks a pasted token). */
  | { ok: false; failure: Exclude<Outcome, { kind: 'success' }>; stage: 'token' | 'badge' };

// Codes that prove the gateway accepted the token and the request reached the badge service.
const TOKEN_ACCEPTED = new Set([99992402, 213003, 213005]);

/**
 * Checks the credentials against the server. A self-built app fetches a fresh token. A pasted
 * token cannot be fetched, so it is sent to the badge endpoint with an empty body: the gateway
 * checks the token before the body, so a field-validation error proves the token good without
 * changing any badge.
 */
export async function checkConnection(transport: Transport, tokens: TokenManager, signal?: AbortSignal): Promise<ConnectionCheck> {
  if (tokens.canRefresh) {
    tokens.clear();
  }
  const token = await tokens.getToken(signal);
  if (!token.ok) {
    return { ok: false, failure: tokens.redactOutcome(token.failure), stage: 'token' };
  }
  if (tokens.canRefresh) {
    return { ok: true };
  }
  const outcome = await transport.post(BADGE_PATH, {}, {
    query: { user_id_type: 'open_id' },
    headers: { authorization: `Bearer ${token.token}` },
    ...(signal === undefined ? {} : { signal }),
  });
  if (outcome.kind === 'api-error' && TOKEN_ACCEPTED.has(outcome.code)) {
    return outcome.logId === undefined ? { ok: true } : { ok: true, logId: outcome.logId };
  }
  if (outcome.kind === 'success') {
    return outcome.logId === undefined ? { ok: true } : { ok: true, logId: outcome.logId };
  }
  return { ok: false, failure: tokens.redactOutcome(outcome), stage: 'badge' };
}
