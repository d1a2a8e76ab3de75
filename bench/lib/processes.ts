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

async function waitFor(child: ChildProcess, pattern: RegExp): Promise<void> {
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${seen}`)), 30_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
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

/** One of the bench's own servers (a .mjs file beside this one), once it prints "ready". */
export async function startScript(file: string, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [fileURLToPath(new URL(`./${file}`, import.meta.url))], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitFor(child, /ready/);
  return running(child, port);
}

export const startBaseline = (): Promise<Running> => startScript('baseline-server.mjs');

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
  const child = spawn(process.execPath, [...nodeArgs, ...latchkeyArgs(port, databaseUrl, extra)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForHealth(port);
  return running(child, port);
}
