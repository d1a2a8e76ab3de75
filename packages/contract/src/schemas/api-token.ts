// The API Token object (shared/reference/apiToken.json) plus `lastUsed`, latchkey's
// record of the last time the token authenticated, and latchkey's optional record of
// rotation and revocation (Losant's clients ignore fields they do not know).
import type { FromSchema } from 'json-schema-to-ts';
import { applicationScopes, type ApplicationScope } from '../scopes.js';
import { dateTimeSchema, idSchema, pagingQuery } from './common.js';
import { limitPatchProperties, limitPostProperties, limitProperties } from './limits.js';

const tokenProperties = {
  id: idSchema,
  apiTokenId: idSchema,
  ownerId: idSchema,
  ownerType: { type: 'string', enum: ['application', 'user'] },
  creatorId: idSchema,
  creatorType: { type: 'string', enum: ['apiToken', 'user', 'flow'] },
  creatorName: { type: 'string', maxLength: 1024 },
  name: { type: 'string', minLength: 1, maxLength: 255 },
  description: { type: 'string', maxLength: 32767 },
  creationDate: dateTimeSchema,
  lastUpdated: dateTimeSchema,
  expirationDate: dateTimeSchema,
  lastUsed: dateTimeSchema,
  scope: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 1024 } },
  status: { type: 'string', enum: ['active', 'inactive'] },
  ...limitProperties,
  /** latchkey: when the token last got a new secret (POST .../rotate). */
  rotatedAt: dateTimeSchema,
  /** latchkey: during a grace period only, until when the secret the last rotation replaced still verifies. */
  previousSecretExpiresAt: dateTimeSchema,
  /** latchkey: during a grace period only, when that previous secret last authenticated. */
  previousSecretLastUsed: dateTimeSchema,
  /** latchkey: when its holder revoked it (POST /revoke, RFC 7009); cleared when it is made active again. */
  revokedAt: dateTimeSchema,
} as const;

/** A token as it is read back: never with its secret. */
export const apiTokenSchema = {
  type: 'object',
  properties: tokenProperties,
  required: ['id', 'apiTokenId', 'ownerId', 'ownerType', 'name', 'scope', 'status', 'creationDate', 'lastUpdated'],
} as const;
export type ApiToken = FromSchema<typeof apiTokenSchema>;

/** The 201 body of a create: the only response that ever carries `token`. */
export const createdApiTokenSchema = {
  type: 'object',
  properties: { ...tokenProperties, token: { type: 'string', minLength: 1 } },
  required: [...apiTokenSchema.required, 'token'],
} as const;
export type CreatedApiToken = FromSchema<typeof createdApiTokenSchema>;

export const apiTokenSortFields = ['name', 'status', 'id', 'creationDate', 'lastUpdated', 'expirationDate'] as const;
export type ApiTokenSortField = (typeof apiTokenSortFields)[number];
export const apiTokenFilterFields = ['name', 'status'] as const;
export type ApiTokenFilterField = (typeof apiTokenFilterFields)[number];

/** Query of `GET .../tokens`, with Losant's parameters and defaults. */
export const apiTokensQuerySchema = {
  type: 'object',
  properties: {
    ...pagingQuery,
    sortField: { type: 'string', enum: apiTokenSortFields, default: 'name' },
    filterField: { type: 'string', enum: [...apiTokenFilterFields, ''] },
  },
  additionalProperties: false,
} as const;
export type ApiTokensQuery = FromSchema<typeof apiTokensQuerySchema, { keepDefaultedPropertiesOptional: true }>;

export const apiTokensSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: apiTokenSchema },
    count: { type: 'integer' },
    totalCount: { type: 'integer' },
    perPage: { type: 'integer' },
    page: { type: 'integer' },
    filter: { type: 'string' },
    filterField: { type: 'string' },
    sortField: { type: 'string' },
    sortDirection: { type: 'string', enum: ['asc', 'desc'] },
    ownerId: idSchema,
    ownerType: { type: 'string', enum: ['application', 'user'] },
  },
  required: ['items', 'count', 'totalCount', 'perPage', 'page', 'sortField', 'sortDirection', 'ownerId', 'ownerType'],
} as const;
export type ApiTokens = FromSchema<typeof apiTokensSchema>;

/** Body of `POST /applications/{applicationId}/tokens` (Application API Token Post). */
export const applicationApiTokenPostSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    description: { type: 'string', maxLength: 32767 },
    expirationDate: dateTimeSchema,
    scope: { type: 'array', uniqueItems: true, items: { type: 'string', enum: applicationScopes } },
    status: { type: 'string', enum: ['active', 'inactive'] },
    ...limitPostProperties,
  },
  required: ['name'],
  additionalProperties: false,
} as const;
// Defaulted properties stay optional: what a client sends, before the server applies the defaults.
export type ApplicationApiTokenPost = Omit<
  FromSchema<typeof applicationApiTokenPostSchema, { keepDefaultedPropertiesOptional: true }>,
  'scope'
> & {
  scope?: ApplicationScope[];
};

export const applicationIdParamsSchema = {
  type: 'object',
  properties: { applicationId: idSchema },
  required: ['applicationId'],
} as const;
export type ApplicationIdParams = FromSchema<typeof applicationIdParamsSchema>;

/** Body of PATCH on one token (API Token Patch): scope and expiry never change; limits may. */
export const apiTokenPatchSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    description: { type: 'string', maxLength: 32767 },
    status: { type: 'string', enum: ['active', 'inactive'] },
    ...limitPatchProperties,
  },
  additionalProperties: false,
} as const;
export type ApiTokenPatch = FromSchema<typeof apiTokenPatchSchema, { keepDefaultedPropertiesOptional: true }>;

export const applicationApiTokenParamsSchema = {
  type: 'object',
  properties: { applicationId: idSchema, apiTokenId: idSchema },
  required: ['applicationId', 'apiTokenId'],
} as const;
export type ApplicationApiTokenParams = FromSchema<typeof applicationApiTokenParamsSchema>;

/** The longest grace period of a rotation, in seconds: 30 days. */
export const maxGracePeriodSeconds = 2_592_000;

/** Body of `POST .../tokens/{apiTokenId}/rotate` (latchkey's). */
export const apiTokenRotateSchema = {
  type: 'object',
  properties: {
    /** Seconds the replaced secret keeps verifying (answered as deprecated); 0: it stops at once. */
    gracePeriod: { type: 'integer', minimum: 0, maximum: maxGracePeriodSeconds, default: 0 },
  },
  additionalProperties: false,
} as const;
export type ApiTokenRotate = FromSchema<typeof apiTokenRotateSchema, { keepDefaultedPropertiesOptional: true }>;
