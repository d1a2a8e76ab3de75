// The buckets usage is kept in: UTC minutes, hours and days, aligned to the epoch.
import type { UsageResolution } from '@latchkey/contract';

/** Bucket lengths in ms (epoch time has no leap seconds, so UTC days are exact). */
export const usageSpans: Record<UsageResolution, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The start of the bucket `time` falls in. */
export function bucketStart(resolution: UsageResolution, time: number): number {
  const span = usageSpans[resolution];
  return Math.floor(time / span) * span;
}
