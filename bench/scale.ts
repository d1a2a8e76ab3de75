// npm run bench:scale: 1,000,000 tokens in the store, 100,000 of them in one
// application, seeded through the storage port in bulk. Measures list-page latency
// (perPage 100) for every sort field and direction, without a filter, with a status
// filter, a name prefix glob and a leading-wildcard glob; server RSS after start;
// start-up time on that database. Results are merged into bench/results/latest.*.
// `--tokens N` scales the run down: npm test runs it with 2,000 tokens (results are
// kept only from full runs).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiTokenSortFields, newId } from '@latchkey/contract';
import { openStore } from '@latchkey/server/storage';
import { fakeTokens, seed } from './lib/seed.js';
import { startLatchkey } from './lib/processes.js';
import { isScaleFigure, mergeReport, table, type Figure } from './lib/report.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const total = arg('--tokens', 1_000_000);
const inApplication = Math.min(total, arg('--in-application', Math.round(total / 10)));
// 200 samples make p99 the second-slowest page; with 40 it was simply the slowest.
const samples = arg('--samples', 200);
const smoke = total < 1_000_000;
const resultsDir = new URL('./results/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'latchkey-scale-'));
const words = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'foxtrot',
  'golf',
  'hotel',
  'india',
  'juliet',
  'kilo',
  'lima',
  'mike',
  'november',
  'oscar',
  'papa',
  'quebec',
  'romeo',
  'sierra',
  'tango',
  'uniform',
  'victor',
  'whiskey',
  'xray',
  'yankee',
  'zulu',
];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function seedAll(url: string) {
  const s = await seed(url, 0);
  const store = await openStore(url);
  try {
    const now = Date.now();
    const batch = 50_000;
    const others = Array.from({ length: 50 }, () => newId());
    for (let done = 0; done < total; done += batch) {
      const n = Math.min(batch, total - done);
      // The first `inApplication` tokens go to the measured application, the rest
      // are spread over 50 others.
      const owner = done < inApplication ? s.applicationId : others[(done / batch) % others.length]!;
      const tokens = fakeTokens(owner, n, now - done * 1000).map((t, i) => ({
        ...t,
        id: newId(now - (done + i) * 1000),
        name: `${words[(done + i) % words.length]}-${((done + i) * 7919) % 1_000_003}`,
        hash: Buffer.from(`${owner}${done + i}`.padEnd(32, '.').slice(0, 32)),
      }));
      await store.createTokens(tokens);
      process.stdout.write(`\rseeded ${done + n} of ${total}`);
    }
    process.stdout.write('\n');
  } finally {
    await store.close();
  }
  return s;
}

try {
  const url = `sqlite:${join(work, 'scale.db')}`;
  const seedStart = performance.now();
  const s = await seedAll(url);
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const started = performance.now();
  const server = await startLatchkey(url);
  const startupMs = performance.now() - started;
  const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  const rss = rssOf(server.child.pid!);
  let rssAfter = 0;
  const figures: Figure[] = [];
  try {
    const headers = { authorization: `Bearer ${s.token}` };
    const base = `http://127.0.0.1:${server.port}/applications/${s.applicationId}/tokens?perPage=100`;
    const filters: Array<[string, string, number]> = [
      ['no filter', '', 5],
      ['status filter', '&filterField=status&filter=inactive', 5],
      ['name prefix glob', '&filterField=name&filter=kilo-1*', 5],
      ['leading-wildcard glob', '&filterField=name&filter=*ilo-1*', 100],
    ];
    for (const [label, query, target] of filters) {
      for (const sortField of apiTokenSortFields) {
        for (const direction of ['asc', 'desc']) {
          const url = `${base}&sortField=${sortField}&sortDirection=${direction}${query}`;
          const times: number[] = [];
          for (let i = 0; i < samples + 3; i++) {
            // Each sample is another page (0, 1, 2, ...): a page asked twice of an
            // unchanged database would come from the server's read cache.
            const t0 = performance.now();
            const res = await fetch(`${url}&page=${i}`, { headers });
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
            if (i >= 3) times.push(performance.now() - t0); // the first pages warm SQLite's and the OS's caches
          }
          times.sort((a, b) => a - b);
          const name = `${label}, ${sortField} ${direction}`;
          figures.push({
            group: `List page p99 at ${total.toLocaleString('en')} tokens`,
            name,
            value: quantile(times, 0.99),
            unit: 'ms',
            target,
            better: 'lower',
          });
          figures.push({ group: `List page p50 at ${total.toLocaleString('en')} tokens`, name, value: quantile(times, 0.5), unit: 'ms' });
        }
      }
    }
    rssAfter = rssOf(server.child.pid!);
  } finally {
    await server.stop();
  }
  figures.push(
    {
      group: 'Scale: server',
      name: `RSS after start, ${total.toLocaleString('en')} tokens`,
      value: rss,
      unit: 'MiB',
      target: 200,
      better: 'lower',
    },
    // Caches (SQLite's pages, kept renderings) fill as pages are read: the same
    // limit holds once every list above has run.
    {
      group: 'Scale: server',
      name: `RSS after the list pages, ${total.toLocaleString('en')} tokens`,
      value: rssAfter,
      unit: 'MiB',
      target: 200,
      better: 'lower',
    },
    { group: 'Scale: server', name: 'start-up time', value: startupMs, unit: 'ms' },
    { group: 'Scale: server', name: 'bulk seeding (s)', value: seedSeconds, unit: 's' },
  );
  process.stdout.write(`\n${table(figures)}\n`);
  if (!smoke) {
    await mergeReport(
      resultsDir,
      { scaleDate: new Date().toISOString(), scale: { total, inApplication, samples } },
      figures,
      isScaleFigure,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
