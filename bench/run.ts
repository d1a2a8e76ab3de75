// npm run bench: latchkey's hot paths as ratios of a bare node:http server measured
// in the same run (these machines are shared and noisy). `--smoke` runs every step
// for about a second into a temporary folder, so `npm test` keeps the script working.
// The verification section (results/verification.md) measures the data plane as far
// as this branch has it: POST /verify, without limits, with an in-memory rate limit,
// with credits, and with the limit in Redis when REDIS_URL is set; the SDK verifier's
// cached answer in-process; database writes per verification and per usage batch;
// with DATABASE_URL=postgres://..., revocation reaching a verifier across two nodes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { load, type LoadResult, type Scenario } from './lib/load.js';
import { micro, sdkMicro } from './lib/micro.js';
import { countingWrites, startBaseline, startLatchkey, type Running, type WriteCounts } from './lib/processes.js';
import { isScaleFigure, mergeReport, table, writeReport, type Figure } from './lib/report.js';
import { revocationLatency } from './lib/revocation.js';
import { scenarios, targets } from './lib/scenarios.js';
import { seed, type Seeded } from './lib/seed.js';
import {
  hasRoute,
  introspectionSecret,
  secretArgs,
  serveHasFlag,
  usageWrites,
  verificationNames,
  verificationScenarios,
  verificationTargets,
  verifyScenario,
  writesOutsideUsage,
} from './lib/verification.js';

const smoke = process.argv.includes('--smoke');
/** `--verification-only` (npm run bench:verification): the verification section alone, merged into the last report. */
const verificationOnly = process.argv.includes('--verification-only');
const seconds = smoke ? 1 : 5;
const rounds = smoke ? 1 : 2;
const tokens = smoke ? 100 : 1000;
const outDir = smoke ? mkdtempSync(join(tmpdir(), 'latchkey-bench-out-')) : new URL('./results/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));

interface Target {
  label: string;
  server: Running;
  scenarios: Record<string, Scenario>;
  /** The server's write counts, when it counts them (write-counter.mjs). */
  writes?: () => Promise<WriteCounts>;
}

/** The verification section's figures (and the baseline they are ratios of): they also go to results/verification.md. */
const verificationLabel = 'Verification';
const baselineName = 'bare node:http baseline';
const isVerificationFigure = (f: Figure) =>
  f.group.includes(verificationLabel) ||
  f.group.startsWith('SDK verifier') ||
  f.group.startsWith('Revocation') ||
  f.name.startsWith(`${verificationLabel}:`) ||
  f.name === baselineName;

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
  const verifyUrl = `sqlite:${join(work, 'verify.db')}`;
  const seededVerify = await seed(verifyUrl, tokens);
  const figures: Figure[] = [];

  // The management API's servers, unless only the verification section runs.
  const management = verificationOnly ? undefined : { seeded: await seed(sqliteUrl, tokens), seededPower: await seed(powerUrl, tokens) };
  if (management) {
    process.stdout.write(`micro-benchmark of authentication...\n`);
    const m = await micro(sqliteUrl, management.seeded.token, smoke ? 2_000 : 200_000);
    figures.push(
      { group: 'Authentication in-process', name: 'one SHA-256 of the token', value: m.sha256Ns, unit: 'ns/op' },
      { group: 'Authentication in-process', name: 'cached valid token', value: m.cachedNs, unit: 'ns/op' },
      { group: 'Authentication in-process', name: 'uncached (SQLite lookup)', value: m.uncachedNs, unit: 'ns/op' },
      { group: 'Authentication in-process', name: 'malformed token', value: m.malformedNs, unit: 'ns/op' },
      {
        group: 'Authentication vs SHA-256',
        name: 'cached / SHA-256',
        value: m.cachedNs / m.sha256Ns,
        unit: 'x',
        target: 2,
        better: 'lower',
      },
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
  }

  const baseline = await startBaseline();
  const started: Running[] = [baseline];
  const start = async (...args: Parameters<typeof startLatchkey>) => {
    const server = await startLatchkey(...args);
    started.push(server);
    return server;
  };
  const latchkey = management && (await start(sqliteUrl));
  const power = management && (await start(powerUrl, ['--durability', 'power']));
  // The verification server counts its writes; the others do not pay for counting.
  const counter = await countingWrites();
  const verifying = await start(verifyUrl, secretArgs, counter.env, counter.nodeArgs);
  const hasVerify = await hasRoute(verifying.port, 'POST', '/verify');
  const redisUrl = process.env.REDIS_URL;
  const redis =
    hasVerify && redisUrl && (await serveHasFlag('--redis-url'))
      ? await start(verifyUrl, [...secretArgs, '--redis-url', redisUrl, '--redis-key-prefix', `latchkey-bench-${process.pid}:`])
      : undefined;
  const pgDb = await postgresDatabase();
  let pgSeeded: Seeded | undefined;
  let pgServer: Running | undefined;
  let pgServerB: Running | undefined;
  if (pgDb) {
    pgSeeded = await seed(pgDb.url, tokens);
    pgServer = await start(pgDb.url, secretArgs);
    // A second node on the same database, whose events a downstream verifier follows.
    if (await hasRoute(pgServer.port, 'GET', '/verify/events')) pgServerB = await start(pgDb.url, secretArgs);
  }
  const targetsToRun: Target[] = [
    ...(management && latchkey && power
      ? [
          { label: 'SQLite', server: latchkey, scenarios: scenarios(management.seeded) },
          {
            label: 'SQLite',
            server: power,
            scenarios: { 'create a token (power-loss durability)': scenarios(management.seededPower)['create a token']! },
          },
          ...(pgServer && pgSeeded ? [{ label: 'PostgreSQL', server: pgServer, scenarios: scenarios(pgSeeded) }] : []),
        ]
      : []),
    {
      label: verificationLabel,
      server: verifying,
      scenarios: verificationScenarios(seededVerify.verification, hasVerify),
      writes: counter.read,
    },
    ...(redis
      ? [
          {
            label: verificationLabel,
            server: redis,
            scenarios: { [verificationNames.redis]: verifyScenario(seededVerify.verification.ratelimited) },
          },
        ]
      : []),
  ];
  const baselineScenario: Scenario = { path: '/', expect: 200 };
  const results = new Map<string, LoadResult[]>();
  const record = (key: string, r: LoadResult) => results.set(key, [...(results.get(key) ?? []), r]);
  // Write statements (usage counts' apart) over the requests of each scenario whose server counts them.
  const writes = new Map<string, { writes: number; requests: number }>();
  // The section's figures other than throughput, put after it.
  const verificationExtra: Figure[] = [];
  let writesByTable = '';
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
          const before = await t.writes?.();
          const result = await load(t.server.port, scenario, seconds);
          const after = await t.writes?.();
          record(`${t.label}|${name}`, result);
          if (before && after) {
            const sum = writes.get(name) ?? { writes: 0, requests: 0 };
            writes.set(name, {
              writes: sum.writes + writesOutsideUsage(after) - writesOutsideUsage(before),
              requests: sum.requests + result.requests,
            });
          }
        }
      }
    }
    verificationExtra.push(
      ...(await verificationFigures(
        verifying,
        seededVerify,
        pgServer && pgServerB && pgSeeded ? [pgServer, pgServerB, pgSeeded] : undefined,
      )),
    );
    // Past the writer's interval, so the last verifications' batch is in the counts.
    if (!smoke) await new Promise((resolve) => setTimeout(resolve, 6000));
    const finalCounts = await counter.read();
    writesByTable = Object.entries(finalCounts)
      .map(([table, c]) => `${table} ${c.writes}`)
      .join(', ');
    const usage = usageWrites(finalCounts);
    for (const [name, w] of writes) {
      // Only credits are durable per verification; everything else is counted in memory.
      const withoutCredits = name !== verificationNames.credited;
      verificationExtra.push({
        group: 'Database writes per verification (Verification)',
        name,
        value: w.writes / w.requests,
        unit: 'writes',
        ...(withoutCredits ? { target: 0, better: 'lower' as const } : {}),
      });
    }
    verificationExtra.push(
      { group: 'Usage batches (Verification)', name: 'batches written', value: usage.batches, unit: 'batches' },
      {
        group: 'Usage batches (Verification)',
        name: 'write statements per batch',
        value: usage.batches && usage.writes / usage.batches,
        unit: 'writes',
      },
    );
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    await pgDb?.drop();
  }
  const mean = (rs: LoadResult[], f: (r: LoadResult) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
  const baselineRps = mean(results.get('baseline')!, (r) => r.rps);
  figures.push({ group: 'Throughput', name: baselineName, value: baselineRps, unit: 'req/s' });
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
      ...((targets[name] ?? verificationTargets[name]) === undefined
        ? {}
        : { target: (targets[name] ?? verificationTargets[name])!, better: 'higher' as const }),
    });
    figures.push({ group: `Latency p99 (${label})`, name, value: Math.max(...rs.map((r) => r.p99)), unit: 'ms' });
  }
  figures.push(...verificationExtra);
  const meta = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    settings: { connections: 50, seconds, rounds, tokens, smoke },
    unexpectedResponses: errors,
  };
  // A full run keeps the scale figures of the last npm run bench:scale.
  if (smoke) await writeReport(outDir, meta, figures);
  else await mergeReport(outDir, meta, figures, verificationOnly ? isVerificationFigure : (figure) => !isScaleFigure(figure));
  writeFileSync(
    join(outDir, 'verification.md'),
    verificationReport(meta, figures.filter(isVerificationFigure), hasVerify, redis !== undefined, pgServerB !== undefined, writesByTable),
  );
  process.stdout.write(`\n${table(figures)}\n\nunexpected responses: ${errors}\nresults: ${outDir}\n`);
  if (errors > 0) process.exitCode = 1;
}

/** The SDK verifier's cached answer in-process, and revocation across two PostgreSQL nodes when there are two. */
async function verificationFigures(server: Running, s: Seeded, nodes: [Running, Running, Seeded] | undefined): Promise<Figure[]> {
  process.stdout.write('micro-benchmark of the SDK verifier...\n');
  const sdk = await sdkMicro(`http://127.0.0.1:${server.port}`, introspectionSecret, s.verification.plain, smoke ? 2_000 : 200_000);
  const out: Figure[] = [
    { group: 'SDK verifier in-process', name: 'one SHA-256 of the token', value: sdk.sha256Ns, unit: 'ns/op' },
    { group: 'SDK verifier in-process', name: 'verify(), cached token', value: sdk.cachedVerifyNs, unit: 'ns/op' },
    {
      group: 'SDK verifier vs SHA-256',
      name: 'verify(), cached token / SHA-256',
      value: sdk.cachedVerifyNs / sdk.sha256Ns,
      unit: 'x',
      target: 3,
      better: 'lower',
    },
  ];
  if (nodes) {
    const [a, b, seeded] = nodes;
    process.stdout.write('revocation across two PostgreSQL nodes...\n');
    const r = await revocationLatency(a.port, b.port, seeded, introspectionSecret, smoke ? 3 : 200);
    const group = 'Revocation across two PostgreSQL nodes';
    out.push(
      { group, name: 'p50, patch sent to verifier answering invalid', value: r.p50, unit: 'ms' },
      { group, name: 'p99, patch sent to verifier answering invalid', value: r.p99, unit: 'ms', target: 100, better: 'lower' },
      { group, name: 'slowest', value: r.max, unit: 'ms' },
      {
        group,
        name: `samples not reached within 2 s (of ${r.samples.length})`,
        value: r.missed,
        unit: 'samples',
        target: 0,
        better: 'lower',
      },
    );
  }
  return out;
}

function verificationReport(
  meta: { date: string; machine: string },
  figures: Figure[],
  hasVerify: boolean,
  hasRedis: boolean,
  hasRevocation: boolean,
  writesByTable: string,
): string {
  const missing = [
    ...(hasVerify ? [] : ['POST /verify is not on this branch: only POST /introspect was measured']),
    ...(hasRedis ? [] : ['no Redis figure: run with REDIS_URL=redis://... (and a server with --redis-url and POST /verify)']),
    ...(hasRevocation ? [] : ['no revocation figure: run with DATABASE_URL=postgres://... (and a server with GET /verify/events)']),
  ];
  return [
    '# latchkey verification benchmarks',
    '',
    `${meta.date} — ${meta.machine}; \`npm run bench\`: autocannon, 50 connections, ${rounds} rounds of ${seconds} s, ratios of the bare node:http baseline run before each scenario in the same run.`,
    '',
    'Every answer is checked: status 200 and `"code":"VALID"` for POST /verify, `"active":true` for POST /introspect. ' +
      'Writes are counted in the server by a preloaded counter (bench/lib/write-counter.mjs): INSERT, UPDATE, DELETE statements executed, the usage tables apart. ' +
      'Revocation: a token created on node A and cached by the SDK verifier asking node B, then patched inactive on node A; the time from just before the patch is sent until the verifier answers it invalid.',
    '',
    `Write statements of the verification server over the whole run, by table: ${writesByTable || 'none'}.`,
    '',
    ...missing.map((m) => `- ${m}`),
    ...(missing.length ? [''] : []),
    '```',
    table(figures),
    '```',
    '',
  ].join('\n');
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
  if (smoke) rmSync(outDir, { recursive: true, force: true });
}
