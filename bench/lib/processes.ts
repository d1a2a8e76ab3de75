// Servers under test run in processes of their own, so the load generator (this
// process) does not share their event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** CPU seconds (user + system) a process has used, all its threads. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Running {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Resolves with what the child printed once its stdout matches the pattern. */
async function waitFor(child: ChildProcess, pattern: RegExp): Promise<string> {
  let seen = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${seen}`)), 30_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${seen}`)));
  });
}

function running(child: ChildProcess, port: number): Running {
  return {
    port,
    child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** One of the bench's own servers (a .mjs file beside this one), once it prints "ready" (and what it printed). */
export async function startScript(file: string, env: Record<string, string> = {}): Promise<Running & { printed: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [fileURLToPath(new URL(`./${file}`, import.meta.url))], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed = await waitFor(child, /ready.*\n/);
  return { ...running(child, port), printed };
}

export const startBaseline = (): Promise<Running> => startScript('baseline-server.mjs');

/** better-auth behind a bare node:http route (better-auth-server.mjs) on a SQLite file, with its one API key. */
export async function startBetterAuth(databaseFile: string): Promise<Running & { key: string }> {
  const server = await startScript('better-auth-server.mjs', { DATABASE: databaseFile });
  return { ...server, key: /ready (\S+)/.exec(server.printed)![1]! };
}

/** Resolves once GET /health answers 200 on the port. */
export async function waitForHealth(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing answered /health on port ${port}`);
}

/** The arguments (after node's) of a latchkey server as the benchmarks run it. */
export function latchkeyArgs(port: number, databaseUrl: string, extra: string[] = []): string[] {
  // The failed-authentication throttle is off so the 401 scenario measures 401s, not 429s.
  return [
    'packages/server/bin/latchkey.js',
    'serve',
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--database',
    databaseUrl,
    '--log-level',
    'warn',
    '--auth-failure-limit',
    '0',
    ...extra,
  ];
}

export async function startLatchkey(
  databaseUrl: string,
  extra: string[] = [],
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Running> {
  const port = await freePort();
  // A server uses Redis only when told (--redis-url), not because the bench's caller set REDIS_URL.
  const { REDIS_URL: _redis, ...inherited } = process.env;
  const child = spawn(process.execPath, [...nodeArgs, ...latchkeyArgs(port, databaseUrl, extra)], {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForHealth(port);
  return running(child, port);
}

/** Write statements per table of a server started with `countingWrites` (write-counter.mjs). */
export type WriteCounts = Record<string, { writes: number; bursts: number }>;

/** node arguments and environment that make a latchkey server count its SQLite writes, and how to read them. */
export async function countingWrites(): Promise<{ nodeArgs: string[]; env: Record<string, string>; read: () => Promise<WriteCounts> }> {
  const port = await freePort();
  return {
    nodeArgs: ['--import', fileURLToPath(new URL('./write-counter.mjs', import.meta.url))],
    env: { WRITE_COUNTER_PORT: String(port) },
    read: async () => (await (await fetch(`http://127.0.0.1:${port}/`)).json()) as WriteCounts,
  };
}
