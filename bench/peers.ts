// npm run bench:peers -- [--seconds N] [--rounds N] [--smoke]
// latchkey's verification beside better-auth's API-key plugin, in one run on one
// machine: better-auth's auth.api.verifyApiKey behind a bare node:http route
// (lib/better-auth-server.mjs: SQLite in WAL with synchronous=NORMAL, its rate limiters
// off), latchkey's POST /verify (and POST /introspect) on SQLite, and the bare
// node:http baseline, alternating in each round. Every answer's body is checked:
// better-auth answers a refusal with 200 {valid:false}, which counts as an error here.
// Database writes per verification are counted for both: better-auth's by its server,
// latchkey's by the write counter preloaded into it (lib/write-counter.mjs).
// `--smoke` runs each for a second into nothing, so the script keeps working.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { load, type LoadResult, type Scenario } from './lib/load.js';
import { countingWrites, startBaseline, startBetterAuth, startLatchkey, type Running } from './lib/processes.js';
import { seed } from './lib/seed.js';
import { hasRoute, introspectScenario, secretArgs, verificationNames, verifyScenario, writesOutsideUsage } from './lib/verification.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    smoke: { type: 'boolean', default: false },
  },
});
const smoke = values.smoke;
const seconds = smoke ? 1 : Number(values.seconds);
const rounds = smoke ? 1 : Number(values.rounds);
const resultsFile = new URL('./results/peers.md', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'latchkey-peers-'));

interface BetterAuthStats {
  verifications: number;
  writeStatements: number;
  rowsChanged: number;
}

interface Contender {
  label: string;
  server: Running;
  scenario: Scenario;
  /** Writes counted so far and verifications they were made for, when this contender counts them. */
  writes?: () => Promise<{ writes: number; rows?: number; verifications?: number }>;
}

const format = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const databaseUrl = `sqlite:${join(work, 'latchkey.db')}`;
  const seeded = await seed(databaseUrl, 1000);
  const counter = await countingWrites();
  const servers: Running[] = [];
  try {
    const baseline = await startBaseline();
    servers.push(baseline);
    const betterAuth = await startBetterAuth(join(work, 'better-auth.db'));
    servers.push(betterAuth);
    const latchkey = await startLatchkey(databaseUrl, secretArgs, counter.env, counter.nodeArgs);
    servers.push(latchkey);
    const hasVerify = await hasRoute(latchkey.port, 'POST', '/verify');
    const latchkeyWrites = async () => ({ writes: writesOutsideUsage(await counter.read()) });
    const contenders: Contender[] = [
      {
        label: 'better-auth 1.7.5 verifyApiKey',
        server: betterAuth,
        scenario: {
          method: 'POST',
          path: '/verify',
          body: JSON.stringify({ key: betterAuth.key }),
          expect: 200,
          verifyBody: (body) => body.startsWith('{"valid":true'),
        },
        writes: async () => {
          const stats = (await (await fetch(`http://127.0.0.1:${betterAuth.port}/stats`)).json()) as BetterAuthStats;
          return { writes: stats.writeStatements, rows: stats.rowsChanged, verifications: stats.verifications };
        },
      },
      ...(hasVerify
        ? [
            {
              label: `latchkey ${verificationNames.plain}`,
              server: latchkey,
              scenario: verifyScenario(seeded.verification.plain),
              writes: latchkeyWrites,
            },
          ]
        : []),
      {
        label: `latchkey ${verificationNames.introspect}`,
        server: latchkey,
        scenario: introspectScenario(seeded.verification.plain),
        writes: latchkeyWrites,
      },
    ];
    const baselineScenario: Scenario = { path: '/', expect: 200 };
    const results = new Map<string, LoadResult[]>();
    const writesPer = new Map<string, { writes: number; rows: number; verifications: number }>();
    const record = (key: string, r: LoadResult) => results.set(key, [...(results.get(key) ?? []), r]);
    await load(baseline.port, baselineScenario, 1); // warm the JITs
    for (const c of contenders) await load(c.server.port, c.scenario, 1);
    for (let round = 0; round < rounds; round++) {
      // Each round starts with another contender: whichever runs later has been seen to fare worse here.
      const order = [...contenders.slice(round % contenders.length), ...contenders.slice(0, round % contenders.length)];
      for (const c of order) {
        process.stdout.write(`round ${round + 1}: baseline, then ${c.label}\n`);
        record('baseline', await load(baseline.port, baselineScenario, seconds));
        const before = await c.writes?.();
        const result = await load(c.server.port, c.scenario, seconds);
        const after = await c.writes?.();
        record(c.label, result);
        if (before && after) {
          const sum = writesPer.get(c.label) ?? { writes: 0, rows: 0, verifications: 0 };
          sum.writes += after.writes - before.writes;
          sum.rows += (after.rows ?? 0) - (before.rows ?? 0);
          // better-auth counts the verifications it answered; latchkey's are the requests sent.
          sum.verifications += after.verifications !== undefined ? after.verifications - before.verifications! : result.requests;
          writesPer.set(c.label, sum);
        }
      }
    }
    const mean = (rs: LoadResult[], f: (r: LoadResult) => number) => rs.reduce((a, r) => a + f(r), 0) / rs.length;
    const baselineRps = mean(results.get('baseline')!, (r) => r.rps);
    let errors = 0;
    const rows = contenders.map((c) => {
      const rs = results.get(c.label)!;
      errors += rs.reduce((a, r) => a + r.errors, 0);
      const w = writesPer.get(c.label);
      const rps = mean(rs, (r) => r.rps);
      return { label: c.label, rps, p99: Math.max(...rs.map((r) => r.p99)), errors: rs.reduce((a, r) => a + r.errors, 0), w };
    });
    const betterAuthRps = rows[0]!.rps;
    const lines = [
      "# latchkey's verification beside better-auth's API keys",
      '',
      `${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
        `\`npm run bench:peers -- --seconds ${seconds} --rounds ${rounds}\`: autocannon, 50 connections, ${rounds} rounds of ${seconds} s, ` +
        'the bare node:http baseline before each contender in every round.',
      '',
      'better-auth 1.7.5 with @better-auth/api-key 1.7.5 (one release of both): `auth.api.verifyApiKey` behind a bare node:http route ' +
        '(`bench/lib/better-auth-server.mjs`), SQLite through better-sqlite3 in WAL with synchronous=NORMAL, both its rate limiters off. ' +
        'latchkey on SQLite (its default: WAL, synchronous=NORMAL), the same token each request, as a service verifies its callers.',
      '',
      `| contender | req/s | ratio of baseline | × better-auth | p99 ms | write statements per verification | rows changed per verification | errors |`,
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      `| bare node:http baseline | ${format(baselineRps)} | 1.000 | | | | | |`,
      ...rows.map(
        (r) =>
          `| ${r.label} | ${format(r.rps)} | ${(r.rps / baselineRps).toFixed(3)} | ${(r.rps / betterAuthRps).toFixed(1)} | ${r.p99} | ` +
          `${r.w ? format(r.w.writes / r.w.verifications, 2) : ''} | ${r.w && r.w.rows ? format(r.w.rows / r.w.verifications, 2) : ''} | ${r.errors} |`,
      ),
      '',
      `Target: latchkey's POST /verify at least 15 × better-auth's req/s${hasVerify ? '' : ' (POST /verify is not on this branch yet: POST /introspect stands in)'}.`,
      "Errors: answers with another status, or whose body is not a valid verification (better-auth's `{valid:false}`, latchkey's anything but VALID).",
      "latchkey's write statements exclude its usage counts, written in batches (at most every 5 s), not per verification: `npm run bench` reports them.",
      '',
    ];
    const report = lines.join('\n');
    process.stdout.write(`\n${report}`);
    if (!smoke) writeFileSync(resultsFile, report);
    if (errors > 0) {
      process.stderr.write(`${errors} answers were errors\n`);
      process.exitCode = 1;
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
