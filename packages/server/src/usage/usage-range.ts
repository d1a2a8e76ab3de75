// The range a usage read covers, from the query: defaults, bucket alignment, and
// the 400s that say what to change.
import type { UsageQuery, UsageResolution } from '@latchkey/contract';
import { errors } from '../errors.js';
import { bucketStart } from './usage-buckets.js';
import type { UsageRetention } from './usage-writer.js';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** How far before `end` a range starts when the query gives no start. */
export const defaultUsageSpans: Record<UsageResolution, number> = { minute: hourMs, hour: dayMs, day: 30 * dayMs };

/** The longest range of daily buckets one read may ask for. */
const maxDaySpan = 3660 * dayMs;

function describe(ms: number): string {
  if (ms % dayMs === 0 && ms >= 3 * dayMs) return `${ms / dayMs} days`;
  if (ms % hourMs === 0) return `${ms / hourMs} hours`;
  return `${Math.round(ms / 60_000)} minutes`;
}

function parse(name: 'start' | 'end', value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw errors.validation(`${name} must be an ISO 8601 date-time`);
  return ms;
}

export interface ResolvedUsageRange {
  resolution: UsageResolution;
  /** The start of the bucket the query's start falls in. */
  start: number;
  /** Exclusive: buckets starting before it. */
  end: number;
}

/**
 * A range may not reach further back than its resolution is kept (minute and hour
 * buckets): a longer one would read buckets already dropped as if there had been no
 * verifications.
 */
export function usageRange(query: UsageQuery, now: number, retention: UsageRetention): ResolvedUsageRange {
  const resolution = query.resolution ?? 'hour';
  const end = parse('end', query.end) ?? now;
  const start = parse('start', query.start) ?? end - defaultUsageSpans[resolution];
  if (start >= end) throw errors.validation('start must be before end');
  const longest = { minute: retention.minuteMs, hour: retention.hourMs, day: retention.dayMs ?? maxDaySpan }[resolution];
  if (end - start > longest) {
    const coarser = resolution === 'day' ? '' : `, or use resolution=${resolution === 'minute' ? 'hour' : 'day'}`;
    throw errors.validation(
      `A range at resolution=${resolution} may span at most ${describe(longest)} (it spans ${describe(end - start)}): move start closer to end${coarser}`,
    );
  }
  return { resolution, start: bucketStart(resolution, start), end };
}
