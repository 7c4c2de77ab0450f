// Where requests go: the API base for a domain, the rules a custom base must follow, and how a
// base URL may be shown back to a person. Pure, so the host, the webview and the tests share it.

export type Domain = 'feishu' | 'lark' | 'custom';

export const DOMAIN_BASE_URLS: Readonly<Record<Exclude<Domain, 'custom'>, string>> = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
};

export type BaseUrlProblem = 'empty' | 'not-a-url' | 'insecure' | 'unsupported-protocol' | 'has-query-or-hash' | 'has-credentials';

export type BaseUrlResult = { ok: true; baseUrl: string } | { ok: false; problem: BaseUrlProblem; input: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  // Not `*.localhost`: Node hands such names to the system resolver, which may send them anywhere.
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * A base URL as it may be shown back to the user: any `user:password@` removed, control
 * characters escaped, at most 200 characters. Messages about a refused base URL use this, never
 * the raw setting.
 */
export function displayableBaseUrl(input: string): string {
  // Everything up to the last '@' goes, wherever it is: a password may itself hold '/', '?' or
  // '#' (which ends the authority for a URL parser, but not for a person typing it).
  const start = input.indexOf('//') >= 0 ? input.indexOf('//') + 2 : 0;
  const rest = input.slice(start);
  const at = rest.lastIndexOf('@');
  const stripped = at < 0 ? input : input.slice(0, start) + rest.slice(at + 1);
  // eslint-disable-next-line no-control-regex
  const printable = stripped.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return printable.length > 200 ? `${printable.slice(0, 199)}…` : printable;
}

/**
 * The API base for a domain. A custom base must be https, except plain http to a loopback host
 * (a local test server): a tenant token sent in clear text over a network would be a leak.
 * The `input` of a refusal is displayable: it never carries a user name or password.
 */
export function resolveBaseUrl(domain: Domain, customBaseUrl?: string): BaseUrlResult {
  if (domain !== 'custom') {
    return { ok: true, baseUrl: DOMAIN_BASE_URLS[domain] };
  }
  const raw = (customBaseUrl ?? '').trim();
  const input = displayableBaseUrl(raw);
  if (raw === '') {
    return { ok: false, problem: 'empty', input };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'not-a-url', input };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'has-credentials', input };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: 'unsupported-protocol', input };
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return { ok: false, problem: 'insecure', input };
  }
  if (url.search !== '' || url.hash !== '' || raw.endsWith('?') || raw.endsWith('#')) {
    return { ok: false, problem: 'has-query-or-hash', input };
  }
  return { ok: true, baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

/** The origin (scheme, host, port) of an API base, which credentials are bound to. */
export function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}
