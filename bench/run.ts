// npm run bench: latchkey's hot paths as ratios of a bare node:http server measured
// in the same run (these machines are shared and noisy). `--smoke` runs every step
// for about a second into a temporary folder, so `npm test` keeps the script working.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { load, type LoadResult, type Scenario } from './lib/load.js';
import { micro } from './lib/micro.js';
import { startBaseline, startLatchkey, type Running } from './lib/processes.js';
import { isScaleFigure, mergeReport, table, writeReport, type Figure } from './lib/report.js';
import { scenarios, targets } from './lib/scenarios.js';
import { seed, type Seeded } from './lib/seed.js';

const smoke = process.argv.includes('--smoke');
const seconds = smoke ? 1 : 5;
const rounds = smoke ? 1 : 2;
const tokens = smoke ? 100 : 1000;
const outDir = smoke ? mkdtempSync(join(tmpdir(), 'latchkey-bench-out-')) : new URL('./results/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));

interface Target {
  label: string;
  server: Running;
  scenarios: Record<string, Scenario>;
}

async function postgresDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith('postgres')) return undefined;
  const name = `latchkey_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

async function main(): Promise<void> {
  const sqliteUrl = `sqlite:${join(work, 'process.db')}`;
  const powerUrl = `sqlite:${join(work, 'power.db')}`;
  const seeded = await seed(sqliteUrl, tokens);
  const seededPower = await seed(powerUrl, tokens);
  const figures: Figure[] = [];

  process.stdout.write(`micro-benchmark of authentication...\n`);
  const m = await micro(sqliteUrl, seeded.token, smoke ? 2_000 : 200_000);
  figures.push(
    { group: 'Authentication in-process', name: 'one SHA-256 of the token', value: m.sha256Ns, unit: 'ns/op' },
    { group: 'Authentication in-process', name: 'cached valid token', value: m.cachedNs, unit: 'ns/op' },
    { group: 'Authentication in-process', name: 'uncached (SQLite lookup)', value: m.uncachedNs, unit: 'ns/op' },
    { group: 'Authentication in-process', name: 'malformed token', value: m.malformedNs, unit: 'ns/op' },
    { group: 'Authentication vs SHA-256', name: 'cached / SHA-256', value: m.cachedNs / m.sha256Ns, unit: 'x', target: 2, better: 'lower' },
    {
      group: 'Authentication vs SHA-256',
      name: 'uncached / SHA-256',
      value: m.uncachedNs / m.sha256Ns,
      unit: 'x',
      target: 10,
      better: 'lower',
    },
    { group: 'Authentication vs SHA-256', name: 'malformed / SHA-256', value: m.malformedNs / m.sha256Ns, unit: 'x' },
  );

  const baseline = await startBaseline();
  const latchkey = await startLatchkey(sqliteUrl);
  const power = await startLatchkey(powerUrl, ['--durability', 'power']);
  const pgDb = await postgresDatabase();
  let pgSeeded: Seeded | undefined;
  let pgServer: Running | undefined;
  if (pgDb) {
    pgSeeded = await seed(pgDb.url, tokens);
    pgServer = await startLatchkey(pgDb.url);
  }
  const targetsToRun: Target[] = [
    { label: 'SQLite', server: latchkey, scenarios: scenarios(seeded) },
    { label: 'SQLite', server: power, scenarios: { 'create a token (power-loss durability)': scenarios(seededPower)['create a token']! } },
    ...(pgServer && pgSeeded ? [{ label: 'PostgreSQL', server: pgServer, scenarios: scenarios(pgSeeded) }] : []),
  ];
  const baselineScenario: Scenario = { path: '/', expect: 200 };
  const results = new Map<string, LoadResult[]>();
  const record = (key: string, r: LoadResult) => results.set(key, [...(results.get(key) ?? []), r]);
  try {
    // Warm every server's JIT before measuring.
    await load(baseline.port, baselineScenario, 1);
    for (const t of targetsToRun) for (const s of Object.values(t.scenarios)) await load(t.server.port, s, 1);
    for (let round = 0; round < rounds; round++) {
      // Baseline runs alternate with the scenarios, so drift hits both alike.
      for (const t of targetsToRun) {
        for (const [name, scenario] of Object.entries(t.scenarios)) {
          process.stdout.write(`round ${round + 1}: baseline, then ${t.label} ${name}\n`);
          record('baseline', await load(baseline.port, baselineScenario, seconds));
          record(`${t.label}|${name}`, await load(t.server.port, scenario, seconds));
        }
      }
    }
  } finally {
    await Promise.all([baseline.stop(), latchkey.stop(), power.stop(), pgServer?.stop()]);
    await pgDb?.drop();
  }
  const mean = (rs: LoadResult[], f: (r: LoadResult) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  const baselineRps = mean(results.get('baseline')!, (r) => r.rps);
  figures.push({ group: 'Throughput', name: 'bare node:http baseline', value: baselineRps, unit: 'req/s' });
  let errors = 0;
  for (const [key, rs] of results) {
    if (key === 'baseline') continue;
    const [label, name] = key.split('|') as [string, string];
    const rps = mean(rs, (r) => r.rps);
    errors += rs.reduce((a, r) => a + r.errors, 0);
    figures.push({ group: 'Throughput', name: `${label}: ${name}`, value: rps, unit: 'req/s' });
    figures.push({
      group: `Ratio of baseline (${label})`,
      name,
      value: rps / baselineRps,
      unit: 'ratio',
      target: targets[name]!,
      better: 'higher',
    });
    figures.push({ group: `Latency p99 (${label})`, name, value: Math.max(...rs.map((r) => r.p99)), unit: 'ms' });
  }
  const meta = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    settings: { connections: 50, seconds, rounds, tokens, smoke },
    unexpectedResponses: errors,
  };
  // A full run keeps the scale figures of the last npm run bench:scale.
  if (smoke) await writeReport(outDir, meta, figures);
  else await mergeReport(outDir, meta, figures, (figure) => !isScaleFigure(figure));
  process.stdout.write(`\n${table(figures)}\n\nunexpected responses: ${errors}\nresults: ${outDir}\n`);
  if (errors > 0) process.exitCode = 1;
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
  if (smoke) rmSync(outDir, { recursive: true, force: true });
}
