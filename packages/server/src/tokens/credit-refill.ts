// When credits refill: at 00:00 UTC of each due day (every day, or the refillDay of
// each month; a month shorter than refillDay refills on its last day). No timer: a
// spend passes the latest refill time to the store, which applies the refill if the
// balance was set before it (Store.spendCredits).
import type { TokenCredits } from '../storage/port.js';

const dayMs = 86_400_000;

function monthlyTime(year: number, month: number, refillDay: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(refillDay, lastDay));
}

/** The latest refill time at or before `now` (epoch ms), or null without a refill. */
export function refillSince(refill: TokenCredits['refill'], now: number): number | null {
  if (!refill) return null;
  if (refill.interval === 'daily') return now - (now % dayMs);
  const date = new Date(now);
  const day = refill.refillDay ?? 1;
  const thisMonth = monthlyTime(date.getUTCFullYear(), date.getUTCMonth(), day);
  return thisMonth <= now ? thisMonth : monthlyTime(date.getUTCFullYear(), date.getUTCMonth() - 1, day);
}

/** The first refill time after `after` (epoch ms), or null without a refill. */
export function nextRefill(refill: TokenCredits['refill'], after: number): number | null {
  if (!refill) return null;
  if (refill.interval === 'daily') return after - (after % dayMs) + dayMs;
  const date = new Date(after);
  const day = refill.refillDay ?? 1;
  const thisMonth = monthlyTime(date.getUTCFullYear(), date.getUTCMonth(), day);
  return thisMonth > after ? thisMonth : monthlyTime(date.getUTCFullYear(), date.getUTCMonth() + 1, day);
}

/**
 * Until when the balance a read shows at `now` stays what it is without a write: the
 * next refill while none is due; once one is due the refilled amount stands until
 * the next spend or patch (which writes, and moves the token's version).
 */
export function balanceShownUntil(credits: TokenCredits | null, now: number): number {
  if (!credits?.refill) return Number.POSITIVE_INFINITY;
  const next = nextRefill(credits.refill, credits.refilledAt)!;
  return next <= now ? Number.POSITIVE_INFINITY : next;
}

/** The balance as a spend at `now` would see it (a due refill applied). */
export function effectiveRemaining(credits: TokenCredits, now: number): number {
  const since = refillSince(credits.refill, now);
  return since !== null && credits.refilledAt < since ? credits.refill!.amount : credits.remaining;
}
