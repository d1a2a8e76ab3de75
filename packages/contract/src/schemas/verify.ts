// POST /verify: the data plane's one call. See the server's routes/verify.ts.
import type { FromSchema } from 'json-schema-to-ts';
import { catalogueActions } from '../scopes.js';
import { dateTimeSchema, idSchema } from './common.js';
import { maxCredits, maxRatelimits, metaSchema, ratelimitNamePattern } from './limits.js';

/** Outcome codes, in the order they are checked. */
export const verificationCodes = [
  'VALID',
  'NOT_FOUND',
  'DISABLED',
  'EXPIRED',
  'FORBIDDEN',
  'INSUFFICIENT_PERMISSIONS',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
] as const;
export type VerificationCode = (typeof verificationCodes)[number];

/** The `reason` of a refusal that one code covers for more than one cause. */
export const verificationReasons = ['ip'] as const;
/**
 * The codes usage is counted by: the outcome codes, and VALID_DEPRECATED for a
 * valid verification of a secret a rotation replaced (its answer's code is VALID,
 * with `deprecated: true`), so an owner sees who still uses it.
 */
export const usageCodes = [...verificationCodes, 'VALID_DEPRECATED'] as const;
export type UsageCode = (typeof usageCodes)[number];

export const verifyRequestSchema = {
  type: 'object',
  properties: {
    token: { type: 'string', maxLength: 1024 },
    applicationId: idSchema,
    /** A catalogue action; needs applicationId. */
    action: { type: 'string', enum: catalogueActions },
    /** Credits to spend: default 1 when the token has credits; 0 checks without spending. */
    cost: { type: 'integer', minimum: 0, maximum: maxCredits },
    /** The limits to apply and their cost (default: every autoApply limit, cost 1). */
    ratelimits: {
      type: 'array',
      maxItems: maxRatelimits,
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', pattern: ratelimitNamePattern },
          cost: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
        },
        required: ['name'],
        additionalProperties: false,
      },
    },
    /**
     * The caller's client address: a token with allowedCidrs is FORBIDDEN (reason
     * ip) unless this is an address inside them; without it, it cannot be proved.
     */
    ip: { type: 'string', minLength: 2, maxLength: 45 },
  },
  required: ['token'],
  additionalProperties: false,
} as const;
export type VerifyRequest = FromSchema<typeof verifyRequestSchema>;

export const ratelimitStateSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    limit: { type: 'integer' },
    duration: { type: 'integer' },
    remaining: { type: 'integer' },
    /** Epoch milliseconds when the window that limits now ends. */
    reset: { type: 'integer' },
  },
  required: ['name', 'limit', 'duration', 'remaining', 'reset'],
} as const;
export type RatelimitState = FromSchema<typeof ratelimitStateSchema>;

export const verifyAnswerSchema = {
  type: 'object',
  properties: {
    valid: { type: 'boolean' },
    code: { type: 'string', enum: verificationCodes },
    tokenId: idSchema,
    ownerType: { type: 'string', enum: ['application', 'user'] },
    ownerId: idSchema,
    scope: { type: 'array', items: { type: 'string' } },
    expirationDate: dateTimeSchema,
    meta: metaSchema,
    credits: { type: 'object', properties: { remaining: { type: 'integer' } }, required: ['remaining'] },
    ratelimits: { type: 'array', items: ratelimitStateSchema },
    /** Why a FORBIDDEN answer refused: `ip`, the address is not in the token's allowedCidrs (absent: the application). */
    reason: { type: 'string', enum: verificationReasons },
    /**
     * latchkey: true when the token given is a secret a rotation replaced, still in
     * its grace period; `expirationDate` then says when that secret stops verifying.
     */
    deprecated: { type: 'boolean' },
  },
  required: ['valid', 'code'],
} as const;
export type VerifyAnswer = FromSchema<typeof verifyAnswerSchema>;

/** POST /verify/usage: verifications an SDK answered from its cache, per token, code and minute. */
export const verifyUsageRequestSchema = {
  type: 'object',
  properties: {
    usage: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        properties: {
          tokenId: idSchema,
          code: { type: 'string', enum: usageCodes },
          /** The minute (or any time in it) the verifications were answered. */
          time: dateTimeSchema,
          count: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
        },
        required: ['tokenId', 'code', 'time', 'count'],
        additionalProperties: false,
      },
    },
  },
  required: ['usage'],
  additionalProperties: false,
} as const;
export type VerifyUsageRequest = FromSchema<typeof verifyUsageRequestSchema>;

/** What GET /verify/events sends as each event's data. */
export interface VerificationEvent {
  type: 'token.changed' | 'token.deleted' | 'reset';
  tokenId?: string;
}
