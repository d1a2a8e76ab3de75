// The data plane's scenarios: POST /verify (and POST /introspect, its predecessor) as
// a service that trusts latchkey tokens calls them, every answer's body checked.
import { execFile } from 'node:child_process';
import type { Scenario } from './load.js';
import { repoRoot, type WriteCounts } from './processes.js';
import type { VerificationTokens } from './seed.js';

/** The introspection secret the bench's servers are started with. */
export const introspectionSecret = 'bench-introspection-secret-0123456789';
export const secretArgs = ['--introspection-secret', introspectionSecret];
const auth = { authorization: `Bearer ${introspectionSecret}` };

const isValid = (body: string) => body.includes('"code":"VALID"');

export const verifyScenario = (token: string): Scenario => ({
  method: 'POST',
  path: '/verify',
  headers: auth,
  body: JSON.stringify({ token }),
  expect: 200,
  verifyBody: isValid,
});

export const introspectScenario = (token: string): Scenario => ({
  method: 'POST',
  path: '/introspect',
  headers: auth,
  body: JSON.stringify({ token }),
  expect: 200,
  verifyBody: (body) => body.includes('"active":true'),
});

export const verificationNames = {
  introspect: 'POST /introspect',
  plain: 'POST /verify, token without limits',
  ratelimited: 'POST /verify, one in-memory rate limit',
  redis: 'POST /verify, rate limit in Redis',
  credited: 'POST /verify, credits (SQLite)',
} as const;

/** The scenarios one latchkey server (SQLite, in-memory limiter) runs; Redis has its own server. */
export function verificationScenarios(tokens: VerificationTokens, hasVerify: boolean): Record<string, Scenario> {
  return {
    [verificationNames.introspect]: introspectScenario(tokens.plain),
    ...(hasVerify
      ? {
          [verificationNames.plain]: verifyScenario(tokens.plain),
          [verificationNames.ratelimited]: verifyScenario(tokens.ratelimited),
          [verificationNames.credited]: verifyScenario(tokens.credited),
        }
      : {}),
  };
}

/** The same scenarios under short names, for bench:profile and bench:instructions. */
export const verificationProbes = (tokens: VerificationTokens): Record<string, Scenario> => ({
  verify: verifyScenario(tokens.plain),
  'verify-limit': verifyScenario(tokens.ratelimited),
  'verify-credits': verifyScenario(tokens.credited),
  introspect: introspectScenario(tokens.plain),
});

/** The targets, as ratios of the baseline. */
export const verificationTargets: Record<string, number> = {
  [verificationNames.plain]: 0.6,
  [verificationNames.ratelimited]: 0.55,
  [verificationNames.redis]: 0.3,
  [verificationNames.credited]: 0.2,
};

/** Whether the server has the route (one it lacks answers 404). */
export async function hasRoute(port: number, method: 'GET' | 'POST', path: string): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { ...auth, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: '{}' } : {}),
    signal: AbortSignal.timeout(5000),
  });
  await response.body?.cancel();
  return response.status !== 404;
}

/** Whether `latchkey serve` accepts the flag (features land on main one at a time). */
export async function serveHasFlag(flag: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['packages/server/bin/latchkey.js', 'serve', '--help'], { cwd: repoRoot }, (_error, stdout) =>
      resolve(stdout.includes(flag)),
    );
  });
}

/** Usage counts' tables: written in batches, apart from verifications. */
const isUsageTable = (table: string) => table.startsWith('usage');

/** Write statements to every table but the usage counts'. */
export const writesOutsideUsage = (counts: WriteCounts) =>
  Object.entries(counts)
    .filter(([table]) => !isUsageTable(table))
    .reduce((sum, [, c]) => sum + c.writes, 0);

/** Write statements to the usage counts' tables, and the bursts (batches) they came in. */
export function usageWrites(counts: WriteCounts): { writes: number; batches: number } {
  const usage = Object.entries(counts).filter(([table]) => isUsageTable(table));
  // The tables of one batch are written together: the busiest table's bursts are the batches.
  return { writes: usage.reduce((sum, [, c]) => sum + c.writes, 0), batches: Math.max(0, ...usage.map(([, c]) => c.bursts)) };
}
