// A token's limits (rate limits, credits, meta) between the wire and the record.
import type { ApiToken, Credits, CreditsPatch, Ratelimit } from '@latchkey/contract';
import type { TokenCredits, TokenRatelimit, TokenRecord } from '../storage/port.js';
import { effectiveRemaining } from './credit-refill.js';

export function ratelimitsFromWire(ratelimits: readonly Ratelimit[] | undefined): TokenRatelimit[] {
  return (ratelimits ?? []).map((r) => ({ name: r.name, limit: r.limit, duration: r.duration, autoApply: r.autoApply ?? true }));
}

function refillFromWire(refill: Credits['refill'] | null | undefined): TokenCredits['refill'] {
  if (!refill) return null;
  return { amount: refill.amount, interval: refill.interval, refillDay: refill.interval === 'monthly' ? (refill.refillDay ?? 1) : null };
}

/** A create's credits; the balance counts as set at `at`. */
export function creditsFromWire(credits: Credits | null | undefined, at: number): TokenCredits | null {
  return credits
    ? { remaining: credits.remaining, refill: refillFromWire(credits.refill), refilledAt: at, initial: credits.remaining }
    : null;
}

/**
 * A patch's credits merged into the current ones: `remaining` sets the balance, `refill`
 * (or null) replaces the refill, what it leaves out stays (the balance as it stands
 * at `at`, a due refill applied: the new refilledAt would otherwise skip it).
 * Undefined: no change.
 */
export function patchedCredits(
  current: TokenCredits | null,
  patch: CreditsPatch | null | undefined,
  at: number,
): TokenCredits | null | undefined {
  if (patch === undefined) return undefined;
  if (patch === null) return null;
  const remaining = patch.remaining ?? (current ? effectiveRemaining(current, at) : undefined);
  // Refused before this by the validation (tokens/limits-validation.ts); a guard only.
  if (remaining === undefined) throw new Error('credits.remaining is required when the token has no credits');
  return {
    remaining,
    refill: patch.refill === undefined ? (current?.refill ?? null) : refillFromWire(patch.refill),
    refilledAt: at,
    // A balance given anew is what token.credits_low's thresholds are shares of (without a refill).
    initial: patch.remaining ?? current?.initial ?? remaining,
  };
}

/** The limits' wire fields of a token (absent when unset); the balance as it stands at `now`. */
export function limitsToWire(record: TokenRecord, out: ApiToken, now: number): void {
  if (record.ratelimits.length > 0) out.ratelimits = record.ratelimits;
  if (record.credits) {
    const { refill } = record.credits;
    const remaining = effectiveRemaining(record.credits, now);
    out.credits = refill
      ? {
          remaining,
          refill:
            refill.refillDay === null ? { amount: refill.amount, interval: refill.interval } : { ...refill, refillDay: refill.refillDay },
        }
      : { remaining };
  }
  if (record.meta) out.meta = record.meta;
}
