// Starts benchServer.ts in a child process and talks to it over IPC, one request at a time.
import { fork } from 'node:child_process';
import type { BenchServerRequest } from './benchServer.ts';

export interface BenchServer {
  readonly url: string;
  /** Sends a request and resolves with the first message of type `reply`. */
  call<T>(message: BenchServerRequest, reply: string): Promise<T>;
  close(): void;
}

export async function startBenchServer(): Promise<BenchServer> {
  const child = fork(new URL('./benchServer.ts', import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { url } = await new Promise<{ url: string }>((resolve) => child.once('message', (m) => resolve(m as { url: string })));
  return {
    url,
    call<T>(message: BenchServerRequest, reply: string): Promise<T> {
      return new Promise((resolve) => {
        const listener = (answer: { type: string }): void => {
          if (answer.type === reply) {
            child.off('message', listener);
            resolve(answer as T);
          }
        };
        child.on('message', listener);
        child.send(message);
      });
    },
    close(): void {
      child.send({ type: 'close' } satisfies BenchServerRequest);
    },
  };
}
