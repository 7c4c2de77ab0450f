import { BADGE_PATH } from './client.ts';
import type { BadgeRequest } from './types.ts';

export interface ExportInput {
  baseUrl: string;
  request: BadgeRequest;
  /**
   * The real token, used only when `revealToken` is true. Exports default to a placeholder so a
   * request pasted into a chat or a ticket does not leak the tenant's token.
   */
  token?: string;
  revealToken?: boolean;
}

/** The shell variable a redacted curl command reads the token from. */
export const CURL_TOKEN_VARIABLE = 'FEISHU_TENANT_ACCESS_TOKEN';
/** The REST Client variable a redacted `.http` block reads the token from. */
export const HTTP_TOKEN_VARIABLE = 'tenantAccessToken';

function url(input: ExportInput): string {
  const target = new URL(input.baseUrl + BADGE_PATH);
  target.searchParams.set('user_id_type', input.request.userIdType);
  return target.toString();
}

function revealed(input: ExportInput): string | undefined {
  return input.revealToken === true && input.token !== undefined ? input.token : undefined;
}

/** POSIX single-quoting: everything literal, embedded quotes closed, escaped and reopened. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function toCurl(input: ExportInput): string {
  const token = revealed(input);
  // Double quotes let the shell expand the variable; a revealed token is quoted literally.
  const auth = token === undefined ? `"Authorization: Bearer $${CURL_TOKEN_VARIABLE}"` : shellQuote(`Authorization: Bearer ${token}`);
  return [
    `curl -sS -X POST ${shellQuote(url(input))}`,
    `  -H ${auth}`,
    `  -H 'Content-Type: application/json; charset=utf-8'`,
    `  --data-raw ${shellQuote(JSON.stringify(input.request.body))}`,
  ].join(' \\\n');
}

/** A REST Client / `.http` file block. */
export function toHttpFile(input: ExportInput): string {
  const token = revealed(input);
  const lines: string[] = [];
  if (token === undefined) {
    lines.push(`# Set ${HTTP_TOKEN_VARIABLE} to a tenant_access_token (never commit it).`, `@${HTTP_TOKEN_VARIABLE} = t-xxxxxxxx`, '');
  }
  lines.push(
    '### Feishu app badge',
    `POST ${url(input)}`,
    `Authorization: Bearer ${token ?? `{{${HTTP_TOKEN_VARIABLE}}}`}`,
    'Content-Type: application/json; charset=utf-8',
    '',
    JSON.stringify(input.request.body, null, 2),
    '',
  );
  return lines.join('\n');
}
