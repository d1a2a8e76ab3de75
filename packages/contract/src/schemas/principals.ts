// Users, sessions, applications and organizations: the subset of Losant's wire
// objects (shared/reference/principals) that latchkey implements. Losant's other
// optional fields (billing, limits, templates, archive settings, ...) are not
// accepted on input (400) and never returned.
import type { FromSchema } from 'json-schema-to-ts';
import { roles } from '../role-names.js';
import { applicationScopes, userGroupScopes } from '../scopes.js';
import { dateTimeSchema, idSchema, losantClientQuery, pagingQuery } from './common.js';
import { apiTokenPatchSchema, applicationApiTokenPostSchema } from './api-token.js';
import { tokenPolicyPatchSchema, tokenPolicySchema } from './token-policy.js';

/** Scopes a user token or session may carry. */
export const userTokenScopes = [...userGroupScopes, ...applicationScopes] as const;

export const userCredentialsSchema = {
  type: 'object',
  properties: {
    // Any `local@domain`: stricter email formats refuse single-label domains such as
    // the first admin's admin@localhost.
    email: { type: 'string', pattern: '^[^\\s@]+@[^\\s@]+$', maxLength: 1024 },
    password: { type: 'string', minLength: 8, maxLength: 2048 },
    requestedScopes: { type: 'array', uniqueItems: true, items: { type: 'string', enum: userTokenScopes } },
    /**
     * Session lifetime in seconds; capped by the server's configured maximum. Losant's
     * minimum is 0, but a session of 0 seconds is dead when it is made: refused.
     */
    tokenTTL: { type: 'integer', minimum: 1 },
  },
  required: ['email', 'password'],
  additionalProperties: false,
} as const;
export type UserCredentials = FromSchema<typeof userCredentialsSchema>;

/**
 * Losant's strength rule for a new password (its changePassword schema): at least
 * 12 characters with an upper-case and a lower-case letter, a digit and a symbol.
 */
export const newPasswordPattern = '^(?=.*[A-Z])(?=.*[^A-Za-z0-9])(?=.*[0-9])(?=.*[a-z]).{12,}$';

/**
 * Body of PATCH /me/changePassword, as Losant's. `twoFactorCode` is accepted by the
 * schema so the answer can say why it is refused (latchkey has no second factor).
 * Losant's `tokenTTL` minimum is 0; as on sign-in, a session of 0 seconds is refused.
 */
export const changePasswordSchema = {
  type: 'object',
  properties: {
    twoFactorCode: { type: 'string', maxLength: 2048 },
    password: { type: 'string', minLength: 8, maxLength: 2048 },
    newPassword: {
      type: 'string',
      minLength: 12,
      maxLength: 2048,
      pattern: newPasswordPattern,
      // Said to the caller instead of the pattern (validation/error-message.ts).
      description: 'must be at least 12 characters and hold an upper-case letter, a lower-case letter, a digit and a symbol',
    },
    invalidateExistingTokens: { type: 'boolean' },
    tokenTTL: { type: 'integer', minimum: 1 },
  },
  required: ['password', 'newPassword'],
  additionalProperties: false,
} as const;
export type ChangePassword = FromSchema<typeof changePasswordSchema>;

export const authedUserSchema = {
  type: 'object',
  properties: { userId: idSchema, token: { type: 'string', minLength: 1 } },
  required: ['userId', 'token'],
} as const;
export type AuthedUser = FromSchema<typeof authedUserSchema>;

export const meSchema = {
  type: 'object',
  properties: {
    id: idSchema,
    userId: idSchema,
    email: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    fullName: { type: 'string' },
    creationDate: dateTimeSchema,
    lastUpdated: dateTimeSchema,
    passwordLastUpdated: dateTimeSchema,
    /** latchkey: what the user requires of the tokens of their own applications and their user tokens. */
    tokenPolicy: tokenPolicySchema,
  },
  required: ['id', 'userId', 'email', 'creationDate', 'lastUpdated'],
} as const;
export type Me = FromSchema<typeof meSchema>;

/**
 * Body of PATCH /me: Losant's Me Patch, less what latchkey's user does not have
 * (company, title, phone, location, url, tokenCutoff) and the password (PATCH
 * /me/changePassword checks the current one), plus latchkey's tokenPolicy.
 */
export const mePatchSchema = {
  type: 'object',
  properties: {
    email: userCredentialsSchema.properties.email,
    firstName: { type: 'string', minLength: 1, maxLength: 1024 },
    lastName: { type: 'string', minLength: 1, maxLength: 1024 },
    tokenPolicy: tokenPolicyPatchSchema,
  },
  additionalProperties: false,
} as const;
export type MePatch = FromSchema<typeof mePatchSchema>;

/** Body of POST /me/tokens (API Token Post, without Losant's role-limiting fields). */
export const userApiTokenPostSchema = {
  ...applicationApiTokenPostSchema,
  properties: {
    ...applicationApiTokenPostSchema.properties,
    scope: { type: 'array', uniqueItems: true, items: { type: 'string', enum: userTokenScopes } },
  },
} as const;
export type UserApiTokenPost = FromSchema<typeof userApiTokenPostSchema, { keepDefaultedPropertiesOptional: true }>;
export { apiTokenPatchSchema as userApiTokenPatchSchema };

export const apiTokenIdParamsSchema = {
  type: 'object',
  properties: { apiTokenId: idSchema },
  required: ['apiTokenId'],
} as const;
export type ApiTokenIdParams = FromSchema<typeof apiTokenIdParamsSchema>;

/** Losant's summary parameters, which the official client may send; accepted and ignored. */
const summaryQuery = {
  summaryExclude: { type: 'string', maxLength: 1024 },
  summaryInclude: { type: 'string', maxLength: 1024 },
  includeRecent: { type: 'boolean' },
} as const;

/** Query of single-object reads (me, application, org). */
export const summaryQuerySchema = {
  type: 'object',
  properties: { ...summaryQuery, ...losantClientQuery },
  additionalProperties: false,
} as const;

/** Query of GET /orgs. */
export const pageQuerySchema = {
  type: 'object',
  properties: {
    ...pagingQuery,
    sortField: { type: 'string', enum: ['name', 'id', 'creationDate', 'lastUpdated'], default: 'name' },
    filterField: { type: 'string', enum: ['name', ''] },
  },
  additionalProperties: false,
} as const;
export type PageQueryParams = FromSchema<typeof pageQuerySchema, { keepDefaultedPropertiesOptional: true }>;

/**
 * Query of GET /applications: the paging of GET /orgs plus Losant's `orgId` filter
 * (absent: every application the user reaches; blank: the user's own; an id: that
 * organization's) and `ownerId` as a sort field.
 */
export const applicationsQuerySchema = {
  type: 'object',
  properties: {
    ...pageQuerySchema.properties,
    sortField: { type: 'string', enum: ['name', 'id', 'creationDate', 'lastUpdated', 'ownerId'], default: 'name' },
    orgId: { anyOf: [idSchema, { type: 'string', maxLength: 0 }] },
    ...summaryQuery,
  },
  additionalProperties: false,
} as const;
export type ApplicationsQueryParams = FromSchema<typeof applicationsQuerySchema, { keepDefaultedPropertiesOptional: true }>;

const pageProperties = {
  count: { type: 'integer' },
  totalCount: { type: 'integer' },
  perPage: { type: 'integer' },
  page: { type: 'integer' },
  filter: { type: 'string' },
  filterField: { type: 'string' },
  sortField: { type: 'string' },
  sortDirection: { type: 'string', enum: ['asc', 'desc'] },
} as const;

export const applicationSchema = {
  type: 'object',
  properties: {
    id: idSchema,
    applicationId: idSchema,
    creationDate: dateTimeSchema,
    lastUpdated: dateTimeSchema,
    ownerId: idSchema,
    ownerType: { type: 'string', enum: ['user', 'organization'] },
    organizationName: { type: 'string' },
    name: { type: 'string', minLength: 1, maxLength: 255 },
    description: { type: 'string', maxLength: 1024 },
  },
  required: ['id', 'applicationId', 'creationDate', 'lastUpdated', 'ownerId', 'ownerType', 'name'],
} as const;
export type Application = FromSchema<typeof applicationSchema>;

export const applicationsSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: applicationSchema }, ...pageProperties },
  required: ['items', 'count', 'totalCount', 'perPage', 'page'],
} as const;
export type Applications = FromSchema<typeof applicationsSchema>;

export const applicationPostSchema = {
  type: 'object',
  properties: {
    orgId: idSchema,
    name: { type: 'string', minLength: 1, maxLength: 255 },
    description: { type: 'string', maxLength: 1024 },
  },
  required: ['name'],
  additionalProperties: false,
} as const;
export type ApplicationPost = FromSchema<typeof applicationPostSchema>;

export const applicationPatchSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    description: { type: 'string', maxLength: 1024 },
  },
  additionalProperties: false,
} as const;
export type ApplicationPatch = FromSchema<typeof applicationPatchSchema>;

export const orgMemberSchema = {
  type: 'object',
  properties: {
    userId: idSchema,
    email: { type: 'string' },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    role: { type: 'string', enum: roles },
  },
  required: ['userId', 'role'],
} as const;

export const orgSchema = {
  type: 'object',
  properties: {
    id: idSchema,
    orgId: idSchema,
    creationDate: dateTimeSchema,
    lastUpdated: dateTimeSchema,
    name: { type: 'string', minLength: 1, maxLength: 255 },
    description: { type: 'string', maxLength: 32767 },
    members: { type: 'array', items: orgMemberSchema },
    /** latchkey: what the organization requires of its applications' tokens. */
    tokenPolicy: tokenPolicySchema,
  },
  required: ['id', 'orgId', 'creationDate', 'lastUpdated', 'name', 'members'],
} as const;
export type Org = FromSchema<typeof orgSchema>;

export const orgsSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: orgSchema }, ...pageProperties },
  required: ['items', 'count', 'totalCount', 'perPage', 'page'],
} as const;
export type Orgs = FromSchema<typeof orgsSchema>;

export const orgPostSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    description: { type: 'string', maxLength: 32767 },
  },
  required: ['name'],
  additionalProperties: false,
} as const;
export type OrgPost = FromSchema<typeof orgPostSchema>;

export const orgPatchSchema = {
  type: 'object',
  properties: { ...orgPostSchema.properties, tokenPolicy: tokenPolicyPatchSchema },
  additionalProperties: false,
} as const;
export type OrgPatch = FromSchema<typeof orgPatchSchema>;

/**
 * Body of PATCH /orgs/{orgId}/member: the member is named by exactly one of `userId`
 * (Losant's) or `email` (latchkey's addition, a registered user's, matched as sign-in
 * matches it). Losant requires `userId`; here both are optional in the schema and the
 * server answers 400 saying what to fix when neither or both are given, so Losant's
 * clients, which always send `userId`, see no change.
 */
export const orgMemberPatchSchema = {
  type: 'object',
  properties: {
    userId: idSchema,
    email: { ...userCredentialsSchema.properties.email, description: 'must be an email address such as ada@example.com' },
    role: { type: 'string', enum: roles },
  },
  required: ['role'],
  additionalProperties: false,
} as const;
type OrgMemberPatchFields = FromSchema<typeof orgMemberPatchSchema>;
/** The body as callers must write it: `userId` or `email`, never both (the schema alone cannot say "exactly one" in words). */
export type OrgMemberPatch = Omit<OrgMemberPatchFields, 'userId' | 'email'> &
  ({ userId: string; email?: never } | { email: string; userId?: never });

export const orgIdParamsSchema = {
  type: 'object',
  properties: { orgId: idSchema },
  required: ['orgId'],
} as const;
export type OrgIdParams = FromSchema<typeof orgIdParamsSchema>;

export const removeMemberQuerySchema = {
  type: 'object',
  properties: { userId: idSchema, ...losantClientQuery },
  required: ['userId'],
  additionalProperties: false,
} as const;
export type RemoveMemberQuery = FromSchema<typeof removeMemberQuerySchema>;
