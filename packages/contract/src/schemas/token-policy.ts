// Where tokens may be used and what their owner requires of them: a token's
// allowedCidrs, and the tokenPolicy an organization (or a user, for personal
// applications and user tokens) sets on the tokens it owns. latchkey's own; a token,
// organization or user without them is exactly Losant's.
import type { FromSchema } from 'json-schema-to-ts';

export const maxAllowedCidrs = 20;
/** The longest policy lifetime accepted, in seconds (100 years of 365 days). */
export const maxPolicyLifetime = 3_153_600_000;

/**
 * IPv4 or IPv6 ranges (`203.0.113.0/24`, `2001:db8::/32`; a bare address is one
 * address). What JSON Schema cannot say, that each parses, the server checks.
 */
export const allowedCidrsSchema = {
  type: 'array',
  maxItems: maxAllowedCidrs,
  items: { type: 'string', minLength: 1, maxLength: 64 },
} as const;

/** What a leaked token (reported by a secret scanner) becomes: inactive, deleted, or left as it is. */
export const leakPolicies = ['deactivate', 'revoke', 'notify'] as const;
export type LeakPolicy = (typeof leakPolicies)[number];

/** Every field optional: an absent one sets no requirement (leakPolicy: deactivate). */
export const tokenPolicySchema = {
  type: 'object',
  properties: {
    /** Seconds: a new token must expire within this long of its creation. */
    maxLifetime: { type: 'integer', minimum: 1, maximum: maxPolicyLifetime },
    /** A new token must have an expirationDate. */
    requireExpiration: { type: 'boolean' },
    /** The allowedCidrs of a new token that names none. */
    defaultAllowedCidrs: allowedCidrsSchema,
    leakPolicy: { type: 'string', enum: leakPolicies },
  },
  additionalProperties: false,
} as const;
export type TokenPolicy = FromSchema<typeof tokenPolicySchema>;

/** On a patch: the whole new policy, or null to remove it. */
export const tokenPolicyPatchSchema = { anyOf: [tokenPolicySchema, { type: 'null' }] } as const;
