import ky, { isTimeoutError } from 'ky';
import type { NetworkReason, Outcome } from './types.ts';

export type Domain = 'feishu' | 'lark' | 'custom';

export const DOMAIN_BASE_URLS: Readonly<Record<Exclude<Domain, 'custom'>, string>> = {
  feishu: 'https://open.feishu.cn',
  lark: 'https://open.larksuite.com',
};

export type BaseUrlProblem = 'empty' | 'not-a-url' | 'insecure' | 'unsupported-protocol' | 'has-query-or-hash' | 'has-credentials';

export type BaseUrlResult = { ok: true; baseUrl: string } | { ok: false; problem: BaseUrlProblem; input: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname.endsWith('.localhost');
}

/**
 * The API base for a domain. A custom base must be https, except plain http to a loopback host
 * (a local test server): a tenant token sent in clear text over a network would be a leak.
 */
export function resolveBaseUrl(domain: Domain, customBaseUrl?: string): BaseUrlResult {
  if (domain !== 'custom') {
    return { ok: true, baseUrl: DOMAIN_BASE_URLS[domain] };
  }
  const input = (customBaseUrl ?? '').trim();
  if (input === '') {
    return { ok: false, problem: 'empty', input };
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, problem: 'not-a-url', input };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, problem: 'unsupported-protocol', input };
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return { ok: false, problem: 'insecure', input };
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, problem: 'has-query-or-hash', input };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, problem: 'has-credentials', input };
  }
  return { ok: true, baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

export interface PostOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One HTTP exchange with the Feishu API, turned into an `Outcome`. Never throws for I/O. */
export interface Transport {
  readonly baseUrl: string;
  post(path: string, json: unknown, options?: PostOptions): Promise<Outcome>;
}

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  /** For tests and hosts with their own fetch (proxies). */
  fetch?: typeof fetch;
}

const SNIPPET_LENGTH = 200;

function networkReason(error: unknown): { reason: NetworkReason; detail: string } {
  // undici nests the system error (ECONNREFUSED, ...) in `cause`, sometimes twice.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      return { reason: reasonForCode(code), detail: code };
    }
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { reason: 'other', detail: message.slice(0, SNIPPET_LENGTH) };
}

function reasonForCode(code: string): NetworkReason {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout';
    default:
      return code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('SELF_SIGNED') || code.startsWith('UNABLE_TO')
        ? 'tls'
        : 'other';
  }
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') {
    return undefined;
  }
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

function interpret(status: number, headers: Headers, text: string): Outcome {
  const logIdHeader = headers.get('x-tt-logid') ?? undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  const code = record?.code;
  // Error bodies may carry the log id themselves when a gateway strips headers.
  const bodyLogId = (record?.error as { log_id?: unknown } | undefined)?.log_id;
  const logId = logIdHeader ?? (typeof bodyLogId === 'string' ? bodyLogId : undefined);
  const withLogId = <T extends object>(value: T): T & { logId?: string } => (logId === undefined ? value : { ...value, logId });
  if (record === undefined || typeof code !== 'number') {
    const contentType = headers.get('content-type') ?? undefined;
    return withLogId({
      kind: 'invalid-response' as const,
      httpStatus: status,
      ...(contentType === undefined ? {} : { contentType }),
      snippet: text.slice(0, SNIPPET_LENGTH),
    });
  }
  const msg = typeof record.msg === 'string' ? record.msg : '';
  // The limit header also comes on successes: a bulk run can pace itself before the first 429.
  const limit = numberHeader(headers, 'x-ogw-ratelimit-limit');
  if (code === 0 && status >= 200 && status < 300) {
    return withLogId({ kind: 'success' as const, httpStatus: status, code: 0 as const, msg, response: parsed, ...(limit === undefined ? {} : { rateLimitLimit: limit }) });
  }
  const reset = numberHeader(headers, 'x-ogw-ratelimit-reset');
  return withLogId({
    kind: 'api-error' as const,
    httpStatus: status,
    code,
    msg,
    response: parsed,
    ...(reset === undefined ? {} : { rateLimitResetSeconds: reset }),
    ...(limit === undefined ? {} : { rateLimitLimit: limit }),
  });
}

interface Deadline {
  at: number;
  expire: () => void;
}

/**
 * The timeouts of one transport, checked by a single interval instead of a timer per request: a
 * setTimeout / clearTimeout pair per call measured ~5% of a loopback round trip. A timeout fires
 * up to one tick (a tenth of the timeout, 10–250 ms) late. The interval stops after a quiet spell
 * and never keeps the process alive.
 */
class Deadlines {
  readonly #pending = new Set<Deadline>();
  readonly #tickMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #quietTicks = 0;

  constructor(timeoutMs: number) {
    this.#tickMs = Math.min(250, Math.max(10, Math.round(timeoutMs / 10)));
  }

  add(deadline: Deadline): void {
    this.#pending.add(deadline);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  delete(deadline: Deadline): void {
    this.#pending.delete(deadline);
  }

  #tick(): void {
    if (this.#pending.size === 0) {
      // Keep ticking through short pauses between calls; stop when nothing happened for a while.
      if (++this.#quietTicks > 40) {
        clearInterval(this.#timer);
        this.#timer = undefined;
        this.#quietTicks = 0;
      }
      return;
    }
    this.#quietTicks = 0;
    const now = Date.now();
    for (const deadline of this.#pending) {
      if (now >= deadline.at) {
        this.#pending.delete(deadline);
        deadline.expire();
      }
    }
  }
}

/**
 * Settles with the exchange, a timeout or a cancellation, whichever comes first. The request is
 * not aborted: giving fetch any AbortSignal makes undici track it per request, which measured
 * ~0.1 ms a call, as much as the rest of the client. An abandoned request still has its body read
 * (freeing the connection) and is bounded by undici's own 300 s headers and body timeouts; the
 * retry policy copes with it having reached the server (version conflict or 213004).
 */
function settleFirst(exchange: Promise<Outcome>, timeoutMs: number, deadlines: Deadlines, signal: AbortSignal | undefined): Promise<Outcome> {
  if (timeoutMs <= 0 && signal === undefined) {
    return exchange;
  }
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      deadlines.delete(deadline);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => finish({ kind: 'cancelled' });
    const deadline: Deadline = {
      at: Date.now() + timeoutMs,
      expire: () => finish({ kind: 'network', reason: 'timeout', detail: `no response within ${timeoutMs} ms` }),
    };
    if (timeoutMs > 0) deadlines.add(deadline);
    signal?.addEventListener('abort', onAbort, { once: true });
    void exchange.then(finish);
  });
}

// Every badge call carries one of three query strings: build each once.
const queryCache = new Map<string, string>();
function queryString(query: Record<string, string>): string {
  const key = JSON.stringify(query);
  let text = queryCache.get(key);
  if (text === undefined) {
    text = `?${new URLSearchParams(query).toString()}`;
    if (queryCache.size < 64) queryCache.set(key, text);
  }
  return text;
}

export function createTransport(options: TransportOptions): Transport {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  // Retries belong to the core's policy (it must bump versions and refresh tokens), and timeouts
  // to settleFirst, so ky neither retries nor times out.
  const client = ky.create({ timeout: false, retry: { limit: 0 }, throwHttpErrors: false });
  const deadlines = new Deadlines(options.timeoutMs);
  const base = options.baseUrl;

  const exchange = async (url: string, headers: Record<string, string>, body: string): Promise<Outcome> => {
    try {
      const response = await client.post(url, {
        headers,
        // ky builds the request and normalises errors; the body string goes straight to fetch,
        // because a body inside a Request becomes a web stream, which costs more than ky itself.
        fetch: (input) => fetchImpl((input as Request).url, { method: 'POST', headers, body }),
      });
      const text = await response.text();
      return interpret(response.status, response.headers, text);
    } catch (error) {
      return isTimeoutError(error)
        ? { kind: 'network', reason: 'timeout', detail: 'timed out' }
        : { kind: 'network', ...networkReason(error) };
    }
  };

  return {
    baseUrl: base,
    post(path, json, postOptions = {}) {
      const { signal } = postOptions;
      if (signal?.aborted === true) {
        return Promise.resolve({ kind: 'cancelled' });
      }
      const query = postOptions.query === undefined ? '' : queryString(postOptions.query);
      const headers = { 'content-type': 'application/json; charset=utf-8', ...postOptions.headers };
      return settleFirst(exchange(`${base}${path}${query}`, headers, JSON.stringify(json)), options.timeoutMs, deadlines, signal);
    },
  };
}
