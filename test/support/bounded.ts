// Time bounds with names: a wait that never ends becomes an error saying what was awaited, not a
// silent hang. Hooks pass node:test a `timeout` too (the backstop); `within` fires a little earlier
// so that the failure names the step instead of "test timed out".
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** The longest any hook may take (node:test `timeout` option): a hang fails within two minutes. */
export const HOOK_TIMEOUT_MS = 110_000;

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/**
 * Runs `action`; rejects with a TimeoutError naming `what` (and the last step `action` reported
 * through `step`) when it has not settled within `ms`. The signal is aborted then, so the action
 * can stop what it started.
 */
export async function within<T>(what: string, ms: number, action: (step: (current: string) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
  let current: string | undefined;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(`${what}: not done within ${seconds(ms)}${current === undefined ? '' : ` (still waiting for: ${current})`}`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([action((step) => (current = step), controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Killed because `timeoutMs` passed. */
  timedOut: boolean;
}

/**
 * Kills a child's whole process group (it must be spawned `detached`) after `timeoutMs` or when
 * `signal` aborts. Call `done()` once the child has closed.
 */
export function guardChild(child: ChildProcess, timeoutMs: number, signal?: AbortSignal): { done: () => void; timedOut: () => boolean } {
  let timedOut = false;
  const kill = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  signal?.addEventListener('abort', kill, { once: true });
  return {
    done: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
    },
    timedOut: () => timedOut,
  };
}

/**
 * Runs a command in its own process group, collecting its output, and kills the whole group
 * after `timeoutMs` or when `signal` aborts (then the promise rejects with the signal's reason).
 * Unlike spawnSync it leaves the event loop free, so hook timeouts and watchdogs keep working.
 */
export function runChild(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number; signal?: AbortSignal },
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted === true) {
      reject(options.signal.reason);
      return;
    }
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const guard = guardChild(child, options.timeoutMs, options.signal);
    child.once('error', (error) => {
      guard.done();
      reject(error);
    });
    child.once('close', (status) => {
      guard.done();
      if (options.signal?.aborted === true) reject(options.signal.reason);
      else resolve({ status, stdout, stderr, timedOut: guard.timedOut() });
    });
  });
}
