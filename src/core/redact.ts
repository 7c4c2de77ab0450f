// The last scrub on everything that leaves the core (results, guidance, log lines, exports):
// the secrets the caller knows (the App Secret, the tokens in use) and anything shaped like a
// Feishu access token or a JWT become `<redacted>`. It runs on data that already should carry
// no secret; it is the net under that rule, for servers that echo what they were sent.

export const REDACTED = '<redacted>';

// Feishu access tokens: `t-` (tenant), `u-` (user), `a-` (app), then a long opaque string.
// The lookahead demands a digit, so hyphenated words ("a-well-known-phrase") are left alone.
const ACCESS_TOKEN = /\b[tua]-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{16,}/g;
// A JWT: base64url header starting `eyJ` ({"), payload, optional signature.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g;
// Secrets shorter than this are not searched for: they would match ordinary text.
const MIN_SECRET_LENGTH = 6;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Scrubs strings, deeply, against a fixed list of secrets plus the token and JWT shapes. */
export class Redactor {
  readonly #secrets: RegExp | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    const usable = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))];
    // Longest first, so a secret containing another is removed whole.
    usable.sort((a, b) => b.length - a.length);
    this.#secrets = usable.length === 0 ? undefined : new RegExp(usable.map(escapeRegExp).join('|'), 'g');
  }

  /** Only the known secrets, not the shapes: for text the user wrote (a request body, a user ID). */
  secrets(value: string): string {
    return this.#secrets === undefined ? value : value.replace(this.#secrets, REDACTED);
  }

  text(value: string): string {
    let out = this.secrets(value);
    // Cheap tests first: most strings hold no '-' after t/u/a and no 'eyJ'.
    if (/[tua]-/.test(out)) out = out.replace(ACCESS_TOKEN, REDACTED);
    if (out.includes('eyJ')) out = out.replace(JWT, REDACTED);
    return out;
  }

  /**
   * A copy of `value` with every string value scrubbed (keys are data's names, not data, and are
   * kept); non-plain objects pass through. Anything nested deeper than 32 levels is dropped whole.
   */
  deep<T>(value: T): T {
    return this.#deep(value, 0) as T;
  }

  #deep(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (depth > 32) return REDACTED;
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((item) => {
        const scrubbed = this.#deep(item, depth + 1);
        if (scrubbed !== item) changed = true;
        return scrubbed;
      });
      return changed ? out : value;
    }
    const prototype = Object.getPrototypeOf(value) as unknown;
    if (prototype !== Object.prototype && prototype !== null) return value;
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const scrubbed = this.#deep(item, depth + 1);
      if (scrubbed !== item) changed = true;
      out[key] = scrubbed;
    }
    // Unchanged values are returned as they are: no copy on the hot path.
    return changed ? out : value;
  }
}
