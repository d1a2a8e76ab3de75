// npm run bench:floor -- [--seconds N] [--rounds N]   (about 6 minutes as it stands)
// How much of each scenario's distance from the bare baseline is latchkey's own.
// latchkey's answer to each scenario is recorded once, then replayed byte for byte
// by two servers that do nothing else: bare node:http, and a bare Fastify app with
// one route. Their ratios are the most any server could reach sending those bytes
// on this machine, with and without the framework latchkey is built on; the gap
// from there to latchkey's ratio is authentication, authorization, storage and
// rendering. All four servers alternate in each round, as in npm run bench.
// For create, the storage port alone is timed too (SQLite, in-process): its CPU
// time per create against the baseline's per request is the best create ratio
// latchkey could have if HTTP, JSON, minting and hashing cost nothing.
// DATABASE_URL=postgres://... measures the PostgreSQL adapter instead of SQLite
// (and skips the storage figure: PostgreSQL's part runs in its own processes).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newId } from '@latchkey/contract';
import { openStore } from '@latchkey/server/storage';
import { load, type Scenario } from './lib/load.js';
import { cpuSeconds, startBaseline, startLatchkey, startScript, type Running } from './lib/processes.js';
import { scenarios, targets } from './lib/scenarios.js';
import { fakeTokens, seed } from './lib/seed.js';
import { secretArgs, verificationNames, verificationTargets, verifyScenario } from './lib/verification.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
const work = mkdtempSync(join(tmpdir(), 'latchkey-floor-'));
const resultsFile = new URL('./results/floor.md', import.meta.url).pathname;

// The replay servers look answers up by the same key (replay-server.mjs).
const keyOf = (method: string, path: string, authorization = '') => `${method} ${path} ${authorization}`;

/** latchkey's answer to one request of the scenario: status, headers as sent, body. */
function record(port: number, s: Scenario): Promise<{ key: string; status: number; headers: string[]; body: string }> {
  const method = s.method ?? 'GET';
  const headers = { ...s.headers, ...(s.body ? { 'content-type': 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: s.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        // node:http adds these itself, to every answer, latchkey's included.
        const own = new Set(['date', 'connection', 'keep-alive']);
        const kept = res.rawHeaders.filter((_, i) => i % 2 === 0 && !own.has(res.rawHeaders[i]!.toLowerCase()));
        resolve({
          key: keyOf(method, s.path, s.headers?.authorization),
          status: res.statusCode!,
          headers: kept.flatMap((name) => [name, res.headers[name.toLowerCase()] as string]),
          body: Buffer.concat(chunks).toString('base64'),
        });
      });
    });
    req.on('error', reject);
    req.end(s.body);
  });
}

/**
 * CPU µs per create of the storage port alone, with an audit entry as the route writes
 * it, `concurrency` at a time: what group commit sees from 50 connections.
 */
async function storeCreateUs(databaseUrl: string, applicationId: string, count = 10_000, concurrency = 50): Promise<number> {
  const store = await openStore(databaseUrl);
  try {
    // Shaped like the create scenario's tokens, so they land on the same index pages.
    const tokens = fakeTokens(applicationId, count).map((t) => ({
      ...t,
      id: newId(),
      hash: randomBytes(32),
      name: 'bench',
      scope: ['device.*'],
      status: 'active' as const,
      expiresAt: null,
    }));
    const start = process.cpuUsage();
    for (let i = 0; i < count; i += concurrency) {
      await Promise.all(
        tokens.slice(i, i + concurrency).map((t) =>
          store.createToken(t, {
            id: newId(),
            at: t.createdAt,
            actorType: 'apiToken',
            actorId: null,
            action: 'applicationApiToken.create',
            targetType: 'apiToken',
            targetId: t.id,
            applicationId,
            orgId: null,
            sourceAddress: '127.0.0.1',
            outcome: 'success',
          }),
        ),
      );
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / count;
  } finally {
    await store.close();
  }
}

try {
  const databaseUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : `sqlite:${join(work, 'floor.db')}`;
  const seeded = await seed(databaseUrl, 1000);
  // One /verify scenario only: the replay servers tell answers apart by method, path and
  // authorization, and every /verify request has the same three.
  const all = { ...scenarios(seeded), [verificationNames.plain]: verifyScenario(seeded.verification.plain) };
  const allTargets: Record<string, number | undefined> = { ...targets, ...verificationTargets };
  // First, while this process's heap is still small (autocannon's garbage is not ours).
  const storeUs = databaseUrl.startsWith('sqlite') ? await storeCreateUs(databaseUrl, seeded.applicationId) : undefined;
  const baseline = await startBaseline();
  const latchkey = await startLatchkey(databaseUrl, secretArgs);
  const servers: Running[] = [baseline, latchkey];
  try {
    const answers = await Promise.all(Object.values(all).map((s) => record(latchkey.port, s)));
    const answersFile = join(work, 'answers.json');
    writeFileSync(answersFile, JSON.stringify(answers));
    const node = await startScript('replay-server.mjs', { ANSWERS: answersFile, FRAMEWORK: 'node' });
    servers.push(node);
    const fastify = await startScript('replay-server.mjs', { ANSWERS: answersFile, FRAMEWORK: 'fastify' });
    servers.push(fastify);
    const contenders = { 'node:http replay': node, 'Fastify replay': fastify, latchkey };
    const rps = new Map<string, number[]>();
    const baselineUs: number[] = [];
    const add = (key: string, value: number) => rps.set(key, [...(rps.get(key) ?? []), value]);
    for (const s of Object.values(all)) for (const server of Object.values(contenders)) await load(server.port, s, 1); // warm the JITs
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const [name, s] of Object.entries(all)) {
        // Each round starts with another contender: whichever runs later in a row has
        // been seen to fare worse on these machines.
        const order = Object.entries(contenders);
        for (const [label, server] of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
          process.stdout.write(`round ${round + 1}: ${name}: baseline, then ${label}\n`);
          const cpuBefore = cpuSeconds(baseline.child.pid!);
          const b = await load(baseline.port, { path: '/', expect: 200 }, seconds);
          baselineUs.push(((cpuSeconds(baseline.child.pid!) - cpuBefore) * 1e6) / b.requests);
          add(`baseline|${name}`, b.rps);
          const result = await load(server.port, s, seconds);
          if (result.errors > 0) throw new Error(`${label} answered ${name} with ${result.errors} errors`);
          add(`${label}|${name}`, result.rps);
        }
      }
    }
    const baselineCpu = Math.min(...baselineUs);
    const mean = (key: string) => rps.get(key)!.reduce((a, b) => a + b, 0) / rps.get(key)!.length;
    const rows = Object.keys(all).map((name) => {
      const ratio = (label: string) => (mean(`${label}|${name}`) / mean(`baseline|${name}`)).toFixed(3);
      return `| ${name} | ${ratio('node:http replay')} | ${ratio('Fastify replay')} | ${ratio('latchkey')} | ${allTargets[name] ?? ''} |`;
    });
    const report = [
      "# Floors: what sending latchkey's answers costs, without latchkey",
      '',
      `Ratios of the bare node:http baseline (one small JSON body) in the same run; ${Number(values.rounds)} rounds of ${seconds} s, 50 connections.`,
      `${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${databaseUrl.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}; \`npm run bench:floor\`.`,
      '',
      '| scenario | node:http replay | Fastify replay | latchkey | target |',
      '| --- | --- | --- | --- | --- |',
      ...rows,
      '',
      "A replay server answers each request with latchkey's recorded answer (status, headers, body) and does nothing else.",
      '',
      ...(storeUs === undefined
        ? []
        : [
            `Create through the SQLite storage port alone, in-process, 50 at a time (group-committed), with its audit entry: ${storeUs.toFixed(1)} µs of CPU per create, ` +
              `against the baseline's ${baselineCpu.toFixed(1)} µs per request: a create ratio of at most ${(baselineCpu / storeUs).toFixed(3)} ` +
              'if HTTP, JSON, authentication, minting and hashing cost nothing.',
            '',
          ]),
    ].join('\n');
    process.stdout.write(`\n${report}`);
    writeFileSync(resultsFile, report);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
