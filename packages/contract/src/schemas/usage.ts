// Usage counts: verifications per token, per outcome code, per minute (rolled up to
// hours and days). See the server's usage/.
import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeSchema, idSchema } from './common.js';
import { usageCodes, type UsageCode } from './verify.js';

export const usageResolutions = ['minute', 'hour', 'day'] as const;
export type UsageResolution = (typeof usageResolutions)[number];

export const usageQuerySchema = {
  type: 'object',
  properties: {
    /** Default: one resolution-dependent span before `end` (server decides; documented). */
    start: dateTimeSchema,
    /** Default: now. */
    end: dateTimeSchema,
    resolution: { type: 'string', enum: usageResolutions, default: 'hour' },
  },
  additionalProperties: false,
} as const;
export type UsageQuery = FromSchema<typeof usageQuerySchema, { keepDefaultedPropertiesOptional: true }>;

/** Counts by outcome code; codes with no verifications are left out. */
const countsSchema = {
  type: 'object',
  propertyNames: { enum: usageCodes },
  additionalProperties: { type: 'integer' },
} as const;
export type UsageCounts = Partial<Record<UsageCode, number>>;

export const usageSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: { type: 'object', properties: { time: dateTimeSchema, counts: countsSchema }, required: ['time', 'counts'] },
    },
    totals: countsSchema,
  },
  required: ['items', 'totals'],
} as const;
export interface Usage {
  /** Buckets with at least one verification, oldest first. */
  items: Array<{ time: string; counts: UsageCounts }>;
  totals: UsageCounts;
}

export const applicationUsageSchema = {
  type: 'object',
  properties: {
    ...usageSchema.properties,
    topTokens: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        properties: { apiTokenId: idSchema, name: { type: 'string' }, total: { type: 'integer' }, totals: countsSchema },
        required: ['apiTokenId', 'total', 'totals'],
      },
    },
  },
  required: ['items', 'totals', 'topTokens'],
} as const;
export interface ApplicationUsage extends Usage {
  /** The 10 tokens with the most verifications in the range, most first. */
  topTokens: Array<{ apiTokenId: string; name?: string; total: number; totals: UsageCounts }>;
}

/** POST /verify/usage's answer: how many reported items were counted, and how many named no existing token. */
export const verifyUsageAnswerSchema = {
  type: 'object',
  properties: { accepted: { type: 'integer' }, ignored: { type: 'integer' } },
  required: ['accepted', 'ignored'],
} as const;
export type VerifyUsageAnswer = FromSchema<typeof verifyUsageAnswerSchema>;
