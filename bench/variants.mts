import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { load } from './lib/load.js';
import { freePort } from './lib/processes.js';
const variants = process.argv.slice(2); // file:MODE
const best: Record<string, number> = {};
const sysb: Record<string, number[]> = {};
for (let round = 0; round < 3; round++) for (const v of variants) {
  const [file, mode, reqPath, auth] = v.split(':');
  const port = await freePort();
  const child = spawn(process.execPath, [file!], { env: { ...process.env, PORT: String(port), MODE: mode ?? '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => child.stdout!.once('data', r));
  const path = reqPath ?? (file!.includes('base') ? '/' : '/health');
  const expect = Number(process.env.EXPECT ?? 200);
  const st = () => { const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return [Number(f[11]), Number(f[12]), Number(f[7])]; };
  const ticks = () => st()[0]! + st()[1]!;
  const sc = { path, expect, headers: auth ? { authorization: `Bearer ${auth}` } : {} };
  await load(port, sc, 1);
  const t0 = ticks(); const s0 = st()[1]!; const m0 = st()[2]!;
  const r = await load(port, sc, 3);
  const us = ((ticks() - t0) / 100 / 3) * 1e6 / r.rps;
  best[v] = Math.min(best[v] ?? Infinity, us);
  const sys = (st()[1]! - s0) / 100 / 3 * 1e6 / r.rps; (sysb[v] ??= []).push(sys); console.log(v.slice(0, 30), 'minflt/req', ((st()[2]! - m0) / r.requests).toFixed(2));
  child.kill();
}
for (const [v, us] of Object.entries(best)) console.log(v.slice(0, 40).padEnd(40), us.toFixed(1), 'sys us/req', sysb[v]!.map((x) => x.toFixed(1)).join(' '));
