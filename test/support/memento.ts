// A Memento that writes the way VS Code's does: ExtensionMemento.update sets the key in the
// extension's state object and hands the whole object to the storage service, which serialises
// it. So every update costs the size of everything the extension keeps, and a store that writes
// one key per user makes a long run quadratic. Values go through JSON, as VS Code stores them.
import type { KeyValueStore } from '../../src/core/badgeState.ts';

export interface FlushingMemento extends KeyValueStore {
  /** Bytes serialised by all updates so far. */
  readonly bytesWritten: number;
  readonly updates: number;
  /** The size of the whole state as stored now. */
  size(): number;
  keys(): string[];
}

export function flushingMemento(initial: Record<string, unknown> = {}): FlushingMemento {
  const state: Record<string, unknown> = JSON.parse(JSON.stringify(initial)) as Record<string, unknown>;
  let bytesWritten = 0;
  let updates = 0;
  return {
    // VS Code hands back the stored object itself.
    get: (key) => state[key],
    update: async (key, value) => {
      if (value === undefined) delete state[key];
      else state[key] = JSON.parse(JSON.stringify(value)) as unknown;
      bytesWritten += JSON.stringify(state).length;
      updates++;
    },
    get bytesWritten() {
      return bytesWritten;
    },
    get updates() {
      return updates;
    },
    size: () => JSON.stringify(state).length,
    keys: () => Object.keys(state),
  };
}
