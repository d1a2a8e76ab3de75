// A usage answer as the chart draws it: every bucket of the range (the API leaves out
// buckets without verifications; here they are zeros), one row of counts per outcome
// code present, in the order codes are checked (usageCodes).
import { usageCodes, type Usage, type UsageCode, type UsageResolution } from '@latchkey/contract';

/** Bucket lengths in ms: UTC minutes, hours and days aligned to the epoch, as the server keeps them. */
export const bucketMs: Record<UsageResolution, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export interface UsageSeries {
  resolution: UsageResolution;
  /** Start of every bucket in the range (epoch ms), oldest first. */
  times: number[];
  /** The codes with at least one verification in the range. */
  codes: UsageCode[];
  /** Per code in `codes`: its count in each bucket of `times`. */
  counts: Map<UsageCode, number[]>;
}

/** The codes with a count, in usageCodes order. */
export function codesIn(totals: Usage['totals']): UsageCode[] {
  return usageCodes.filter((code) => (totals[code] ?? 0) > 0);
}

export function totalOf(totals: Usage['totals']): number {
  return usageCodes.reduce((sum, code) => sum + (totals[code] ?? 0), 0);
}

/** Buckets starting in [start, end), as the API reads them (its start is the bucket `start` falls in). */
export function toSeries(usage: Usage, resolution: UsageResolution, start: number, end: number): UsageSeries {
  const span = bucketMs[resolution];
  const first = Math.floor(start / span) * span;
  const times: number[] = [];
  for (let t = first; t < end; t += span) times.push(t);
  const codes = codesIn(usage.totals);
  const counts = new Map(codes.map((code) => [code, times.map(() => 0)]));
  for (const item of usage.items) {
    const index = Math.round((Date.parse(item.time) - first) / span);
    if (index < 0 || index >= times.length) continue;
    for (const code of codes) counts.get(code)![index]! += item.counts[code] ?? 0;
  }
  return { resolution, times, codes, counts };
}

/** Per code, the running sum of it and every code before it: the tops of the stacked bars, bottom code first. */
export function stacked(series: UsageSeries): number[][] {
  const sums = series.times.map(() => 0);
  return series.codes.map((code) => {
    const row = series.counts.get(code)!;
    return row.map((count, i) => (sums[i]! += count));
  });
}
