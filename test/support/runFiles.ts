// Runs node:test files, each in its own process (node:test `run()`, one call per file, at most
// `concurrency` at once), with three bounds so that no file can wait silently:
//   - per test and per hook: `run({ timeout })` (hooks without a `timeout` of their own get it too);
//   - per file, idle: a file that reports nothing (no test starting, passing or failing) for
//     `idleTimeoutMs` is stopped, and that is a failure naming the file and its last event;
//   - per file, total: `fileTimeoutMs`, likewise.
// `forceExit` ends each file's process once its tests are done, even if something (a server, a
// timer) would keep it alive. Each file's spec output is written when the file ends, so files
// running side by side do not interleave.
import { relative } from 'node:path';
import { Transform } from 'node:stream';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

export interface FileRunOptions {
  /** Files at once (default 2). */
  concurrency?: number;
  /** Per test and per hook without its own timeout. */
  testTimeoutMs: number;
  /** A file reporting nothing for this long is stopped. */
  idleTimeoutMs: number;
  /** A file still running after this long is stopped. */
  fileTimeoutMs: number;
  /** The test processes' environment. */
  env?: NodeJS.ProcessEnv;
  /** Where the spec output goes (default stdout). */
  write?: (text: string) => void;
  /** File names in messages are relative to this (default the working directory). */
  root?: string;
}

export interface Failure {
  file: string;
  /** The failing test, suite or hook's test; the file's name when the file itself failed. */
  name: string;
  /** The error's message, with its cause's when there is one ("failed running before hook" → why). */
  message: string;
}

export interface FileRunResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: Failure[];
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
const SUMMARY = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+$/;

interface ErrorLike {
  message?: unknown;
  failureType?: unknown;
  cause?: unknown;
}

function describeError(error: unknown): string {
  const { message, cause } = (error ?? {}) as ErrorLike;
  const text = typeof message === 'string' ? message : String(error);
  const causeText = cause === undefined || cause === null ? '' : typeof (cause as ErrorLike).message === 'string' ? String((cause as ErrorLike).message) : String(cause);
  return causeText.length > 0 && causeText !== text ? `${text}: ${causeText}` : text;
}

export async function runTestFiles(files: string[], options: FileRunOptions): Promise<FileRunResult> {
  const result: FileRunResult = { passed: 0, failed: 0, skipped: 0, failures: [] };
  const queue = [...files];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) await runFile(file, options, result);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 2, files.length)) }, worker));
  return result;
}

async function runFile(file: string, options: FileRunOptions, result: FileRunResult): Promise<void> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const name = relative(options.root ?? process.cwd(), file);
  const controller = new AbortController();
  let last = 'none (the file was still loading)';
  const stop = (why: string): void => {
    if (!controller.signal.aborted) controller.abort(new Error(`test file ${name} ${why}; stopped it (last event: ${last})`));
  };
  let idle: ReturnType<typeof setTimeout> | undefined;
  const alive = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => stop(`reported nothing for ${seconds(options.idleTimeoutMs)}`), options.idleTimeoutMs);
  };
  const total = setTimeout(() => stop(`did not finish within ${seconds(options.fileTimeoutMs)}`), options.fileTimeoutMs);
  alive();

  const stream = run({
    files: [file],
    timeout: options.testTimeoutMs,
    forceExit: true,
    signal: controller.signal,
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  for (const type of ['test:enqueue', 'test:dequeue', 'test:start', 'test:pass', 'test:fail', 'test:complete', 'test:plan', 'test:diagnostic', 'test:stdout', 'test:stderr'] as const) {
    stream.on(type, alive);
  }
  stream.on('test:start', (event) => (last = `started "${event.name}"`));
  stream.on('test:pass', (event) => {
    last = `"${event.name}" passed`;
    // Only leaf tests count; suites (describe) report as tests with children too.
    if (event.details.type !== 'suite') {
      if (event.skip !== undefined || event.todo !== undefined) result.skipped++;
      else result.passed++;
    }
  });
  stream.on('test:fail', (event) => {
    last = `"${event.name}" failed`;
    const error = event.details.error as ErrorLike | undefined;
    // Leaf tests count, and so does a suite whose `after` hook failed (every test in it may have
    // passed). A failed `before` hook is counted through the tests it cancelled.
    const afterHook = error?.failureType === 'hookFailed' && /running after/.test(String(error.message));
    if (event.details.type !== 'suite' || afterHook) result.failed++;
    result.failures.push({ file: name, name: event.name, message: describeError(error) });
  });

  // The summary lines (tests, pass, fail …) are per run, i.e. per file here: the caller prints totals.
  const withoutSummary = new Transform({
    objectMode: true,
    transform(event: { type: string; data: { nesting?: number; message?: string } }, _encoding, done) {
      if (event.type === 'test:diagnostic' && event.data.nesting === 0 && SUMMARY.test(event.data.message ?? '')) done();
      else done(null, event);
    },
  });
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const out = stream.compose(withoutSummary).compose(spec());
      out.on('data', (chunk: string | Buffer) => (output += chunk.toString()));
      out.on('end', resolve);
      out.on('error', reject);
    });
  } finally {
    clearTimeout(idle);
    clearTimeout(total);
    write(output);
  }
}
