import type * as vscode from 'vscode';
import { logField } from '../core/result.ts';

const WRITERS = new Set<PropertyKey>(['trace', 'debug', 'info', 'warn', 'error', 'appendLine', 'append']);

/**
 * The log channel, with every line passed through `logField`: CR, LF and other control characters
 * escaped, so nothing a caller or a server supplies (a user ID, a field name, a profile name, an
 * App ID) can start a forged log line. One place for every line, present and future.
 */
export function lineSafeLog(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(channel, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (!WRITERS.has(property) || typeof value !== 'function') return value;
      return (message: unknown, ...rest: unknown[]) => {
        const text = message instanceof Error ? `${message.name}: ${message.message}` : String(message);
        (value as (...args: unknown[]) => void).call(target, logField(text, 2_000), ...rest);
      };
    },
  });
}
