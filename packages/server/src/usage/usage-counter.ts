// Verifications counted per token, per outcome code, per minute, in memory: every
// verification adds here (no write per verification); usage-writer.ts takes what
// accumulated and writes it to the store in batches.
import type { UsageCode, VerificationCode } from '@latchkey/contract';
import type { Metrics } from '../metrics/metrics.js';
import type { OwnerType, UsageCount } from '../storage/port.js';

export type { UsageCount };

const minuteMs = 60_000;

export interface CountedToken {
  id: string;
  ownerType: OwnerType;
  ownerId: string;
}

/**
 * The code a verification is counted under: its outcome, but a valid one of a
 * secret a rotation replaced apart (VALID_DEPRECATED), so its owner sees who still
 * uses the old secret.
 */
export function usageCodeOf(code: VerificationCode, deprecated: boolean | undefined): UsageCode {
  return deprecated === true && code === 'VALID' ? 'VALID_DEPRECATED' : code;
}

export class UsageCounter {
  private counts = new Map<string, UsageCount>();

  /** `metrics`: every verification counted here is counted there too, by code (not what restore() puts back). */
  constructor(private readonly metrics?: Metrics) {}

  count(token: CountedToken, code: UsageCode, now: number, n = 1): void {
    this.metrics?.verification(code).inc(n);
    this.add(token, code, now, n);
  }

  private add(token: CountedToken, code: UsageCode, now: number, n: number): void {
    const minute = now - (now % minuteMs);
    const key = `${token.id} ${code} ${minute}`;
    const kept = this.counts.get(key);
    if (kept) kept.count += n;
    else this.counts.set(key, { tokenId: token.id, ownerType: token.ownerType, ownerId: token.ownerId, code, minute, count: n });
  }

  /** Everything counted since the last take; the counter starts again from nothing. */
  take(): UsageCount[] {
    const taken = [...this.counts.values()];
    this.counts = new Map();
    return taken;
  }

  /** Puts back counts a write could not store, so that none is lost. */
  restore(counts: readonly UsageCount[]): void {
    for (const c of counts) this.add({ id: c.tokenId, ownerType: c.ownerType, ownerId: c.ownerId }, c.code, c.minute, c.count);
  }
}
