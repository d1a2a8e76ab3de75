// Real usage on a live server, for the usage pages' tests: tokens of the server's
// application verified through POST /verify (authenticated with the introspection
// secret) until each outcome happens, one of them deleted afterwards. Returns what was
// made and the totals the usage routes must then answer, read back through them.
import assert from 'node:assert/strict';
import { createClient } from '@latchkey/client';
import type { ApplicationUsage, UsageCode, UsageCounts } from '@latchkey/contract';
import { api, type Server } from './browser.js';

/** Pass to `startServer(t, { introspectionSecret })`; POST /verify needs it. */
export const introspectionSecret = 'console-usage-introspection-secret';

export interface UsageToken {
  id: string;
  name: string;
  totals: UsageCounts;
  total: number;
}

export interface UsageData {
  /** Ratelimit of 3 a minute, verified 5 times: VALID 3, RATE_LIMITED 2. */
  limited: UsageToken;
  /** 2 credits, verified 4 times: VALID 2, USAGE_EXCEEDED 2. */
  metered: UsageToken;
  /** Inactive, verified once: DISABLED 1. */
  disabled: UsageToken;
  /** Verified twice (VALID 2), then deleted: counted, with no name. */
  deleted: UsageToken;
  /** The application's totals: every token above summed. */
  totals: UsageCounts;
  total: number;
}

async function mint(server: Server, body: Record<string, unknown>): Promise<{ id: string; name: string; token: string }> {
  const created = await api(server, server.token, `/applications/${server.applicationId}/tokens`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body as { id: string; name: string; token: string };
}

async function verify(server: Server, token: string): Promise<UsageCode> {
  const answer = await api(server, introspectionSecret, '/verify', { method: 'POST', body: JSON.stringify({ token }) });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body as { code: UsageCode }).code;
}

/** Verifies `token` once per expected code, in order, and checks each answer. */
async function verifyAs(server: Server, token: { id: string; name: string; token: string }, codes: UsageCode[]): Promise<UsageToken> {
  const answered: UsageCode[] = [];
  for (let i = 0; i < codes.length; i++) answered.push(await verify(server, token.token));
  assert.deepEqual(answered, codes, `verifications of ${token.name}`);
  const totals: UsageCounts = {};
  for (const code of codes) totals[code] = (totals[code] ?? 0) + 1;
  return { id: token.id, name: token.name, totals, total: codes.length };
}

export async function makeUsage(server: Server): Promise<UsageData> {
  const limited = await verifyAs(
    server,
    await mint(server, { name: 'limited', ratelimits: [{ name: 'requests', limit: 3, duration: 60_000 }] }),
    ['VALID', 'VALID', 'VALID', 'RATE_LIMITED', 'RATE_LIMITED'],
  );
  const metered = await verifyAs(server, await mint(server, { name: 'metered', credits: { remaining: 2 } }), [
    'VALID',
    'VALID',
    'USAGE_EXCEEDED',
    'USAGE_EXCEEDED',
  ]);
  const disabled = await verifyAs(server, await mint(server, { name: 'disabled', status: 'inactive' }), ['DISABLED']);
  const retired = await mint(server, { name: 'retired' });
  const deleted = await verifyAs(server, retired, ['VALID', 'VALID']);
  await createClient({ url: server.url, accessToken: server.token }).applicationApiToken.delete({
    applicationId: server.applicationId,
    apiTokenId: retired.id,
  });

  const totals: UsageCounts = {};
  for (const token of [limited, metered, disabled, deleted]) {
    for (const [code, n] of Object.entries(token.totals) as Array<[UsageCode, number]>) totals[code] = (totals[code] ?? 0) + n;
  }
  const data: UsageData = {
    limited,
    metered,
    disabled,
    deleted,
    totals,
    total: limited.total + metered.total + disabled.total + deleted.total,
  };
  await untilReported(server, data);
  return data;
}

/**
 * Waits until the application's usage reports every verification (a read writes this
 * node's pending counts first, so normally at once), and fails after 15 s.
 */
async function untilReported(server: Server, data: UsageData): Promise<void> {
  const deadline = Date.now() + 15_000;
  let last: unknown;
  while (Date.now() < deadline) {
    const answer = await api(server, server.token, `/applications/${server.applicationId}/usage?resolution=minute`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const usage = answer.body as ApplicationUsage;
    last = usage.totals;
    if (JSON.stringify(sorted(usage.totals)) === JSON.stringify(sorted(data.totals))) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.fail(`usage never reported ${JSON.stringify(data.totals)}; last answer ${JSON.stringify(last)}`);
}

function sorted(counts: UsageCounts): Array<[string, number | undefined]> {
  return Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1));
}
