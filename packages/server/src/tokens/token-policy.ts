// The tokenPolicy that applies to a token, and what it requires of a new one. An
// application token follows its application's owner (the organization, or the user
// who owns the application); a user token, its user. A create that breaks the policy
// is refused with a 400 that says the limit; so is a rotation (the route that
// rotates calls enforceTokenPolicy too). Existing tokens are never changed by a
// policy: it is asked when a token is made, and when one is reported leaked.
import type { LeakPolicy, TokenPolicy } from '@latchkey/contract';
import { errors } from '../errors.js';
import type { Store } from '../storage/port.js';
import { allowedCidrsFromWire } from './allowed-cidrs.js';

/** Whose tokens a policy governs (application tokens by application id; user tokens by user id). */
export interface PolicyOwner {
  ownerType: 'application' | 'user';
  ownerId: string;
}

/** A policy and who set it, which its refusals name. */
export interface AppliedPolicy {
  policy: TokenPolicy;
  holder: 'organization' | 'user';
}

/** The policy over the owner's tokens, or null when there is none (or the owner is gone). */
export async function tokenPolicyOf(store: Store, owner: PolicyOwner): Promise<AppliedPolicy | null> {
  if (owner.ownerType === 'user') {
    const policy = (await store.getUser(owner.ownerId))?.tokenPolicy;
    return policy ? { policy, holder: 'user' } : null;
  }
  const application = await store.getApplication(owner.ownerId);
  if (!application) return null;
  const policy =
    application.ownerType === 'organization'
      ? (await store.getOrganization(application.ownerId))?.tokenPolicy
      : (await store.getUser(application.ownerId))?.tokenPolicy;
  return policy ? { policy, holder: application.ownerType === 'organization' ? 'organization' : 'user' } : null;
}

/** What a policy's schema cannot say: that each default CIDR parses (400 naming the first that does not). */
export function assertValidTokenPolicy(policy: TokenPolicy | null | undefined, field: string): void {
  if (policy?.defaultAllowedCidrs !== undefined) allowedCidrsFromWire(policy.defaultAllowedCidrs, `${field}/defaultAllowedCidrs`);
}

/** What a leaked token becomes under its policy (deactivate unless the policy says otherwise). */
export function leakPolicyOf(applied: AppliedPolicy | null): LeakPolicy {
  return applied?.policy.leakPolicy ?? 'deactivate';
}

/** "90 days", "36 hours", "90 seconds": the largest whole unit. */
export function describeSeconds(seconds: number): string {
  const units: Array<[number, string]> = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const [size, name] = units.find(([size]) => seconds % size === 0)!;
  const n = seconds / size;
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}

const whose = (applied: AppliedPolicy) => (applied.holder === 'organization' ? 'tokens in this organization' : "this user's tokens");

/**
 * Refuses (400) a token expiring at `expiresAt` (epoch ms, null: never), made or
 * rotated at `now`, that the policy does not allow: one without an expiration date
 * where one is required (maxLifetime requires one too), or one that expires later
 * than maxLifetime after `now`.
 */
/** What a refused create, or a refused rotation (which keeps the token's expiry), should do instead. */
const remedies = {
  create: { late: (latest: string) => `give an expirationDate no later than ${latest}`, missing: 'give an expirationDate' },
  rotate: {
    late: () => "a rotation keeps the token's expirationDate, which is beyond it: create a new token instead",
    missing: 'a rotation keeps the token without one: create a new token instead',
  },
};
export type PolicyCheckedWrite = keyof typeof remedies;

export function assertWithinTokenPolicy(
  applied: AppliedPolicy | null,
  expiresAt: number | null,
  now: number,
  write: PolicyCheckedWrite = 'create',
): void {
  if (!applied) return;
  const { maxLifetime, requireExpiration } = applied.policy;
  if (maxLifetime !== undefined) {
    const latest = now + maxLifetime * 1000;
    if (expiresAt === null || expiresAt > latest) {
      throw errors.validation(
        `${whose(applied)} must expire within ${describeSeconds(maxLifetime)}: ${remedies[write].late(new Date(latest).toISOString())}`,
      );
    }
  }
  if (requireExpiration === true && expiresAt === null) {
    throw errors.validation(`${whose(applied)} must have an expiration date: ${remedies[write].missing}`);
  }
}

/**
 * The owner's policy, once a token expiring at `expiresAt` was checked against it
 * (see assertWithinTokenPolicy): what creates and rotations call.
 */
export async function enforceTokenPolicy(
  store: Store,
  owner: PolicyOwner,
  expiresAt: number | null,
  now: number,
  write: PolicyCheckedWrite = 'create',
): Promise<AppliedPolicy | null> {
  const applied = await tokenPolicyOf(store, owner);
  assertWithinTokenPolicy(applied, expiresAt, now, write);
  return applied;
}
