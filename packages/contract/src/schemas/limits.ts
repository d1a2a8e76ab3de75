// What a token may spend: named rate limits, credits (with an optional refill) and
// meta, and where it may be used from (allowedCidrs, schemas/token-policy.ts):
// latchkey's additions to Losant's API Token. Optional everywhere: a token
// without them is exactly Losant's.
import type { FromSchema } from 'json-schema-to-ts';
import { allowedCidrsSchema } from './token-policy.js';

export const maxRatelimits = 5;
export const maxRatelimitLimit = 1_000_000_000;
export const minRatelimitDuration = 1_000;
export const maxRatelimitDuration = 2_592_000_000;
export const maxCredits = 1_000_000_000_000;
/** Bytes of `JSON.stringify(meta)` (UTF-8). */
export const maxMetaBytes = 4096;
export const ratelimitNamePattern = '^[a-z0-9_.-]{1,32}$';

export const ratelimitSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: ratelimitNamePattern },
    limit: { type: 'integer', minimum: 1, maximum: maxRatelimitLimit },
    /** Milliseconds. */
    duration: { type: 'integer', minimum: minRatelimitDuration, maximum: maxRatelimitDuration },
    autoApply: { type: 'boolean', default: true },
  },
  required: ['name', 'limit', 'duration'],
  additionalProperties: false,
} as const;
export type Ratelimit = FromSchema<typeof ratelimitSchema, { keepDefaultedPropertiesOptional: true }>;

/** Names are unique per token (checked by the server: JSON Schema cannot say it). */
export const ratelimitsSchema = { type: 'array', maxItems: maxRatelimits, items: ratelimitSchema } as const;

export const creditRefillSchema = {
  type: 'object',
  properties: {
    amount: { type: 'integer', minimum: 1, maximum: maxCredits },
    interval: { type: 'string', enum: ['daily', 'monthly'] },
    /** Monthly only: the day of the month (the last day of shorter months counts). */
    refillDay: { type: 'integer', minimum: 1, maximum: 31 },
  },
  required: ['amount', 'interval'],
  additionalProperties: false,
} as const;
export type CreditRefill = FromSchema<typeof creditRefillSchema>;

export const creditsSchema = {
  type: 'object',
  properties: {
    remaining: { type: 'integer', minimum: 0, maximum: maxCredits },
    refill: creditRefillSchema,
  },
  required: ['remaining'],
  additionalProperties: false,
} as const;
export type Credits = FromSchema<typeof creditsSchema>;

/** On patch: `remaining` sets the balance, `refill` (or null) replaces the refill; null credits: unlimited. */
export const creditsPatchSchema = {
  type: 'object',
  properties: {
    remaining: creditsSchema.properties.remaining,
    refill: { anyOf: [creditRefillSchema, { type: 'null' }] },
  },
  additionalProperties: false,
} as const;
export type CreditsPatch = FromSchema<typeof creditsPatchSchema>;

/** Stored and returned as given, never interpreted; at most maxMetaBytes serialized. */
export const metaSchema = { type: 'object', additionalProperties: true } as const;
export type Meta = Record<string, unknown>;

/** The limits' properties of a token as it is read back (absent when unset). */
export const limitProperties = {
  ratelimits: { type: 'array', items: { ...ratelimitSchema, required: ['name', 'limit', 'duration', 'autoApply'] } },
  credits: creditsSchema,
  meta: metaSchema,
  allowedCidrs: allowedCidrsSchema,
} as const;

/** The limits' properties of a create body. */
export const limitPostProperties = {
  ratelimits: ratelimitsSchema,
  credits: { anyOf: [creditsSchema, { type: 'null' }] },
  meta: metaSchema,
  /** Absent: the owner's tokenPolicy.defaultAllowedCidrs, if any. */
  allowedCidrs: allowedCidrsSchema,
} as const;

/** The limits' properties of a patch body: [] clears ratelimits or allowedCidrs, null clears credits or meta. */
export const limitPatchProperties = {
  ratelimits: ratelimitsSchema,
  credits: { anyOf: [creditsPatchSchema, { type: 'null' }] },
  meta: { anyOf: [metaSchema, { type: 'null' }] },
  allowedCidrs: allowedCidrsSchema,
} as const;
