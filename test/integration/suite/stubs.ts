// Answers the window's questions the way a person would, and records what was asked: the
// extension and the suites share one `vscode.window`, so replacing a method here replaces it for
// the extension too (as profiles.test.ts does for the production confirmation).
import * as vscode from 'vscode';

type WindowMethod = 'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage' | 'showInputBox' | 'showQuickPick' | 'showSaveDialog';
type Call = { args: unknown[] };

export interface Stub {
  /** Every call, in order. */
  readonly calls: Call[];
  restore(): void;
}

/**
 * Replaces `vscode.window[name]` with `answer` until `restore()`. `answer` gets the call's
 * arguments and the original method (to pass a call through).
 */
export function stubWindow(name: WindowMethod, answer: (args: unknown[], original: (...args: unknown[]) => unknown) => unknown): Stub {
  const window = vscode.window as unknown as Record<WindowMethod, (...args: unknown[]) => unknown>;
  const original = window[name];
  const passThrough = (...args: unknown[]): unknown => original.call(vscode.window, ...args);
  const calls: Call[] = [];
  window[name] = (...args: unknown[]) => {
    calls.push({ args });
    return Promise.resolve(answer(args, passThrough));
  };
  return {
    calls,
    restore: () => {
      window[name] = original;
    },
  };
}

/** The message (first argument) of each call. */
export const messages = (stub: Stub): string[] => stub.calls.map((call) => String(call.args[0]));

/** Restores every stub, whatever happened. */
export async function withStubs<T>(stubs: Stub[], body: () => PromiseLike<T>): Promise<T> {
  try {
    return await body();
  } finally {
    for (const stub of stubs) stub.restore();
  }
}
