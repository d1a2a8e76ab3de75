// How long a revocation takes to reach a downstream verifier across two nodes: the
// SDK verifier asks node B (and follows node B's GET /verify/events); each sample
// creates a token on node A, has the verifier cache it as valid, then patches it
// inactive on node A and times, from just before the patch is sent, until the
// verifier answers the token invalid. A sample the change never reaches within
// `timeoutMs` counts as that long, so a lost event shows in the percentiles.
import { createVerifier } from '@latchkey/client';
import { setImmediate } from 'node:timers/promises';
import type { Seeded } from './seed.js';

export interface RevocationResult {
  samples: number[];
  p50: number;
  p99: number;
  max: number;
  /** Samples the change did not reach within the timeout. */
  missed: number;
}

/** The verifier's answer as valid or not (an introspection's `active` before /verify's `valid`). */
const isValid = (answer: { valid?: boolean; active?: boolean }) => answer.valid ?? answer.active === true;

async function call(url: string, method: string, bearer: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

export async function revocationLatency(
  nodeA: number,
  nodeB: number,
  seeded: Seeded,
  introspectionSecret: string,
  samples: number,
  timeoutMs = 2000,
): Promise<RevocationResult> {
  const base = `http://127.0.0.1:${nodeA}/applications/${seeded.applicationId}/tokens`;
  const verifier = createVerifier({ url: `http://127.0.0.1:${nodeB}`, introspectionSecret, cacheTtlMs: 60_000 });
  const times: number[] = [];
  let missed = 0;
  try {
    // The first sample only opens the verifier's connections; it is not kept.
    for (let i = 0; i <= samples; i++) {
      const created = (await call(base, 'POST', seeded.token, { name: `revoked-${i}`, scope: ['device.*'] })) as {
        id: string;
        token: string;
      };
      if (!isValid(await verifier.verify(created.token))) throw new Error('a token just created was not valid on node B');
      const start = performance.now();
      await call(`${base}/${created.id}`, 'PATCH', seeded.token, { status: 'inactive' });
      let elapsed = performance.now() - start;
      while (isValid(await verifier.verify(created.token)) && elapsed < timeoutMs) {
        await setImmediate();
        elapsed = performance.now() - start;
      }
      if (elapsed >= timeoutMs) missed++;
      if (i > 0) times.push(Math.min(elapsed, timeoutMs));
    }
  } finally {
    (verifier as { close?: () => unknown }).close?.();
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { samples: times, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1)!, missed };
}
