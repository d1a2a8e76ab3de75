// Stored usage buckets as the wire's Usage and ApplicationUsage.
import type { ApplicationUsage, Usage, UsageCounts } from '@latchkey/contract';
import type { TokenUsageTotal, UsageBucket } from '../storage/port.js';
import { iso } from '../routes/wire.js';

/** Buckets (ordered by time, as readUsage returns them) -> items and totals. */
export function toUsage(buckets: readonly UsageBucket[]): Usage {
  const items: Usage['items'] = [];
  const totals: UsageCounts = {};
  let last: { time: number; counts: UsageCounts } | undefined;
  for (const b of buckets) {
    if (last?.time !== b.time) {
      last = { time: b.time, counts: {} };
      items.push({ time: iso(b.time), counts: last.counts });
    }
    last.counts[b.code] = (last.counts[b.code] ?? 0) + b.count;
    totals[b.code] = (totals[b.code] ?? 0) + b.count;
  }
  return { items, totals };
}

/** Per-token totals -> the top list, most verifications first (ties by id); names of tokens that still exist. */
export function toTopTokens(totals: readonly TokenUsageTotal[], names: ReadonlyMap<string, string>): ApplicationUsage['topTokens'] {
  const byToken = new Map<string, { total: number; totals: UsageCounts }>();
  for (const t of totals) {
    let entry = byToken.get(t.tokenId);
    if (!entry) byToken.set(t.tokenId, (entry = { total: 0, totals: {} }));
    entry.total += t.count;
    entry.totals[t.code] = (entry.totals[t.code] ?? 0) + t.count;
  }
  return [...byToken]
    .sort(([a, x], [b, y]) => y.total - x.total || (a < b ? -1 : 1))
    .map(([apiTokenId, entry]) => {
      const name = names.get(apiTokenId);
      return { apiTokenId, ...(name === undefined ? {} : { name }), total: entry.total, totals: entry.totals };
    });
}
