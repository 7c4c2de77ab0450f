// `npm run sandbox`: try the extension by hand against the local Feishu-like server, in
// code-server (VS Code in the browser) with the extension installed from a freshly packaged
// dist/feishu-badge.vsix, exactly as a user would install it. Prints the URL to open, the
// sandbox App ID and App Secret (a fake local app: printing them is intended) and the sample
// users; stays up until Ctrl-C, then stops everything and deletes its folder
// (KEEP_TEST_RUN=1 keeps it). Ports: SANDBOX_PORT (default 18081) for code-server and
// SANDBOX_FEISHU_PORT (default 18080) for the Feishu-like server, or free ones when taken.
// Everything listens on 127.0.0.1 only.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { runChild } from '../support/bounded.ts';
import { cleanChildEnv } from '../support/cleanEnv.ts';
import { isMainModule } from '../support/isMain.ts';
import { DEFAULT_APP, startFeishuServer } from '../support/feishuServer.ts';
import type { AppConfig, FeishuServer, UserStatus } from '../support/feishuServer.ts';
import { preferredPort, QUIET_SETTINGS, sessionEnv, shortTempDir, startCodeServer, writeUserSettings } from '../integration/codeServer.ts';
import type { CodeServer, Session } from '../integration/codeServer.ts';
import { provision, repoRoot } from '../integration/provision.ts';
import type { Provisioned } from '../integration/provision.ts';

export interface SandboxUser {
  id: string;
  status: UserStatus;
  demonstrates: string;
  /** Found by Find User IDs and the form's Find ID (issue 10). */
  email: string;
  name: string;
}

export const SANDBOX_USERS: readonly SandboxUser[] = [
  { id: 'ou_sandbox_alice', email: 'alice@sandbox.example', name: 'Alice', status: 'ok', demonstrates: 'the default user (feishuBadge.defaultUserId): set and clear badges, the status-bar quick clear' },
  { id: 'ou_sandbox_bob', email: 'bob@sandbox.example', name: 'Bob', status: 'ok', demonstrates: 'a second valid user: switch targets, recent users, versions kept per user' },
  { id: 'ou_sandbox_invisible', email: 'invisible@sandbox.example', name: 'Ivy', status: 'invisible', demonstrates: 'error 213007 "user is invisible" (the app cannot see this user) and its guidance' },
  { id: 'ou_sandbox_inactive', email: 'inactive@sandbox.example', name: 'Ian', status: 'inactive', demonstrates: 'error 213006 "user status not valid" (resigned / deactivated user) and its guidance' },
];

export interface Sandbox {
  /** The URL to open: the workbench with the sandbox folder. */
  url: string;
  feishuUrl: string;
  app: AppConfig;
  users: readonly SandboxUser[];
  dir: string;
  session: Session;
  provisioned: Provisioned;
  codeServer: CodeServer;
  feishu: FeishuServer;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  log?: (line: string) => void;
  /** Print every request the Feishu-like server answers (never bodies of token requests). */
  traceRequests?: boolean;
  /**
   * What is already provisioned (e.g. `locateProvisioned()` in a test hook, after test/run.ts
   * provisioned up front); without it `provision()` installs what is missing.
   */
  provisioned?: Provisioned;
  /** Told which step is running, so a caller's timeout can say what it waited for. */
  step?: (current: string) => void;
  /** Aborts packaging and the extension install (their process groups are killed). */
  signal?: AbortSignal;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

const PACKAGE_TIMEOUT_MS = 5 * 60_000;

async function packageVsix(log: (line: string) => void, node: string, signal: AbortSignal | undefined): Promise<string> {
  const started = performance.now();
  // A clean environment: under `npm run sandbox` / `npm test` the outer npm's npm_* variables
  // would otherwise configure this nested npm.
  const env = cleanChildEnv(process.env, { PATH: [join(repoRoot, 'node_modules', '.bin'), dirname(node), process.env['PATH'] ?? ''].join(delimiter) });
  const result = await runChild('npm', ['run', '--silent', 'package'], { cwd: repoRoot, env, timeoutMs: PACKAGE_TIMEOUT_MS, signal });
  const vsix = join(repoRoot, 'dist', 'feishu-badge.vsix');
  if (result.status !== 0 || !existsSync(vsix)) {
    const why = result.timedOut ? `timed out after ${seconds(PACKAGE_TIMEOUT_MS)}` : `exit ${result.status}`;
    throw new Error(`npm run package failed (${why}):\n${result.stdout}${result.stderr}`);
  }
  log(`[sandbox] packaged ${vsix} in ${seconds(performance.now() - started)}`);
  return vsix;
}

async function startFeishu(port: number): Promise<FeishuServer> {
  try {
    return await startFeishuServer({ apps: [DEFAULT_APP], port });
  } catch {
    return startFeishuServer({ apps: [DEFAULT_APP], port: 0 });
  }
}

function describeRequest(request: FeishuServer['requests'][number]): string {
  const where = `${request.method} ${request.path}`;
  const outcome = `${request.status}${request.code === undefined ? '' : ` code ${request.code}`} (log ID ${request.logId})`;
  if (request.route === 'badge') {
    const body = request.body as { user_id?: unknown; pc?: unknown; mobile?: unknown } | undefined;
    return `${where} user ${String(body?.user_id ?? '?')} pc ${JSON.stringify(body?.pc ?? null)} mobile ${JSON.stringify(body?.mobile ?? null)} → ${outcome}`;
  }
  return `${where} → ${outcome}`; // token requests carry the App Secret: never print bodies
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? ((line: string) => console.log(line));
  const step = options.step ?? (() => undefined);
  step('provisioning (Chromium, code-server)');
  const provisioned = options.provisioned ?? (await provision(log, { signal: options.signal }));
  step('packaging the extension (npm run package)');
  const vsix = await packageVsix(log, provisioned.node, options.signal);

  const dir = shortTempDir('fbsb-');
  const session = sessionEnv(dir, provisioned.node);
  const userDataDir = join(dir, 'ud');
  const extensionsDir = join(dir, 'ext');
  const workspace = join(dir, 'ws');
  mkdirSync(workspace, { recursive: true });
  let feishu: FeishuServer | undefined;
  let codeServer: CodeServer | undefined;
  let trace: ReturnType<typeof setInterval> | undefined;
  const stop = async (): Promise<void> => {
    clearInterval(trace);
    await codeServer?.stop();
    await feishu?.close();
    if (process.env['KEEP_TEST_RUN'] === '1') log(`[sandbox] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
  try {
    step('starting the Feishu-like server');
    feishu = await startFeishu(Number(process.env['SANDBOX_FEISHU_PORT'] ?? 18080));
    for (const user of SANDBOX_USERS) {
      feishu.setUserStatus(user.id, user.status);
      // In the directory too, under the same open_id, so Find ID and Diagnose have someone to find.
      const userId = user.id.replace(/^ou_/, 'u_');
      feishu.addPerson({ userId, openId: user.id, email: user.email, name: user.name, ...(user.status === 'inactive' ? { status: { is_frozen: true } } : {}) });
      if (user.status === 'invisible') feishu.configureApp(DEFAULT_APP.appId, { hiddenFrom: [userId] });
    }

    step('installing the vsix into code-server (code-server --install-extension)');
    const installStarted = performance.now();
    const installTimeoutMs = 2 * 60_000;
    const install = await runChild(
      provisioned.node,
      [provisioned.codeServerEntry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'],
      { cwd: dir, env: session.env, timeoutMs: installTimeoutMs, signal: options.signal },
    );
    if (install.status !== 0) {
      const why = install.timedOut ? `timed out after ${seconds(installTimeoutMs)}` : `exit ${install.status}`;
      throw new Error(`code-server --install-extension failed (${why}):\n${install.stdout}${install.stderr}`);
    }
    log(`[sandbox] installed the vsix into ${extensionsDir} in ${seconds(performance.now() - installStarted)}`);

    writeUserSettings(userDataDir, {
      ...QUIET_SETTINGS,
      'feishuBadge.domain': 'custom',
      'feishuBadge.customBaseUrl': feishu.url,
      'feishuBadge.defaultUserId': 'ou_sandbox_alice',
      'workbench.startupEditor': 'readme', // opens the README.md below
    });
    writeFileSync(join(workspace, 'README.md'), sandboxNotes(feishu.url));

    const port = await preferredPort(Number(process.env['SANDBOX_PORT'] ?? 18081));
    step('starting code-server (waiting for /healthz)');
    codeServer = await startCodeServer({
      provisioned,
      session,
      userDataDir,
      extensionsDir,
      logFile: join(dir, 'code-server.log'),
      port,
      args: [workspace],
      testDriver: false,
    });
    if (options.traceRequests === true) {
      const server = feishu;
      let seen = 0;
      trace = setInterval(() => {
        // Only answered requests: status is set when the reply is sent.
        while (seen < server.requests.length && (server.requests[seen]?.status ?? 0) !== 0) {
          const request = server.requests[seen++];
          if (request !== undefined) log(`[feishu] ${describeRequest(request)}`);
        }
      }, 500);
      trace.unref();
    }
    const url = `${codeServer.url}/?${new URLSearchParams({ folder: workspace }).toString()}`;
    return { url, feishuUrl: feishu.url, app: DEFAULT_APP, users: SANDBOX_USERS, dir, session, provisioned, codeServer, feishu, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function sandboxNotes(feishuUrl: string): string {
  const users = SANDBOX_USERS.map((user) => `- \`${user.id}\` (${user.email}): ${user.demonstrates}`).join('\n');
  return `# Feishu Badge sandbox

The settings already point the extension at a local Feishu-like server (${feishuUrl}).

1. Open the **Feishu Badge** view in the activity bar: on this first run its four-step walkthrough
   opens beside it.
2. **Connect your app** (or run **Feishu Badge: Configure Credentials**) with App ID
   \`${DEFAULT_APP.appId}\` and App Secret \`${DEFAULT_APP.appSecret}\` (a fake local app).
3. Send from the form, or run **Feishu Badge: Set Badge…**.

Sample users:

${users}

Each is also in the sandbox's directory by email: try **Feishu Badge: Find User IDs…**, type an
email in the form's user field (*Find ID*), and *Diagnose* the last two to see why they get no red
dot. Any open_id that does not start with \`ou_\` gets 99992351; a wrong App Secret gets 10015.
`;
}


async function main(): Promise<void> {
  const sandbox = await startSandbox({ traceRequests: true });
  const lines = [
    '',
    '  Feishu Badge sandbox is running (Ctrl-C stops it)',
    '',
    `  Open:        ${sandbox.url}`,
    `               (bound to 127.0.0.1; from another machine: ssh -L ${sandbox.codeServer.port}:127.0.0.1:${sandbox.codeServer.port} <this host>)`,
    `  Feishu API:  ${sandbox.feishuUrl}  (local fake, already set as feishuBadge.customBaseUrl)`,
    `  App ID:      ${sandbox.app.appId}`,
    `  App Secret:  ${sandbox.app.appSecret}   (fake local app; enter both with "Feishu Badge: Configure Credentials")`,
    '',
    '  Sample users (also found by email with Find User IDs and the form\'s Find ID; Diagnose explains the last two):',
    ...sandbox.users.map((user) => `    ${user.id.padEnd(22)} ${user.email.padEnd(26)} ${user.demonstrates}`),
    '',
    `  Folder:      ${sandbox.dir}`,
    '',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    console.log('\n[sandbox] stopping ...');
    const force = setTimeout(() => process.exit(code), 15_000);
    force.unref();
    sandbox.stop().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  sandbox.codeServer.child.once('exit', (code, signal) => {
    if (stopping) return;
    let tail = '';
    try {
      tail = readFileSync(join(sandbox.dir, 'code-server.log'), 'utf8').trimEnd().split('\n').slice(-20).join('\n');
    } catch {
      // no log
    }
    console.error(`[sandbox] code-server exited (${code ?? signal}):\n${tail}`);
    shutdown(1);
  });
}

if (isMainModule(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`[sandbox] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
