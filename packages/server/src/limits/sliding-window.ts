// The sliding window both rate limiters count (as Unkey's): fixed windows of
// `duration` aligned to the epoch, the previous window's count weighted by the part
// of it the sliding window still covers. The decision itself runs where the counters
// are (in memory, or in redis-script.ts's Lua, which computes `usedNow` the same way);
// this file holds the arithmetic and renders the states a decision answers with.
import type { RatelimitState } from '@latchkey/contract';
import type { LimitRequest } from './rate-limiter.js';

/** The two counts a decision reads: this window's and the previous one's. */
export interface WindowCounts {
  current: number;
  previous: number;
}

const exactBelow = 2 ** 53;

/**
 * floor(a * b / d) exactly, for non-negative integers a, b, d below 2^32: a count
 * up to 10^9 times a duration up to 30 days exceeds 2^53, where doubles round.
 * Below 2^53 floor(n / d) is exact (its rounding error stays under 1/d). Above, b
 * is split into 16-bit halves so every partial product stays below 2^53.
 */
export function mulDivFloor(a: number, b: number, d: number): number {
  if (a * b < exactBelow) return Math.floor((a * b) / d);
  const high = Math.floor(b / 65536);
  const low = b - high * 65536;
  const x = a * high;
  const qx = Math.floor(x / d);
  return qx * 65536 + Math.floor(((x - qx * d) * 65536 + a * low) / d);
}

export const windowOf = (now: number, duration: number) => Math.floor(now / duration);

/** What the sliding window ending at `now` holds. */
export function usedNow(counts: WindowCounts, duration: number, now: number): number {
  return counts.current + mulDivFloor(counts.previous, duration - (now % duration), duration);
}

/** A request fits when it stays within the limit; cost 0 (a check) fits while any room is left. */
export const fits = (used: number, limit: number, cost: number) => (cost === 0 ? used < limit : used + cost <= limit);

/** The state answered for one limit, from the counts read before the decision. */
export function stateOf(request: LimitRequest, counts: WindowCounts, now: number, allowed: boolean): RatelimitState {
  const used = usedNow(counts, request.duration, now);
  return {
    name: request.name,
    limit: request.limit,
    duration: request.duration,
    remaining: Math.max(0, request.limit - used - (allowed ? request.cost : 0)),
    reset: (windowOf(now, request.duration) + 1) * request.duration,
  };
}

/** Smallest offset into a window at which floor(weight * (d - offset) / d) <= room (room >= 0, weight > room). */
function offsetWhereWeightFits(weight: number, room: number, duration: number): number {
  // floor(w (d - t) / d) <= room  <=>  d - t < (room + 1) d / w  <=>  t >= d + 1 - ceil((room + 1) d / w).
  const d = BigInt(duration);
  const w = BigInt(weight);
  const ceiling = (BigInt(room + 1) * d + w - 1n) / w;
  return Number(d + 1n - ceiling);
}

/**
 * How long until `request` would fit if nothing else were counted: within this
 * window as the previous one's weight fades, else in the next. A cost above the
 * limit never fits: one duration, the longest any window makes anyone wait.
 */
export function retryAfterMs(request: LimitRequest, counts: WindowCounts, now: number): number {
  const { limit, duration } = request;
  const need = Math.max(1, request.cost);
  if (need > limit) return duration;
  const offset = now % duration;
  const room = limit - need - counts.current;
  if (room >= 0) {
    if (counts.previous <= room) return 0;
    return Math.max(0, offsetWhereWeightFits(counts.previous, room, duration) - offset);
  }
  // This window's count alone leaves no room: only the next window can hold it, as
  // this window's count fades there in turn.
  return duration - offset + offsetWhereWeightFits(counts.current, limit - need, duration);
}
