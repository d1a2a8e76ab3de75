// What the limits' JSON Schemas cannot say, checked on create and patch of
// application and user tokens, before anything is written: ratelimit names unique
// per token, refillDay only with a monthly refill, meta within its byte bound, and
// a credits patch that leaves the balance known.
import { maxMetaBytes, type CreditsPatch, type Meta, type Ratelimit } from '@latchkey/contract';
import { errors } from '../errors.js';
import type { TokenRecord } from '../storage/port.js';

/** The limits' fields of a create or patch body, as validated by its schema. */
export interface LimitFields {
  ratelimits?: readonly Ratelimit[];
  credits?: { refill?: { interval: string; refillDay?: number } | null } | null;
  meta?: Meta | null;
}

function assertUniqueNames(ratelimits: readonly Ratelimit[]): void {
  const seen = new Set<string>();
  for (const { name } of ratelimits) {
    if (seen.has(name)) throw errors.validation(`ratelimits: the name "${name}" is used twice; each limit of a token needs its own name`);
    seen.add(name);
  }
}

function assertRefill(refill: { interval: string; refillDay?: number } | null | undefined): void {
  if (refill && refill.refillDay !== undefined && refill.interval !== 'monthly') {
    throw errors.validation(`credits.refill.refillDay applies to a monthly refill only: remove it, or set interval to "monthly"`);
  }
}

function assertMetaSize(meta: Meta | null | undefined): void {
  if (!meta) return;
  const bytes = Buffer.byteLength(JSON.stringify(meta), 'utf8');
  if (bytes > maxMetaBytes) {
    throw errors.validation(`meta is ${bytes} bytes serialized; at most ${maxMetaBytes} bytes (UTF-8 JSON) are stored`);
  }
}

/** A create's or a patch's limits, on their own. */
export function assertValidLimits(fields: LimitFields): void {
  if (fields.ratelimits) assertUniqueNames(fields.ratelimits);
  if (fields.credits) assertRefill(fields.credits.refill);
  assertMetaSize(fields.meta);
}

/** A patch's credits against the token as it is: a token without credits needs a balance to start from. */
export function assertCreditsPatchable(current: TokenRecord, credits: CreditsPatch | null | undefined): void {
  if (credits && credits.remaining === undefined && current.credits === null) {
    throw errors.validation('credits.remaining is required: the token has no credits yet, so there is no balance to keep');
  }
}
