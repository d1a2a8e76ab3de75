// npm run bench:instructions -- [scenario ...] [--requests N] [--warmup N] [--functions N]
// Instructions per request, counted by valgrind's callgrind: unlike time, the count
// does not move with whatever else this shared machine is doing, so a change of a
// few percent shows. Each server runs under callgrind; after a warm-up (so the JIT
// has settled) the counters are zeroed, N sequential keep-alive requests are sent,
// and the main thread's count is read. V8's helper threads (GC, compiler) are left
// out. With --functions, the JavaScript functions with the most inclusive
// instructions are named from the map node --perf-basic-prof writes. Slow (a few
// minutes); needs valgrind. Scenarios: list, get, create, 401 (default: all), and
// the verification section's verify, verify-limit, verify-credits, introspect.
// One caveat: V8 optimizes on background threads, and which functions are optimized
// after the warm-up can differ between server processes; a scenario's count has
// moved by up to a quarter between runs of the same code. Repeat a run before
// trusting a small difference, and read --functions for the why.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Scenario } from './lib/load.js';
import { freePort, latchkeyArgs, repoRoot, waitForHealth } from './lib/processes.js';
import { scenarios, short } from './lib/scenarios.js';
import { seed } from './lib/seed.js';
import { secretArgs, verificationProbes } from './lib/verification.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '15000' },
    functions: { type: 'string', default: '0' },
  },
});
const requests = Number(values.requests);
const names = positionals.length > 0 ? positionals : Object.keys(short);
const work = mkdtempSync(join(tmpdir(), 'latchkey-instructions-'));
/** node --perf-basic-prof writes /tmp/perf-<pid>.map; ours are removed at the end. */
const perfMaps: string[] = [];

try {
  execFileSync('valgrind', ['--version']);
} catch {
  process.stderr.write('bench:instructions needs valgrind (apt-get install valgrind)\n');
  process.exit(1);
}

/** Sends `count` requests one after another on one keep-alive connection. */
async function drive(port: number, scenario: Scenario, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { ...scenario.headers, ...(scenario.body ? { 'content-type': 'application/json' } : {}) };
  try {
    for (let i = 0; i < count; i++) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: scenario.path, method: scenario.method ?? 'GET', agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(scenario.body);
      });
      if (status !== scenario.expect) throw new Error(`${scenario.path}: ${status}, expected ${scenario.expect}`);
    }
  } finally {
    agent.destroy();
  }
}

interface Counted {
  child: ChildProcess;
  port: number;
  dumps: number;
  outDir: string;
}

async function underCallgrind(label: string, args: (port: number) => string[]): Promise<Counted> {
  const outDir = join(work, label);
  const port = await freePort();
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--separate-threads=yes',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${outDir}.%p`,
      process.execPath,
      '--perf-basic-prof',
      ...args(port),
    ],
    { cwd: repoRoot, env: { ...process.env, PORT: String(port) }, stdio: 'ignore' },
  );
  perfMaps.push(`/tmp/perf-${child.pid}.map`);
  await waitForHealth(port, 300_000);
  return { child, port, dumps: 0, outDir };
}

/** Instructions per request of the main thread, over `requests` requests after the warm-up. */
async function count(server: Counted, scenario: Scenario): Promise<{ perRequest: number; functions: string[] }> {
  await drive(server.port, scenario, Number(values.warmup));
  execFileSync('callgrind_control', ['-z', String(server.child.pid)], { stdio: 'ignore' });
  await drive(server.port, scenario, requests);
  execFileSync('callgrind_control', ['-d', String(server.child.pid)], { stdio: 'ignore' });
  server.dumps++;
  // One file per thread; thread 01 is the main thread, the one that serves requests.
  const file = `${server.outDir}.${server.child.pid}.${server.dumps}-01`;
  const totals = /^totals:\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!totals) throw new Error(`no totals in ${file}`);
  const limit = Number(values.functions);
  return { perRequest: Number(totals[1]) / requests, functions: limit > 0 ? topFunctions(file, server.child.pid!, limit) : [] };
}

/** JavaScript functions by inclusive instructions per request, named through the perf map. */
function topFunctions(file: string, pid: number, limit: number): string[] {
  const map = readFileSync(`/tmp/perf-${pid}.map`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [start, size, ...name] = line.split(' ');
      return { start: parseInt(start!, 16), end: parseInt(start!, 16) + parseInt(size!, 16), name: name.join(' ') };
    })
    .sort((a, b) => a.start - b.start);
  const nameAt = (address: number) => {
    let lo = 0;
    let hi = map.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (map[mid]!.start <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    const entry = map[hi];
    return entry && address < entry.end ? entry.name : undefined;
  };
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
  const inclusive = new Map<string, number>();
  for (const line of annotated.split('\n')) {
    const match = /^\s*([\d,]+) .*\?\?\?:0x([0-9a-f]+) /.exec(line);
    const name = match && nameAt(parseInt(match[2]!, 16));
    if (!name) continue;
    // A function's code may appear at several addresses: its largest count stands for it.
    inclusive.set(name, Math.max(inclusive.get(name) ?? 0, Number(match[1]!.replaceAll(',', ''))));
  }
  return [...inclusive]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, n]) => `${String(Math.round(n / requests)).padStart(9)}  ${name.replace(/file:\/\/|\/.*node_modules\//g, '')}`);
}

async function stop(server: Counted): Promise<void> {
  await new Promise<void>((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

try {
  const databaseUrl = `sqlite:${join(work, 'bench.db')}`;
  const seeded = await seed(databaseUrl, 1000);
  const all: Record<string, Scenario> = { ...scenarios(seeded), ...verificationProbes(seeded.verification) };
  const baselineScript = fileURLToPath(new URL('./lib/baseline-server.mjs', import.meta.url));
  const baseline = await underCallgrind('baseline', () => [baselineScript]);
  const base = await count(baseline, { path: '/', expect: 200 });
  await stop(baseline);
  process.stdout.write(`baseline: ${Math.round(base.perRequest)} instructions per request\n`);
  const latchkey = await underCallgrind('latchkey', (port) => latchkeyArgs(port, databaseUrl, secretArgs));
  try {
    for (const name of names) {
      const result = await count(latchkey, all[short[name] ?? name]!);
      process.stdout.write(
        `${name}: ${Math.round(result.perRequest)} instructions per request (baseline / this: ${(base.perRequest / result.perRequest).toFixed(3)})\n`,
      );
      for (const line of result.functions) process.stdout.write(`${line}\n`);
    }
  } finally {
    await stop(latchkey);
  }
} finally {
  for (const file of perfMaps) rmSync(file, { force: true });
  rmSync(work, { recursive: true, force: true });
}
