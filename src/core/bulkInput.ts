import Papa from 'papaparse';
import { formatMessage } from './messages.ts';
import type { ClientBadgeNum } from './types.ts';

/** A row the file parser could not turn into an item; line numbers are 1-based, header = 1. */
export interface RowProblem {
  line: number;
  id: 'csv.syntax' | 'csv.count' | 'csv.missingColumn' | 'csv.unknownColumn' | 'csv.duplicateColumn' | 'json.syntax' | 'json.shape';
  /** English text; `csv.unknownColumn` and `csv.duplicateColumn` are also message ids, with `params`. */
  detail: string;
  params?: Record<string, string>;
}

export interface ParsedBulkInput {
  items: Array<Record<string, unknown>>;
  /** The input line of each item, for messages. */
  lines: number[];
  problems: RowProblem[];
}

export const CSV_COLUMNS = ['user_id', 'user_id_type', 'email', 'mobile', 'pc_web_app', 'pc_gadget', 'mobile_web_app', 'mobile_gadget'] as const;

/** Edit distance (insertions, deletions, substitutions), one row at a time. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The valid column nearest to `name` (case and surrounding spaces ignored); the first on a tie. */
export function closestColumn(name: string): string {
  const wanted = name.trim().toLowerCase();
  let best: string = CSV_COLUMNS[0];
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const column of CSV_COLUMNS) {
    const distance = levenshtein(wanted, column);
    if (distance < bestDistance) {
      best = column;
      bestDistance = distance;
    }
  }
  return best;
}

/** The header row as written, cut by the same delimiter and skipping the same empty lines. */
function rawHeader(text: string, delimiter: string): string[] {
  let header: string[] = [];
  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: 'greedy',
    step: (row, parser) => {
      header = row.data;
      parser.abort();
    },
  });
  return header;
}

/**
 * Unknown and duplicate columns, read from the header as written: papaparse renames a second
 * `pc_web_app` to `pc_web_app_1` (or, after a blank first line, silently keeps the last copy).
 */
function headerProblems(header: readonly string[]): RowProblem[] {
  const problems: RowProblem[] = [];
  const positions = new Map<string, { written: string; at: number[] }>();
  header.forEach((cell, index) => {
    const name = cell.trim().toLowerCase();
    if (name === '') return; // a trailing comma, not a column
    const seen = positions.get(name);
    if (seen === undefined) positions.set(name, { written: cell.trim(), at: [index + 1] });
    else seen.at.push(index + 1);
  });
  const problem = (id: 'csv.unknownColumn' | 'csv.duplicateColumn', params: Record<string, string>): RowProblem => ({ line: 1, id, detail: formatMessage(id, 'en', params), params });
  for (const [name, { at }] of positions) {
    if (at.length > 1) problems.push(problem('csv.duplicateColumn', { column: name, positions: at.join(', ') }));
  }
  for (const [name, { written }] of positions) {
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      problems.push(problem('csv.unknownColumn', { column: written, suggestion: closestColumn(name), expected: CSV_COLUMNS.join(', ') }));
    }
  }
  return problems;
}

function count(raw: string): number | string | undefined {
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  // Keep text that is not a number as text: the schema then names the row's field.
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Turns one CSV row into a badge input; empty count cells are left out. */
function rowToItem(row: Record<string, string>): Record<string, unknown> {
  const userId = (row.user_id ?? '').trim();
  const email = (row.email ?? '').trim();
  const phone = (row.mobile ?? '').trim();
  // A row names its person by user_id, or else by email or mobile number (resolved before
  // sending). The number goes in `phone`: `mobile` is the mobile client's counts.
  const item: Record<string, unknown> = userId === '' && email !== '' ? { email } : userId === '' && phone !== '' ? { phone } : { user_id: userId };
  const type = (row.user_id_type ?? '').trim();
  if (type !== '') item.user_id_type = type;
  for (const client of ['pc', 'mobile'] as const) {
    const out: Record<string, unknown> = {};
    const webApp = count(row[`${client}_web_app`] ?? '');
    const gadget = count(row[`${client}_gadget`] ?? '');
    if (webApp !== undefined) out.web_app = webApp;
    if (gadget !== undefined) out.gadget = gadget;
    if (Object.keys(out).length > 0) item[client] = out;
  }
  return item;
}

/**
 * Parses a CSV with the columns user_id, user_id_type, pc_web_app, pc_gadget, mobile_web_app,
 * mobile_gadget (header row required, any order, case and spaces ignored). An unknown column (a
 * likely typo) or one given twice blocks the whole file: no items, only the header problems.
 * Quoting, BOMs and CRLF are the CSV library's job; validation of values is the schema's.
 */
export function parseBulkCsv(text: string): ParsedBulkInput {
  const input = text.replace(/^\uFEFF/, '');
  const parsed = Papa.parse<Record<string, string>>(input, { header: true, skipEmptyLines: 'greedy', transformHeader: (h) => h.trim().toLowerCase() });
  const problems: RowProblem[] = [];
  const fields = parsed.meta.fields ?? [];
  if (!fields.includes('user_id') && !fields.includes('email') && !fields.includes('mobile')) {
    problems.push({ line: 1, id: 'csv.missingColumn', detail: 'user_id' });
    return { items: [], lines: [], problems };
  }
  problems.push(...headerProblems(rawHeader(input, parsed.meta.delimiter)));
  if (problems.length > 0) {
    return { items: [], lines: [], problems };
  }
  const badRows = new Set<number>();
  for (const error of parsed.errors) {
    const row = error.row ?? -1;
    badRows.add(row);
    problems.push({ line: row + 2, id: error.type === 'FieldMismatch' ? 'csv.count' : 'csv.syntax', detail: error.message });
  }
  const items: Array<Record<string, unknown>> = [];
  const lines: number[] = [];
  parsed.data.forEach((row, index) => {
    if (badRows.has(index)) return;
    items.push(rowToItem(row));
    lines.push(index + 2);
  });
  return { items, lines, problems };
}

/** Parses a JSON array of items in the setBadge argument shape (or `{ items: [...] }`). */
export function parseBulkJson(text: string): ParsedBulkInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { items: [], lines: [], problems: [{ line: 1, id: 'json.syntax', detail: error instanceof Error ? error.message : String(error) }] };
  }
  const list = Array.isArray(value) ? value : typeof value === 'object' && value !== null && Array.isArray((value as { items?: unknown }).items) ? (value as { items: unknown[] }).items : undefined;
  if (list === undefined) {
    return { items: [], lines: [], problems: [{ line: 1, id: 'json.shape', detail: 'expected an array of { user_id, pc, mobile, ... } or { items: [...] }' }] };
  }
  const items: Array<Record<string, unknown>> = [];
  const lines: number[] = [];
  const problems: RowProblem[] = [];
  list.forEach((item, index) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      items.push(item as Record<string, unknown>);
      lines.push(index + 1);
    } else {
      problems.push({ line: index + 1, id: 'json.shape', detail: `item ${index + 1} is not an object` });
    }
  });
  return { items, lines, problems };
}

/** A phone number as the platform looks it up: full-width characters folded, separators dropped. */
export function normalizeMobile(text: string): string {
  return text.normalize('NFKC').replace(/[\s()\-.\u00a0]/gu, '');
}

const PHONE_CHUNK = /^\+?[\d\s()\-.]{5,}$/u;

/**
 * Splits a pasted list into entries: by lines, commas and semicolons (ASCII or full-width), then
 * by spaces, except inside a phone number written with spaces (`+1 415 555 0100`). An address
 * written `Ann Lee <ann@example.com>` gives its email.
 */
export function splitEntries(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\r\n,，;；、]+/u)) {
    const chunk = raw.normalize('NFKC').replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim();
    if (chunk === '') continue;
    const address = /<([^<>\s]+@[^<>\s]+)>/u.exec(chunk)?.[1];
    if (address !== undefined) out.push(address);
    else if (PHONE_CHUNK.test(chunk)) out.push(chunk);
    else out.push(...chunk.split(/\s+/u).filter((part) => part !== ''));
  }
  return out;
}

/**
 * A list of user ids (one per line, or separated by commas / spaces) with one set of counts. An
 * entry with an @ is an email, one starting with + a phone number: both are resolved to IDs
 * before sending (a bare number may be a tenant user_id, so it stays one).
 */
export function itemsForUsers(text: string, counts: { pc?: ClientBadgeNum; mobile?: ClientBadgeNum }, userIdType?: string): Array<Record<string, unknown>> {
  const ids = [...new Set(splitEntries(text))];
  return ids.map((id) => ({
    ...(id.includes('@') ? { email: id } : id.startsWith('+') ? { phone: normalizeMobile(id) } : { user_id: id }),
    ...(userIdType === undefined ? {} : { user_id_type: userIdType }),
    ...counts,
  }));
}

/**
 * The email or phone number an item names its person by, when it has no user_id: `email`, or
 * `phone`, or `mobile` given as text (the issue's name; as an object `mobile` is the mobile
 * client's counts). `value` is what is looked up (a phone number normalised), `input` as given.
 */
export function contactOf(item: unknown): { source: 'email' | 'mobile'; value: string; input: string } | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  if (typeof record.user_id === 'string' && record.user_id.trim() !== '') return undefined;
  if (typeof record.email === 'string' && record.email.trim() !== '') return { source: 'email', value: record.email.normalize('NFKC').trim(), input: record.email.trim() };
  for (const field of ['phone', 'mobile'] as const) {
    const raw = record[field];
    if (typeof raw === 'string' && raw.trim() !== '') return { source: 'mobile', value: normalizeMobile(raw), input: raw.trim() };
  }
  return undefined;
}

/** The item with its resolved ID in place of the email or phone number; counts (a `mobile` object included) unchanged. */
export function withResolvedId(item: Record<string, unknown>, id: string, userIdType: string): Record<string, unknown> {
  const { email: _email, phone: _phone, user_id: _userId, ...rest } = item;
  if (typeof rest.mobile === 'string') delete rest.mobile;
  return { ...rest, user_id: id, user_id_type: userIdType };
}

/**
 * The file name an export of bulk results suggests, in local time to the minute:
 * `feishu-badge-bulk-2026-12-03T10-00.csv` (no colons: they are not allowed in Windows file names).
 */
export function bulkExportFileName(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `feishu-badge-bulk-${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}-${two(at.getMinutes())}.csv`;
}

/** What a spreadsheet reads as the start of a formula. */
// Also after leading spaces (ASCII, no-break, full-width) and with the full-width signs, which
// some spreadsheets read as formulae too.
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r\n]/;

/**
 * Per-user results as CSV (RFC 4180): failures carry the code, the log ID and what to do about
 * them. Text cells that a spreadsheet would run as a formula start with a ' (see below).
 */
export function bulkResultsCsv(
  results: ReadonlyArray<{ index: number; userId: string; userIdType: string; status: string; result?: { ok: boolean; code?: number; httpStatus?: number; logId?: string; attempts: number; version?: string; error?: string; msg?: string; guidance?: { title: string; steps: readonly string[] } }; issues?: ReadonlyArray<{ path: string; id: string }>; hold?: { reason: string; detail: string; input?: string }; recipient?: string }>,
): string {
  const rows = results.map((item) => ({
    row: item.index + 1,
    user_id: item.userId,
    user_id_type: item.userIdType,
    status: item.status,
    code: item.result?.code ?? '',
    http_status: item.result?.httpStatus ?? '',
    log_id: item.result?.logId ?? '',
    attempts: item.result?.attempts ?? 0,
    version: item.result?.version ?? '',
    error: item.result?.error ?? (item.hold !== undefined ? item.hold.reason : item.issues === undefined ? '' : 'validation'),
    message: item.result?.msg ?? item.hold?.detail ?? (item.issues ?? []).map((issue) => `${issue.path || 'body'}: ${issue.id}`).join('; '),
    guidance: item.result?.ok === true || item.result?.guidance === undefined ? '' : [item.result.guidance.title, ...item.result.guidance.steps].join(' | '),
    recipient: item.recipient ?? item.hold?.input ?? '',
  }));
  // A cell starting with = + - @ (or tab / CR) would run as a formula in a spreadsheet (OWASP
  // "CSV injection"): Papa prefixes it with ' and quotes it. Our own regex, because the library's
  // default (`.*$` without the s flag) misses a cell with a line break; numbers are never touched.
  return Papa.unparse(rows, { escapeFormulae: FORMULA_START, columns: ['row', 'user_id', 'user_id_type', 'status', 'code', 'http_status', 'log_id', 'attempts', 'version', 'error', 'message', 'guidance', 'recipient'] });
}
