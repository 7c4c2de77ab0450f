import ky, { isTimeoutError } from 'ky';
import { readRateLimitHeaders } from './retry.ts';
import type { ExchangedHeaders, NetworkReason, Outcome } from './types.ts';

export interface PostOptions {
  /** A list value repeats its key (`user_ids=a&user_ids=b`). */
  query?: Record<string, string | readonly string[]>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * The largest body read (default MAX_RESPONSE_BYTES). The read APIs answer more: a page of 50
   * full contact records is about 90 KB, so they allow READ_API_MAX_RESPONSE_BYTES.
   */
  maxResponseBytes?: number;
}

/** One HTTP exchange with the Feishu API, turned into an `Outcome`. Never throws for I/O. */
export interface Transport {
  readonly baseUrl: string;
  post(path: string, json: unknown, options?: PostOptions): Promise<Outcome>;
  /** A GET with the same handling (timeouts, size cap, redirects never followed, outcomes). */
  get(path: string, options?: PostOptions): Promise<Outcome>;
}

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  /** For tests and hosts with their own fetch (proxies). */
  fetch?: typeof fetch;
}

// The client scrubs secrets from a snippet and then cuts it to 200 characters: the transport keeps
// more, so a secret is never cut in half before the scrub sees it.
const SNIPPET_LENGTH = 2_000;
/**
 * Bodies larger than this are not read: a Feishu answer is a few hundred bytes. Above it the
 * response is dropped, its connection closed, and the outcome says so (`tooLarge`).
 */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** The cap for the contact and application read APIs (pages of full user records). */
export const READ_API_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
const tooLargeSnippet = (cap: number): string => `response body over ${cap >= 1024 * 1024 ? `${cap / (1024 * 1024)} MiB` : `${cap / 1024} KiB`} (${cap} bytes), not read`;

// Printable ASCII and inner spaces or tabs: what an HTTP header value may hold.
const HEADER_VALUE = /^[\x21-\x7e]([\t\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * Why a request failed below HTTP, as fixed text: an error's message can quote a header value
 * (undici's "invalid header value" error quotes the Authorization header, token included), so
 * only its `code` or its class name is kept.
 */
function networkReason(error: unknown): { reason: NetworkReason; detail: string } {
  // undici nests the system error (ECONNREFUSED, ...) in `cause`, sometimes twice.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)) {
      return { reason: reasonForCode(code), detail: code };
    }
    current = (current as { cause?: unknown }).cause;
  }
  // A TypeError with no cause is fetch refusing the request itself (bad header or URL): nothing
  // left this machine, so it must not be retried.
  if (error instanceof TypeError && (error as { cause?: unknown }).cause === undefined) {
    return { reason: 'not-sent', detail: 'the request was refused before it was sent' };
  }
  const name = error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'Error';
  return { reason: 'other', detail: `request failed (${name})` };
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

/** The origin a redirect points at, never its path or query; `unknown` when unreadable. */
function redirectOrigin(location: string | null, requestUrl: string): string {
  if (location === null || location.trim() === '') return 'unknown';
  try {
    const origin = new URL(location, requestUrl).origin;
    return origin === 'null' ? 'unknown' : origin;
  } catch {
    return 'unknown';
  }
}

/** A log ID is shown and logged: only a plain token of at most 128 characters is kept. */
function cleanLogId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

const EXCHANGED = ['x-tt-logid', 'x-ogw-ratelimit-limit', 'x-ogw-ratelimit-reset'] as const;

/** The headers worth showing beside the body, as sent (printable, at most 128 characters each); undefined when none came. */
function exchangedHeaders(headers: Headers): ExchangedHeaders | undefined {
  let out: ExchangedHeaders | undefined;
  for (const name of EXCHANGED) {
    const value = headers.get(name);
    if (value !== null && /^[\x20-\x7e]{1,128}$/.test(value)) (out ??= {})[name] = value;
  }
  return out;
}

function interpret(status: number, headers: Headers, text: string, requestUrl: string): Outcome {
  const exchanged = exchangedHeaders(headers);
  const outcome = interpretBody(status, headers, text, requestUrl);
  return exchanged === undefined || outcome.kind === 'network' || outcome.kind === 'cancelled' ? outcome : { ...outcome, headers: exchanged };
}

function interpretBody(status: number, headers: Headers, text: string, requestUrl: string): Outcome {
  if (status >= 300 && status < 400) {
    // Never followed (fetch runs with redirect: 'manual'): a token request re-sent to `Location`
    // would hand the App Secret to another origin. The body of a redirect is not shown.
    const logId = cleanLogId(headers.get('x-tt-logid'));
    return {
      kind: 'invalid-response',
      httpStatus: status,
      snippet: `HTTP ${status} redirect, not followed`,
      redirectOrigin: redirectOrigin(headers.get('location'), requestUrl),
      ...(logId === undefined ? {} : { logId }),
    };
  }
  const logIdHeader = cleanLogId(headers.get('x-tt-logid'));
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
  const logId = logIdHeader ?? cleanLogId(bodyLogId);
  const withLogId = <T extends object>(value: T): T & { logId?: string } => (logId === undefined ? value : { ...value, logId });
  if (record === undefined || typeof code !== 'number') {
    const contentType = headers.get('content-type')?.slice(0, 100) ?? undefined;
    return withLogId({
      kind: 'invalid-response' as const,
      httpStatus: status,
      ...(contentType === undefined ? {} : { contentType }),
      snippet: text.slice(0, SNIPPET_LENGTH),
    });
  }
  const msg = typeof record.msg === 'string' ? record.msg : '';
  // The limit header may also come on successes: a bulk run can pace itself before the first 429.
  // Both are untrusted: strict digits, clamped (readRateLimitHeaders).
  const rate = readRateLimitHeaders(headers.get('x-ogw-ratelimit-limit'), headers.get('x-ogw-ratelimit-reset'));
  const limit = rate.limit;
  if (code === 0 && status >= 200 && status < 300) {
    return withLogId({ kind: 'success' as const, httpStatus: status, code: 0 as const, msg, response: parsed, ...(limit === undefined ? {} : { rateLimitLimit: limit }) });
  }
  const reset = rate.resetSeconds;
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
 * setTimeout / clearTimeout pair per call measured ~5% of a loopback round trip, and
 * `AbortSignal.timeout` as much. A timeout fires up to one tick (a tenth of the timeout,
 * 10–250 ms) late. The interval stops after a quiet spell and never keeps the process alive.
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
 * Settles with the exchange, a timeout or a cancellation, whichever comes first, and then aborts
 * the exchange (`abort`: its fetch, its body, its socket), so nothing of an abandoned attempt
 * stays open. Settling does not wait for the abort to land: a `fetch` given in the options that
 * ignores its signal still yields the outcome on time. The retry policy copes with an aborted
 * request having reached the server (version conflict or 213004).
 *
 * Without a caller's signal only the timeout aborts: a bulk run sends without one, so a cancel
 * lets the requests already on the wire finish and be recorded.
 */
function settleFirst(
  exchange: Promise<Outcome>,
  timeoutMs: number,
  deadlines: Deadlines,
  signal: AbortSignal | undefined,
  abort: () => void,
): Promise<Outcome> {
  if (timeoutMs <= 0 && signal === undefined) {
    return exchange;
  }
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome, abandoned = false): void => {
      if (settled) return;
      settled = true;
      deadlines.delete(deadline);
      signal?.removeEventListener('abort', onAbort);
      // A request or body still arriving after a timeout or a cancel is aborted, its socket closed.
      if (abandoned) abort();
      resolve(outcome);
    };
    const onAbort = (): void => finish({ kind: 'cancelled' }, true);
    const deadline: Deadline = {
      at: Date.now() + timeoutMs,
      expire: () => finish({ kind: 'network', reason: 'timeout', detail: `no response within ${timeoutMs} ms` }, true),
    };
    if (timeoutMs > 0) deadlines.add(deadline);
    signal?.addEventListener('abort', onAbort, { once: true });
    void exchange.then(finish);
  });
}

const utf8 = new TextDecoder();
const ignore = (): undefined => undefined;

/**
 * The body as text, or `undefined` when it is larger than MAX_RESPONSE_BYTES (by its
 * Content-Length, unread, or by counting) or the exchange was aborted: a server that streams
 * without end costs at most the cap in memory. The body is cancelled then, and the caller aborts
 * the request as well, which closes the connection (a `fetch` given in the options may ignore
 * one of the two).
 */
async function readCapped(response: Response, signal: AbortSignal, cap: number): Promise<string | undefined> {
  const body = response.body;
  if (body === null) return '';
  const declared = response.headers.get('content-length');
  if ((declared !== null && Number(declared) > cap) || signal.aborted) {
    body.cancel().catch(ignore);
    return undefined;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap || signal.aborted) {
      reader.cancel().catch(ignore);
      return undefined;
    }
    chunks.push(value);
  }
  if (signal.aborted) return undefined;
  if (chunks.length === 1 && chunks[0] !== undefined) return utf8.decode(chunks[0]);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return utf8.decode(all);
}

// Every badge call carries one of three query strings: build each once.
const queryCache = new Map<string, string>();
function queryString(query: Record<string, string | readonly string[]>): string {
  const key = JSON.stringify(query);
  let text = queryCache.get(key);
  if (text === undefined) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (typeof value === 'string') params.append(name, value);
      else for (const item of value) params.append(name, item);
    }
    text = `?${params.toString()}`;
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

  const exchange = async (method: 'POST' | 'GET', url: string, headers: Record<string, string>, body: string | undefined, controller: AbortController, cap: number): Promise<Outcome> => {
    const { signal } = controller;
    try {
      const response = await client(url, {
        method,
        headers,
        // ky builds the request and normalises errors; the body string goes straight to fetch,
        // because a body inside a Request becomes a web stream, which costs more than ky itself.
        // redirect: 'manual': a 3xx comes back as it is and is reported, never followed.
        // The signal is this attempt's own (aborted on timeout, cancel or an oversized body): a
        // plain AbortController costs fetch ~2 µs, where a timer or AbortSignal.timeout per
        // request cost ~20–50 µs (docs/benchmarks.md).
        fetch: (input) => fetchImpl((input as Request).url, { method, headers, ...(body === undefined ? {} : { body }), redirect: 'manual', signal }),
      });
      const text = await readCapped(response, signal, cap);
      if (text === undefined) {
        // Stop the transfer: undici closes the socket of a request aborted mid-body.
        const aborted = signal.aborted;
        controller.abort();
        if (aborted) return { kind: 'cancelled' };
        const logId = cleanLogId(response.headers.get('x-tt-logid'));
        const contentType = response.headers.get('content-type')?.slice(0, 100) ?? undefined;
        return {
          kind: 'invalid-response',
          httpStatus: response.status,
          tooLarge: true,
          snippet: tooLargeSnippet(cap),
          ...(contentType === undefined ? {} : { contentType }),
          ...(logId === undefined ? {} : { logId }),
        };
      }
      return interpret(response.status, response.headers, text, url);
    } catch (error) {
      return isTimeoutError(error)
        ? { kind: 'network', reason: 'timeout', detail: 'timed out' }
        : { kind: 'network', ...networkReason(error) };
    }
  };

  const request = (method: 'POST' | 'GET', path: string, json: unknown, requestOptions: PostOptions): Promise<Outcome> => {
    const { signal } = requestOptions;
    if (signal?.aborted === true) {
      return Promise.resolve({ kind: 'cancelled' });
    }
    const query = requestOptions.query === undefined ? '' : queryString(requestOptions.query);
    const headers = method === 'POST' ? { 'content-type': 'application/json; charset=utf-8', ...requestOptions.headers } : { ...requestOptions.headers };
    for (const value of Object.values(headers)) {
      // Checked here rather than left to fetch, whose error message would quote the value.
      if (!HEADER_VALUE.test(value)) {
        return Promise.resolve({ kind: 'network', reason: 'not-sent', detail: 'a header value has characters HTTP does not allow' });
      }
    }
    // One controller per attempt, aborted from the shared deadline sweep or the caller's signal.
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    const body = method === 'POST' ? JSON.stringify(json) : undefined;
    const cap = Math.max(1, Math.min(requestOptions.maxResponseBytes ?? MAX_RESPONSE_BYTES, READ_API_MAX_RESPONSE_BYTES));
    return settleFirst(exchange(method, `${base}${path}${query}`, headers, body, controller, cap), options.timeoutMs, deadlines, signal, abort);
  };

  return {
    baseUrl: base,
    post: (path, json, postOptions = {}) => request('POST', path, json, postOptions),
    get: (path, getOptions = {}) => request('GET', path, undefined, getOptions),
  };
}
