// The recipients part of `npm run bench` (issue 10): a bulk run of 1,000 recipients given by
// email, with the pre-flight, against the local Feishu-like server (its own process): resolve
// the emails (batch_get_id, 50 per call), check status (users/batch, 50 per call) and visibility
// (100 per call), then send to the sendable ones only, through the core pipeline the bulk command
// uses (resolveContacts, preflight, runBulk with the held items). Contact calls are paced by the
// client within 50/s and 1,000/min; the server's badge limit is 50/s (limit header on the 429 only).
//   BENCH_RECIPIENTS_USERS=1000   recipients (comma-separated sizes)
import { loadavg } from 'node:os';
import { runBulk } from '../../src/core/bulk.ts';
import type { BulkHold } from '../../src/core/bulk.ts';
import { RateWindow } from '../../src/core/openApi.ts';
import { preflight } from '../../src/core/preflight.ts';
import { resolveContacts } from '../../src/core/recipients.ts';
import { makeCore } from '../support/core.ts';
import type { BenchReport, ContactReport } from './benchServer.ts';
import type { BenchServer } from './serverProcess.ts';

const SIZES = (process.env.BENCH_RECIPIENTS_USERS ?? '1000').split(',').map((n) => Number(n.trim()));
const LIMIT = 50;
const RESIGNED_EVERY = 20;
const HIDDEN_EVERY = 25;
/** Emails nobody has, on top of the directory's. */
const UNKNOWN = 10;

export async function runRecipientsBench(server: BenchServer): Promise<void> {
  console.log(`\n## Recipients: bulk by email with pre-flight (Node ${process.version}, load ${loadavg()[0]?.toFixed(1)})\n`);
  console.log('Every 20th person has left, every 25th is on the black list, plus 10 unknown emails; badge limit 50/s (header on the 429 only), contact calls paced at 49/s and 990/min.\n');
  console.log('| recipients | resolve (calls) | pre-flight (calls) | send (requests) | total | sent / held | contact calls: peak per s / per min | send time / floor | total / send floor |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const size of SIZES) {
    await server.call({ type: 'reset', rateLimit: { limit: LIMIT, windowMs: 1000, headers: 'on429' } }, 'reset');
    await server.call({ type: 'people', count: size, resignedEvery: RESIGNED_EVERY, hiddenEvery: HIDDEN_EVERY }, 'people');
    const { transport, tokens, client } = makeCore({ url: server.url }, { timeoutMs: 10_000, retry: { backoffBaseMs: 300, backoffMaxMs: 5_000 } });
    const pace = RateWindow.contact().acquire;
    const emails = [...Array.from({ length: size }, (_, i) => `person${i}@bench.example`), ...Array.from({ length: UNKNOWN }, (_, i) => `nobody${i}@bench.example`)];
    const items = emails.map((email) => ({ email, pc: { web_app: 2 }, mobile: { web_app: 2 } }));

    const started = performance.now();
    const resolved = await resolveContacts(transport, tokens, { emails }, undefined, pace);
    const resolvedAt = performance.now();
    const hold = new Map<number, BulkHold>();
    const idOf = new Map(resolved.users.map((user) => [user.email?.toLowerCase() ?? '', user.id]));
    const toSend = items.map((item, index) => {
      const id = idOf.get(item.email.toLowerCase());
      if (id === undefined) {
        hold.set(index, { status: 'unresolved', reason: 'recipient.no-such-person', detail: '', input: item.email });
        return item;
      }
      return { user_id: id, pc: item.pc, mobile: item.mobile };
    });
    const ids = resolved.users.map((user) => user.id);
    const checked = await preflight(transport, tokens, { appId: 'cli_sandbox_app', userIds: ids }, { pace });
    const checkedAt = performance.now();
    const heldIds = new Map<string, BulkHold['status']>();
    for (const entry of checked.notVisible) heldIds.set(entry.id, 'not-visible');
    for (const entry of checked.inactive) heldIds.set(entry.id, 'inactive');
    for (const entry of checked.unknown) heldIds.set(entry.id, 'unknown');
    toSend.forEach((item, index) => {
      const status = 'user_id' in item ? heldIds.get(item.user_id) : undefined;
      if (status !== undefined) hold.set(index, { status, reason: 'preflight', detail: '' });
    });
    const contact = await server.call<ContactReport>({ type: 'contactReport' }, 'contactReport');
    const summary = await runBulk(client, toSend, { hold, concurrency: 4 });
    const done = performance.now();
    const badges = await server.call<BenchReport>({ type: 'report' }, 'report');

    const resolveCalls = contact.byPath['/open-apis/contact/v3/users/batch_get_id'] ?? 0;
    const preflightCalls = (contact.byPath['/open-apis/contact/v3/users/batch'] ?? 0) + (contact.byPath['/open-apis/application/v6/applications/:app_id/visibility/check_white_black_list'] ?? 0);
    const sendMs = done - checkedAt;
    const floorMs = (summary.ok / LIMIT) * 1000;
    console.log(
      `| ${size.toLocaleString('en-US')} | ${((resolvedAt - started) / 1000).toFixed(2)} s (${resolveCalls}) | ${((checkedAt - resolvedAt) / 1000).toFixed(2)} s (${preflightCalls}) | ${(sendMs / 1000).toFixed(2)} s (${badges.badgeRequests}) | ${((done - started) / 1000).toFixed(2)} s | ${summary.ok} / ${summary.held ?? 0} | ${contact.peakPerSecond} / ${contact.peakPerMinute} | ${(sendMs / floorMs).toFixed(3)} | ${((done - started) / floorMs).toFixed(3)} |`,
    );
    if (summary.failed > 0 || badges.byCode['213006'] !== undefined || badges.byCode['213007'] !== undefined) {
      console.log(`  unexpected: ${summary.failed} failed; badge answers by code ${JSON.stringify(badges.byCode)}`);
    }
  }
}
