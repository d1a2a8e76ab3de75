// Spawning the `latchkey` bin in a sandbox directory, for CLI and process-level tests.
// The bin imports ../dist/cli.js, so the server must be built first (`npm run build`).
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const bin = join('packages', 'server', 'bin', 'latchkey.js');
export const hexId = /^[0-9a-f]{24}$/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Proc {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  exited: Promise<Exit>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Written to the CLI's stdin, which is then closed (without it, stdin is ignored). */
  input?: string;
}

export interface Sandbox {
  dir: string;
  /** Spawns the CLI; it is SIGKILLed after `timeoutMs` and in any case when the test ends. */
  spawn(args: string[], options?: SpawnOptions): Proc;
  /** Spawns the CLI and waits for it to exit. */
  run(args: string[], options?: SpawnOptions): Promise<Exit & { stdout: string; stderr: string }>;
}

/** The test runner's environment without anything the CLI reads. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const read = ['PORT', 'HOST', 'DATABASE_URL', 'LATCHKEY_DURABILITY', 'LOG_LEVEL', 'NODE_TEST_CONTEXT'];
  for (const name of [
    ...read,
    'REDIS_URL',
    'LATCHKEY_REDIS_KEY_PREFIX',
    'LATCHKEY_RATELIMIT_ON_ERROR',
    'LATCHKEY_GITHUB_SCANNING_KEYS',
    'LATCHKEY_TRUST_PROXY',
    'LATCHKEY_ALLOW_PRIVATE_WEBHOOKS',
    'LATCHKEY_METRICS',
    'LATCHKEY_METRICS_SECRET',
    'LATCHKEY_METRICS_PORT',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

export async function sandbox(t: TestContext): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
  const procs: Proc[] = [];
  t.after(async () => {
    for (const proc of procs) {
      if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    }
    await Promise.all(procs.map((proc) => proc.exited));
    await rm(dir, { recursive: true, force: true });
  });

  const spawnCli: Sandbox['spawn'] = (args, options = {}) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: cleanEnv(options.env ?? {}),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (options.input !== undefined) child.stdin!.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    const exited = new Promise<Exit>((resolve, reject) => {
      child.once('error', reject);
      // 'close' rather than 'exit': both pipes are drained by then.
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    const proc: Proc = {
      child,
      get stdout() {
        return stdout;
      },
      get stderr() {
        return stderr;
      },
      exited,
    };
    procs.push(proc);
    return proc;
  };

  return {
    dir,
    spawn: spawnCli,
    async run(args, options) {
      const proc = spawnCli(args, options);
      const exit = await proc.exited;
      return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
    },
  };
}

/** A port that was free a moment ago: listen on 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until the process's stdout matches, failing early if it exits. */
export async function waitForStdout(proc: Proc, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  for (;;) {
    const match = pattern.exec(proc.stdout);
    if (match) return match;
    if (exited || Date.now() > deadline) {
      assert.fail(`${exited ? 'exited' : 'timed out'} waiting for ${pattern}\nstdout:\n${proc.stdout}\nstderr:\n${proc.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const listening = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/;
// The first-start banner is printed after listening; its last line is a rule.
export const bannerEnd = /application id: [0-9a-f]{24}[\s\S]*\n=+\n/;

export interface FirstAdmin {
  email: string;
  password: string;
  token: string;
  applicationId: string;
}

export function parseFirstAdmin(stdout: string): FirstAdmin {
  const field = (label: string) => {
    const match = new RegExp(`^\\s*${label}:\\s+(\\S+)`, 'm').exec(stdout);
    assert.ok(match, `stdout has "${label}"\n${stdout}`);
    return match[1]!;
  };
  return {
    email: field('email'),
    password: field('password'),
    token: field('user API token'),
    applicationId: field('application id'),
  };
}

export function listTokens(port: number, applicationId: string, token: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/applications/${applicationId}/tokens`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** Sends a signal and checks the server exits on its own, with code 0, in a few seconds. */
export async function stopsCleanly(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  const started = Date.now();
  proc.child.kill(signal);
  const exit = await proc.exited;
  assert.deepEqual(exit, { code: 0, signal: null }, `exit after ${signal}\nstderr:\n${proc.stderr}`);
  assert.ok(Date.now() - started < 5_000, `exited within 5 s of ${signal}`);
}

export const countOf = (haystack: string, needle: string) => haystack.split(needle).length - 1;
