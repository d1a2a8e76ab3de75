// A rotated token's previous secret, apart from HTTP and storage: whether it still
// verifies, until when, and until when a token's rendering shows it as it is. A
// grace period ends by the clock alone (nothing is written when it does), so every
// reader asks here with its own `now`.
import type { TokenRecord } from '../storage/port.js';

/** Whether the secret the last rotation replaced still verifies at `now`. */
export function previousSecretLive(record: TokenRecord, now: number): boolean {
  return record.previousSecretExpiresAt !== null && now < record.previousSecretExpiresAt;
}

/**
 * When a previous secret stops verifying: the end of its grace period, or the
 * token's own expiry if that comes first. It is what verifications of that secret
 * give as its expiry, so a cache downstream never keeps one past it.
 */
export function previousSecretExpiry(record: TokenRecord): number {
  const end = record.previousSecretExpiresAt ?? Number.NEGATIVE_INFINITY;
  return record.expiresAt === null ? end : Math.min(end, record.expiresAt);
}

/**
 * Until when a rendering made at `now` shows the grace period as it is: its end
 * takes previousSecretExpiresAt and previousSecretLastUsed off the token object.
 */
export function graceShownUntil(record: TokenRecord, now: number): number {
  return previousSecretLive(record, now) ? record.previousSecretExpiresAt! : Number.POSITIVE_INFINITY;
}

/** The grace period of a rotation at `at`, in seconds, as the time it ends; null for none. */
export function graceEnd(at: number, gracePeriodSeconds: number): number | null {
  return gracePeriodSeconds > 0 ? at + gracePeriodSeconds * 1000 : null;
}
