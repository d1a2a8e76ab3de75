// npm run soak: measure the maximum rate of the authenticated list, then hold 80%
// of it for 60 s against one latchkey process (SQLite), sampling its RSS. Reports
// errors (expected 0) and RSS growth from the first to the last sample (expected
// under 10%). `--seconds N` shortens the hold (for a quick check).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { load } from './lib/load.js';
import { startLatchkey } from './lib/processes.js';
import { seed } from './lib/seed.js';

const arg = process.argv.indexOf('--seconds');
const holdSeconds = arg > 0 ? Number(process.argv[arg + 1]) : 60;
const work = mkdtempSync(join(tmpdir(), 'latchkey-soak-'));

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

try {
  const url = `sqlite:${join(work, 'soak.db')}`;
  const s = await seed(url, 1000);
  const server = await startLatchkey(url);
  const pid = server.child.pid!;
  try {
    const scenario = {
      path: `/applications/${s.applicationId}/tokens?perPage=10`,
      headers: { authorization: `Bearer ${s.token}` },
      expect: 200,
    };
    await load(server.port, scenario, 3); // warm up
    const max = await load(server.port, scenario, 10);
    const rate = Math.floor(max.rps * 0.8);
    process.stdout.write(`maximum ${max.rps.toFixed(0)} req/s; holding ${rate} req/s for ${holdSeconds} s\n`);
    const samples: number[] = [rssMiB(pid)];
    const timer = setInterval(() => samples.push(rssMiB(pid)), 5_000);
    let unexpected = 0;
    const result = await autocannon({
      url: `http://127.0.0.1:${server.port}${scenario.path}`,
      headers: scenario.headers,
      connections: 50,
      overallRate: rate,
      duration: holdSeconds,
      setupClient: (client) =>
        client.on('response', (status: number) => {
          if (status !== 200) unexpected++;
        }),
    });
    clearInterval(timer);
    samples.push(rssMiB(pid));
    const errors = result.errors + result.timeouts + unexpected;
    const first = samples[1] ?? samples[0]!;
    const last = samples.at(-1)!;
    const growth = ((last - first) / first) * 100;
    process.stdout.write(
      [
        `requests: ${result.requests.total} (${result.requests.average.toFixed(0)} req/s average, target ${rate})`,
        `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
        `errors: ${errors}`,
        `RSS: ${first.toFixed(1)} MiB -> ${last.toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%), samples ${samples.map((m) => m.toFixed(0)).join(' ')}`,
        '',
      ].join('\n'),
    );
    if (errors > 0 || growth > 10) process.exitCode = 1;
  } finally {
    await server.stop();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
