// npm run bench:profile -- [scenario ...] [--cpu-prof] [--seconds N] [--rounds N]
// Where a request's time goes. Each scenario alternates with the bare baseline, as in
// npm run bench, and reports the server's CPU time per request (user + system, from
// /proc), which the machine's noise disturbs less than throughput. With --cpu-prof
// the latchkey server runs under node --cpu-prof and the functions with the most
// self time are listed. Scenarios: list, get, create, 401 (default: all), and the
// verification section's verify, verify-limit, verify-credits, introspect.
// DATABASE_URL=postgres://... profiles the PostgreSQL adapter instead of SQLite.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load, type Scenario } from './lib/load.js';
import { cpuSeconds, startBaseline, startLatchkey, type Running } from './lib/processes.js';
import { scenarios, short } from './lib/scenarios.js';
import { seed } from './lib/seed.js';
import { secretArgs, verificationProbes } from './lib/verification.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'cpu-prof': { type: 'boolean', default: false },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
  },
});
const names = positionals.length > 0 ? positionals : Object.keys(short);
const seconds = Number(values.seconds);
const work = mkdtempSync(join(tmpdir(), 'latchkey-profile-'));
const profDir = join(work, 'cpu');

async function measure(server: Running, scenario: Scenario): Promise<{ rps: number; usPerRequest: number }> {
  const before = cpuSeconds(server.child.pid!);
  const result = await load(server.port, scenario, seconds);
  return { rps: result.rps, usPerRequest: ((cpuSeconds(server.child.pid!) - before) * 1e6) / result.requests };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** Self time per function, from the .cpuprofile node --cpu-prof wrote. */
function topFunctions(limit = 30): string[] {
  const file = readdirSync(profDir)
    .map((f) => join(profDir, f))
    .sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0]!;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (functionName === '(idle)') return;
    const key = `${functionName || '(anonymous)'} ${url.replace(/.*node_modules\//, '').replace(/.*packages\//, '')}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + profile.timeDeltas[i]!);
    total += profile.timeDeltas[i]!;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

try {
  const databaseUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : `sqlite:${join(work, 'profile.db')}`;
  const seeded = await seed(databaseUrl, 1000);
  const all: Record<string, Scenario> = { ...scenarios(seeded), ...verificationProbes(seeded.verification) };
  const baseline = await startBaseline();
  const latchkey = await startLatchkey(databaseUrl, secretArgs, {}, values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []);
  const baselineScenario: Scenario = { path: '/', expect: 200 };
  const best = new Map<string, number>();
  const keep = (key: string, us: number) => best.set(key, Math.min(best.get(key) ?? Infinity, us));
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const name of names) {
        const b = await measure(baseline, baselineScenario);
        const m = await measure(latchkey, all[short[name] ?? name]!);
        keep('baseline', b.usPerRequest);
        keep(name, m.usPerRequest);
        process.stdout.write(
          `${name}: ${Math.round(m.rps)} req/s, ratio ${(m.rps / b.rps).toFixed(3)}, ${m.usPerRequest.toFixed(1)} us/req (baseline ${b.usPerRequest.toFixed(1)})\n`,
        );
      }
    }
  } finally {
    await Promise.all([baseline.stop(), latchkey.stop()]);
  }
  process.stdout.write('\nleast CPU per request over the rounds:\n');
  for (const [name, us] of best)
    process.stdout.write(`  ${name.padEnd(8)} ${us.toFixed(1)} us  (baseline / this: ${(best.get('baseline')! / us).toFixed(3)})\n`);
  if (values['cpu-prof']) process.stdout.write(`\nlatchkey self time (all scenarios):\n${topFunctions().join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
