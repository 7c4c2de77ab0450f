// Issue 11 §1: a bulk run's state costs grow linearly. Through the host's send pipeline with a
// Memento that serialises the whole state on every update (as VS Code's does), bytes written per
// user must not grow with the run, and the stored state stays bounded. Before bounded state, each
// success rewrote the whole checkpoint and wrote one key per user: 1,000 users wrote 280 MB.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { useFeishuServer } from '../support/core.ts';
import { runScaling } from '../support/scaling.ts';

describe('bulk state at scale', () => {
  const server = useFeishuServer();

  test('bytes written to state per user at 4,000 users stay within 1.5x of those at 400; the state stays small', { timeout: 120_000 }, async () => {
    const small = await runScaling(server.url, 400, { prefix: 'small' });
    const large = await runScaling(server.url, 4_000, { prefix: 'large' });
    assert.equal(small.summary.ok, 400, JSON.stringify({ ...small.summary, results: undefined }));
    assert.equal(large.summary.ok, 4_000);
    const perUser = (run: typeof small): number => (run.stateBytes + run.checkpointBytes) / run.users;
    const ratio = perUser(large) / perUser(small);
    console.log(`[scaling] bytes/user: 400 → ${perUser(small).toFixed(0)}, 4,000 → ${perUser(large).toFixed(0)} (ratio ${ratio.toFixed(2)}); state after 4,000: ${large.stateSize} bytes in ${large.stateUpdates} updates`);
    assert.ok(ratio <= 1.5, `bytes per user grew ${ratio.toFixed(2)}x from 400 to 4,000 users`);
    // Bounded per app: 1,000 versions and 1,000 remembered badges, whatever the run.
    assert.ok(large.stateSize < 250_000, `state after 4,000 users is ${large.stateSize} bytes`);
    assert.ok(large.memento.keys().length <= 6, `keys: ${large.memento.keys().join(', ')}`);
  });
});
