// The route table: every HTTP route of latchkey, once. The server registers its
// routes from it (handlers supplied by name), the client builds its resources from
// it, and the OpenAPI document is generated from it. A route that authenticates
// with a latchkey token is named by its action and lists the scopes it accepts
// (`actions.ts` derives the action map from them); `access` says whether it reads or
// writes, which is what an organization role is checked against for actions the
// Losant catalogue does not classify. This module imports only the schemas, so that
// actions.ts and roles.ts may read it without an import cycle.
import {
  apiTokenPatchSchema,
  apiTokenSchema,
  apiTokensQuerySchema,
  apiTokensSchema,
  applicationApiTokenParamsSchema,
  applicationApiTokenPostSchema,
  applicationIdParamsSchema,
  apiTokenRotateSchema,
  createdApiTokenSchema,
} from './schemas/api-token.js';
import { auditLogQuerySchema, auditLogsSchema, orgAuditLogsSchema, userAuditLogsSchema } from './schemas/audit-log.js';
import { losantClientQuerySchema } from './schemas/common.js';
import { errorSchema, successSchema } from './schemas/error.js';
import { healthSchema } from './schemas/health.js';
import { introspectionRequestSchema, introspectionSchema } from './schemas/introspection.js';
import { revocationRequestSchema } from './schemas/revocation.js';
import { verifyAnswerSchema, verifyRequestSchema } from './schemas/verify.js';
import { applicationUsageSchema, usageQuerySchema, usageSchema, verifyUsageAnswerSchema } from './schemas/usage.js';
import { githubSecretFeedbackSchema, githubSecretReportSchema } from './schemas/secret-scanning.js';
import { verifyUsageRequestSchema } from './schemas/verify.js';
import {
  applicationWebhookDeliveryParamsSchema,
  applicationWebhookParamsSchema,
  createdWebhookSchema,
  webhookDeliveriesQuerySchema,
  webhookDeliveriesSchema,
  webhookDeliveryParamsSchema,
  webhookDeliverySchema,
  webhookIdParamsSchema,
  webhookPatchSchema,
  webhookPostSchema,
  webhookSchema,
  webhooksQuerySchema,
  webhooksSchema,
} from './schemas/webhooks.js';
import {
  apiTokenIdParamsSchema,
  applicationPatchSchema,
  applicationPostSchema,
  applicationSchema,
  applicationsQuerySchema,
  applicationsSchema,
  authedUserSchema,
  changePasswordSchema,
  mePatchSchema,
  meSchema,
  orgIdParamsSchema,
  orgMemberPatchSchema,
  orgPatchSchema,
  orgPostSchema,
  orgSchema,
  orgsSchema,
  pageQuerySchema,
  removeMemberQuerySchema,
  summaryQuerySchema,
  userApiTokenPostSchema,
  userCredentialsSchema,
} from './schemas/principals.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * - `token`: a latchkey bearer token, checked before anything else (401 otherwise);
 *   the route is named by its action.
 * - `introspection-secret`: the configured introspection secret as a bearer token.
 * - `none`: open to anyone.
 */
export type Authentication = 'token' | 'introspection-secret' | 'none';

interface RouteFields {
  method: HttpMethod;
  /** Fastify's syntax: `:name` is a path parameter. */
  path: string;
  /** Whether the route reads or changes state: the role cap of actions outside the catalogue. */
  access: 'read' | 'write';
  summary: string;
  /** Shown before the accepted scopes in the OpenAPI description. */
  description?: string;
  params?: object;
  query?: object;
  body?: object;
  /** Response schema by status code. */
  response?: Readonly<Record<number, object>>;
  /** Left out of the OpenAPI document (the document itself, the console's entry). */
  hidden?: true;
}

export type RouteDefinition = RouteFields &
  (
    | {
        authentication: 'token';
        /**
         * The scopes the action accepts, as the Losant docs list them. A caller is
         * allowed when it holds at least one of them (and reaches the application).
         * test/actions.test.ts checks each list against the scope algebra.
         */
        accepts: readonly string[];
      }
    | { authentication: Exclude<Authentication, 'token'>; accepts?: undefined }
  );

/** Response schemas of the errors every authenticated route may answer with. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema } as const;

const tokenRead = { authentication: 'token', access: 'read' } as const;
const auditFilterDetails =
  'Newest first unless sortDirection=asc. filterField=action with a glob in `filter` (e.g. `applicationApiToken.*`); ' +
  "latchkey's own optional filters: `actorType` and `actorId` (the actor), `start` and `end` (ISO 8601 date-times, both " +
  'inclusive; start may not be after end).';
const tokenWrite = { authentication: 'token', access: 'write' } as const;
const createDetails =
  'The 201 response is the only time the token string is returned. Attenuation: the new token may hold ' +
  "no more authority, and expire no later, than the caller. The owner's tokenPolicy (its organization's, or the " +
  "user's) may require an expiration date within a lifetime (else 400), and gives `allowedCidrs` to a token that names none.";
const usageDetails =
  'Verifications per outcome code in buckets of the resolution (UTC minutes, hours or days) starting in [start, end), ' +
  'oldest first; buckets without verifications are left out. Defaults: resolution hour, end now, start one span before end ' +
  '(minute: 1 hour, hour: 24 hours, day: 30 days). Minute buckets are kept 48 hours and hourly ones 90 days (configurable), ' +
  'so a range may span at most that at those resolutions. Counts not yet written by this node are written first; ' +
  "other nodes' counts appear within their write interval (5 s).";
const patchDetails =
  'Changes name, description and status, and (latchkey) ratelimits, credits, meta and allowedCidrs; never scope or expiry. ' +
  'Re-activating a token, or loosening its limits, needs authority over its scopes and limits (attenuation).';
const rotateDetails =
  'latchkey: gives the token a new secret, answered this once in `token` (201); id, name, scopes, limits, credits, meta and ' +
  'usage stay. With `gracePeriod` (seconds, up to 30 days; default 0) the replaced secret keeps verifying until ' +
  '`previousSecretExpiresAt`, answered with `deprecated: true` by /verify and /introspect; rotating again ends an earlier ' +
  'grace period, so a token never has more than two live secrets. Accepted by the scopes that may update the token; ' +
  'like re-activation, it needs authority over its scopes and limits.';

// Scopes accepted by a token route and by the usage route that reads about the same
// tokens (a token's usage is read with the scopes that read the token).
/** The groups that read an application's tokens. */
const applicationReadGroups = [
  'all.Application',
  'all.Application.read',
  'all.Organization',
  'all.Organization.read',
  'all.User',
  'all.User.read',
] as const;
const tokenGetScopes = [...applicationReadGroups, 'applicationApiToken.*', 'applicationApiToken.get'] as const;
const tokenListScopes = [...applicationReadGroups, 'applicationApiTokens.*', 'applicationApiTokens.get'] as const;
const userTokenGetScopes = ['all.User', 'all.User.read', 'userApiToken.*', 'userApiToken.get'] as const;
/** The groups that write an application's every resource (its webhooks: latchkey's own). */
const applicationWriteGroups = ['all.Application', 'all.Organization', 'all.User'] as const;

const webhookDetails =
  'Webhooks are sent the events of the tokens they watch, signed as Standard Webhooks (`webhook-id`, `webhook-timestamp`, ' +
  "`webhook-signature: v1,<base64 HMAC-SHA256>`) with the webhook's secret. Delivery is at least once: `webhook-id` is the " +
  "event's id, the same on every attempt and redelivery, so receivers deduplicate on it. URLs that resolve to loopback, " +
  'private or link-local addresses are refused (400) unless the server runs with --allow-private-webhooks.';
const webhookSecretDetails =
  'The 201 response is the only time the signing secret (`whsec_...`) is returned; keep it to verify the signatures.';
const deliveriesDetails =
  'One delivery per event sent to this webhook, with every attempt (status code, latency, error). A delivery is retried ' +
  'with exponential backoff (about 10 attempts over a day) until a 2xx answer, then `delivered`; after the last attempt, `failed`.';

export const routes = {
  'health.get': {
    method: 'GET',
    path: '/health',
    authentication: 'none',
    access: 'read',
    summary: 'Whether this node can reach its store',
    description:
      'No token needed. 503 `Unavailable` when the store is unreachable. `ratelimits` says where rate limits are ' +
      'counted; while that store (Redis) is unreachable, `status` is `degraded` (still 200).',
    response: { 200: healthSchema },
  },
  'verifyUsage.post': {
    method: 'POST',
    path: '/verify/usage',
    authentication: 'introspection-secret',
    access: 'write',
    summary: 'Report verifications answered from a cache',
    description:
      'For SDK verifiers that answered from their cache: the verifications per token, outcome code and minute, added to ' +
      "the tokens' usage. Items naming a token that does not exist (deleted since) are ignored and counted in `ignored`. " +
      'A time more than 5 minutes ahead of the server is refused (400).',
    body: verifyUsageRequestSchema,
    response: { 200: verifyUsageAnswerSchema },
  },
  'introspect.post': {
    method: 'POST',
    path: '/introspect',
    authentication: 'introspection-secret',
    access: 'read',
    summary: 'Introspect a token (RFC 7662)',
    description:
      'Authenticated with the introspection secret as a bearer token (not a latchkey token). Answers exactly {"active": false} for any token that is not valid now.',
    body: introspectionRequestSchema,
    response: { 200: introspectionSchema },
  },
  'revoke.post': {
    method: 'POST',
    path: '/revoke',
    // Holding the token is the authority (RFC 7009): no other credential.
    authentication: 'none',
    access: 'write',
    summary: 'Revoke a token (RFC 7009)',
    description:
      'No other credential: whoever holds a token may revoke it. `token` as a form (`application/x-www-form-urlencoded`) or ' +
      'JSON; `token_type_hint` and other parameters are ignored. Always 200 `{"success": true}`, for unknown and malformed ' +
      "tokens too. A token's current secret makes it inactive (`revokedAt`); a login session (`lks_`) ends; a secret a " +
      "rotation replaced (in its grace period) ends the grace period alone. Every attempt counts against the caller's " +
      'address like a failed authentication: past the limit, 429 `TooManyRequests` with `Retry-After`.',
    body: revocationRequestSchema,
    response: { 200: successSchema, 400: errorSchema, 429: errorSchema },
  },
  'verify.post': {
    method: 'POST',
    path: '/verify',
    authentication: 'introspection-secret',
    // It spends: rate limits and credits are consumed by a VALID verification.
    access: 'write',
    summary: 'Verify a token: outcome code, rate limits, credits',
    description:
      'Authenticated with the introspection secret as a bearer token (not a latchkey token). Answers 200 for every ' +
      'well-formed request whatever the token, with `code` one of NOT_FOUND, DISABLED, EXPIRED, FORBIDDEN, ' +
      'INSUFFICIENT_PERMISSIONS, RATE_LIMITED, USAGE_EXCEEDED (checked in that order) or VALID. A VALID answer ' +
      'consumes every applied rate limit and the credits together; any other consumes nothing.',
    body: verifyRequestSchema,
    response: { 200: verifyAnswerSchema },
  },
  'verifyEvents.get': {
    method: 'GET',
    path: '/verify/events',
    authentication: 'introspection-secret',
    access: 'read',
    summary: 'Changes that can alter a verification, as Server-Sent Events',
    description:
      'Authenticated with the introspection secret. A `text/event-stream` of `{"type": "token.changed" | "token.deleted" | "reset", "tokenId"}` ' +
      'data, each with an `id:`, and a comment line as heartbeat. Send the last id received as `Last-Event-ID` to resume; a stream ' +
      'that cannot resume from it (or has none) begins with `reset`: drop everything cached.',
  },
  'auth.authenticateUser': {
    method: 'POST',
    path: '/auth/user',
    authentication: 'none',
    access: 'write',
    summary: 'Sign in with email and password',
    description:
      'No token needed. Answers a session token (`lks_`), 24 h by default (`tokenTTL` in seconds may shorten it). ' +
      'Repeated failures are refused with 429 `TooManyRequests` and `Retry-After`.',
    query: losantClientQuerySchema,
    body: userCredentialsSchema,
    response: { 200: authedUserSchema, ...errorResponses },
  },
  'auth.logout': {
    method: 'POST',
    path: '/auth/logout',
    ...tokenWrite,
    // latchkey's own action (Losant has none): the session ends itself.
    accepts: ['all.User', 'all.User.read', 'auth.logout'],
    summary: 'Sign out: end the calling login session',
    description:
      'Ends the calling login session (`lks_`) at once, on every node: it answers 401 from then on. Any session may end ' +
      'itself, whatever scopes it was signed in with: holding it is the authority, so the scopes below are not asked of ' +
      'a session. An API token is refused with 403: revoke it (POST /revoke) or delete it instead.',
    query: losantClientQuerySchema,
    response: { 200: successSchema, ...errorResponses },
  },
  'me.get': {
    method: 'GET',
    path: '/me',
    ...tokenRead,
    // User-level actions (Losant's lists; the resource scopes such as `me.get` are
    // listed for fidelity, but a latchkey credential can only carry the groups).
    accepts: ['all.User', 'all.User.read', 'me.*', 'me.get'],
    summary: 'Get the calling user',
    query: summaryQuerySchema,
    response: { 200: meSchema, ...errorResponses },
  },
  'me.changePassword': {
    method: 'PATCH',
    path: '/me/changePassword',
    ...tokenWrite,
    accepts: ['all.User', 'me.*', 'me.changePassword'],
    summary: "Change the calling user's password",
    description:
      'Checks `password` (the current one; a wrong one is 401, and repeated failures 429 as on sign-in) and sets ' +
      "`newPassword` (Losant's strength rule). Answers a new session token (`tokenTTL` in seconds may shorten it). " +
      'Every other login session of the user ends at once, on every node, whatever `invalidateExistingTokens` says; ' +
      "`invalidateExistingTokens: true` also deactivates the user's own API tokens. `twoFactorCode` is refused: latchkey " +
      'has no second factor.',
    query: losantClientQuerySchema,
    body: changePasswordSchema,
    response: { 200: authedUserSchema, ...errorResponses },
  },
  'me.patch': {
    method: 'PATCH',
    path: '/me',
    ...tokenWrite,
    accepts: ['all.User', 'me.*', 'me.patch'],
    summary: 'Update the calling user',
    description:
      "Losant's me.patch for the fields latchkey's user has (email, firstName, lastName), and latchkey's `tokenPolicy`: " +
      "what new tokens of the user's own applications and the user's tokens must meet (maxLifetime in seconds, " +
      'requireExpiration, defaultAllowedCidrs) and what a leaked one becomes (leakPolicy). A policy given replaces the ' +
      'whole policy; null removes it. Existing tokens are not changed.',
    query: summaryQuerySchema,
    body: mePatchSchema,
    response: { 200: meSchema, ...errorResponses },
  },
  'userApiTokens.get': {
    method: 'GET',
    path: '/me/tokens',
    ...tokenRead,
    accepts: ['all.User', 'all.User.read', 'userApiTokens.*', 'userApiTokens.get'],
    summary: "List the calling user's API tokens",
    description: 'Never includes token strings.',
    query: apiTokensQuerySchema,
    response: { 200: apiTokensSchema, ...errorResponses },
  },
  'userApiTokens.post': {
    method: 'POST',
    path: '/me/tokens',
    ...tokenWrite,
    accepts: ['all.User', 'userApiTokens.*', 'userApiTokens.post'],
    summary: 'Create a user API token',
    description: createDetails,
    query: losantClientQuerySchema,
    body: userApiTokenPostSchema,
    response: { 201: createdApiTokenSchema, ...errorResponses },
  },
  'userApiToken.get': {
    method: 'GET',
    path: '/me/tokens/:apiTokenId',
    ...tokenRead,
    accepts: userTokenGetScopes,
    summary: 'Get a user API token',
    params: apiTokenIdParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: apiTokenSchema, ...errorResponses },
  },
  'userApiToken.patch': {
    method: 'PATCH',
    path: '/me/tokens/:apiTokenId',
    ...tokenWrite,
    accepts: ['all.User', 'userApiToken.*', 'userApiToken.patch'],
    summary: 'Update a user API token',
    description: patchDetails,
    params: apiTokenIdParamsSchema,
    query: losantClientQuerySchema,
    body: apiTokenPatchSchema,
    response: { 200: apiTokenSchema, ...errorResponses },
  },
  'userApiToken.delete': {
    method: 'DELETE',
    path: '/me/tokens/:apiTokenId',
    ...tokenWrite,
    accepts: ['all.User', 'userApiToken.*', 'userApiToken.delete'],
    summary: 'Revoke (delete) a user API token',
    params: apiTokenIdParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: successSchema, ...errorResponses },
  },
  'userApiToken.rotate': {
    method: 'POST',
    path: '/me/tokens/:apiTokenId/rotate',
    ...tokenWrite,
    // Who may update the token may give it a new secret.
    accepts: ['all.User', 'userApiToken.*', 'userApiToken.patch'],
    summary: 'Rotate a user API token: a new secret, the old one optionally valid for a grace period',
    description: rotateDetails,
    params: apiTokenIdParamsSchema,
    query: losantClientQuerySchema,
    body: apiTokenRotateSchema,
    response: { 201: createdApiTokenSchema, ...errorResponses },
  },
  'userApiTokenUsage.get': {
    method: 'GET',
    path: '/me/tokens/:apiTokenId/usage',
    ...tokenRead,
    accepts: userTokenGetScopes,
    summary: "A user API token's verifications over time",
    description: usageDetails,
    params: apiTokenIdParamsSchema,
    query: usageQuerySchema,
    response: { 200: usageSchema, ...errorResponses },
  },
  'applications.get': {
    method: 'GET',
    path: '/applications',
    ...tokenRead,
    accepts: ['all.User', 'all.User.read', 'all.Organization', 'all.Organization.read', 'applications.*', 'applications.get'],
    summary: 'List the applications the caller reaches',
    query: applicationsQuerySchema,
    response: { 200: applicationsSchema, ...errorResponses },
  },
  'applications.post': {
    method: 'POST',
    path: '/applications',
    ...tokenWrite,
    accepts: ['all.User', 'all.Organization', 'applications.*', 'applications.post'],
    summary: 'Create an application',
    description: 'With `orgId`, the caller must be an admin or edit member of that organization.',
    query: summaryQuerySchema,
    body: applicationPostSchema,
    response: { 201: applicationSchema, ...errorResponses },
  },
  'application.get': {
    method: 'GET',
    path: '/applications/:applicationId',
    ...tokenRead,
    accepts: [
      'all.Application',
      'all.Application.read',
      'all.Organization',
      'all.Organization.read',
      'all.User',
      'all.User.read',
      'application.*',
      'application.get',
    ],
    summary: 'Get an application',
    params: applicationIdParamsSchema,
    query: summaryQuerySchema,
    response: { 200: applicationSchema, ...errorResponses },
  },
  'application.patch': {
    method: 'PATCH',
    path: '/applications/:applicationId',
    ...tokenWrite,
    accepts: ['all.Application', 'all.Organization', 'all.User', 'application.*', 'application.patch'],
    summary: 'Update an application',
    params: applicationIdParamsSchema,
    query: summaryQuerySchema,
    body: applicationPatchSchema,
    response: { 200: applicationSchema, ...errorResponses },
  },
  'application.delete': {
    method: 'DELETE',
    path: '/applications/:applicationId',
    ...tokenWrite,
    accepts: ['all.Application', 'all.Organization', 'all.User', 'application.*', 'application.delete'],
    summary: 'Delete an application and its tokens',
    params: applicationIdParamsSchema,
    query: summaryQuerySchema,
    response: { 200: successSchema, ...errorResponses },
  },
  'orgs.get': {
    method: 'GET',
    path: '/orgs',
    ...tokenRead,
    accepts: ['all.User', 'all.User.read', 'orgs.*', 'orgs.get'],
    summary: "List the caller's organizations",
    query: pageQuerySchema,
    response: { 200: orgsSchema, ...errorResponses },
  },
  'orgs.post': {
    method: 'POST',
    path: '/orgs',
    ...tokenWrite,
    accepts: ['all.User', 'orgs.*', 'orgs.post'],
    summary: 'Create an organization',
    description: 'The creator is its first admin.',
    query: summaryQuerySchema,
    body: orgPostSchema,
    response: { 201: orgSchema, ...errorResponses },
  },
  'org.get': {
    method: 'GET',
    path: '/orgs/:orgId',
    ...tokenRead,
    accepts: ['all.Organization', 'all.Organization.read', 'all.User', 'all.User.read', 'org.*', 'org.get'],
    summary: 'Get an organization',
    params: orgIdParamsSchema,
    query: summaryQuerySchema,
    response: { 200: orgSchema, ...errorResponses },
  },
  'org.patch': {
    method: 'PATCH',
    path: '/orgs/:orgId',
    ...tokenWrite,
    accepts: ['all.Organization', 'all.User', 'org.*', 'org.patch'],
    summary: 'Update an organization',
    description:
      "Admins only. latchkey's `tokenPolicy` sets what new tokens of the organization's applications must meet " +
      '(maxLifetime in seconds, requireExpiration, defaultAllowedCidrs) and what a leaked one becomes (leakPolicy). A ' +
      'policy given replaces the whole policy; null removes it. Existing tokens are not changed.',
    params: orgIdParamsSchema,
    query: summaryQuerySchema,
    body: orgPatchSchema,
    response: { 200: orgSchema, ...errorResponses },
  },
  'org.delete': {
    method: 'DELETE',
    path: '/orgs/:orgId',
    ...tokenWrite,
    accepts: ['all.Organization', 'all.User', 'org.*', 'org.delete'],
    summary: 'Delete an organization',
    description: 'Refused (400) while it still owns applications.',
    params: orgIdParamsSchema,
    query: summaryQuerySchema,
    response: { 200: successSchema, ...errorResponses },
  },
  'org.modifyMember': {
    method: 'PATCH',
    path: '/orgs/:orgId/member',
    ...tokenWrite,
    accepts: ['all.Organization', 'all.User', 'org.*', 'org.modifyMember'],
    summary: "Add a member or change a member's role",
    description:
      'Name the member by exactly one of `userId` or `email` (latchkey: the email of a registered user, matched case-insensitively as ' +
      'sign-in matches it; 404 when no user has it). Neither or both: 400. The last admin cannot be demoted (400).',
    params: orgIdParamsSchema,
    query: summaryQuerySchema,
    body: orgMemberPatchSchema,
    response: { 200: orgSchema, ...errorResponses },
  },
  'org.removeMember': {
    method: 'DELETE',
    path: '/orgs/:orgId/member',
    ...tokenWrite,
    accepts: ['all.Organization', 'all.User', 'org.*', 'org.removeMember'],
    summary: 'Remove a member',
    description: 'The last admin cannot be removed (400).',
    params: orgIdParamsSchema,
    query: removeMemberQuerySchema,
    response: { 200: successSchema, ...errorResponses },
  },
  'applicationApiTokens.get': {
    method: 'GET',
    path: '/applications/:applicationId/tokens',
    ...tokenRead,
    accepts: tokenListScopes,
    summary: "List an application's API tokens",
    description: 'Never includes token strings.',
    params: applicationIdParamsSchema,
    query: apiTokensQuerySchema,
    response: { 200: apiTokensSchema, ...errorResponses },
  },
  'applicationApiTokens.post': {
    method: 'POST',
    path: '/applications/:applicationId/tokens',
    ...tokenWrite,
    accepts: ['all.Application', 'all.Organization', 'all.User', 'applicationApiTokens.*', 'applicationApiTokens.post'],
    summary: 'Create an application API token',
    description: createDetails,
    params: applicationIdParamsSchema,
    query: losantClientQuerySchema,
    body: applicationApiTokenPostSchema,
    response: { 201: createdApiTokenSchema, ...errorResponses },
  },
  'applicationApiToken.get': {
    method: 'GET',
    path: '/applications/:applicationId/tokens/:apiTokenId',
    ...tokenRead,
    accepts: tokenGetScopes,
    summary: 'Get an application API token',
    params: applicationApiTokenParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: apiTokenSchema, ...errorResponses },
  },
  'applicationApiToken.patch': {
    method: 'PATCH',
    path: '/applications/:applicationId/tokens/:apiTokenId',
    ...tokenWrite,
    accepts: ['all.Application', 'all.Organization', 'all.User', 'applicationApiToken.*', 'applicationApiToken.patch'],
    summary: 'Update an application API token',
    description: patchDetails,
    params: applicationApiTokenParamsSchema,
    query: losantClientQuerySchema,
    body: apiTokenPatchSchema,
    response: { 200: apiTokenSchema, ...errorResponses },
  },
  'applicationApiToken.delete': {
    method: 'DELETE',
    path: '/applications/:applicationId/tokens/:apiTokenId',
    ...tokenWrite,
    accepts: ['all.Application', 'all.Organization', 'all.User', 'applicationApiToken.*', 'applicationApiToken.delete'],
    summary: 'Revoke (delete) an application API token',
    params: applicationApiTokenParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: successSchema, ...errorResponses },
  },
  // latchkey's own (not in Losant's catalogue).
  'applicationApiToken.rotate': {
    method: 'POST',
    path: '/applications/:applicationId/tokens/:apiTokenId/rotate',
    ...tokenWrite,
    // Who may update the token may give it a new secret.
    accepts: ['all.Application', 'all.Organization', 'all.User', 'applicationApiToken.*', 'applicationApiToken.patch'],
    summary: 'Rotate an application API token: a new secret, the old one optionally valid for a grace period',
    description: rotateDetails,
    params: applicationApiTokenParamsSchema,
    query: losantClientQuerySchema,
    body: apiTokenRotateSchema,
    response: { 201: createdApiTokenSchema, ...errorResponses },
  },
  'applicationApiTokenUsage.get': {
    method: 'GET',
    path: '/applications/:applicationId/tokens/:apiTokenId/usage',
    ...tokenRead,
    // Whoever may read the token may read its usage.
    accepts: tokenGetScopes,
    summary: "An application API token's verifications over time",
    description: usageDetails,
    params: applicationApiTokenParamsSchema,
    query: usageQuerySchema,
    response: { 200: usageSchema, ...errorResponses },
  },
  'applicationUsage.get': {
    method: 'GET',
    path: '/applications/:applicationId/usage',
    ...tokenRead,
    // Whoever may list the application's tokens may read their usage.
    accepts: tokenListScopes,
    summary: "An application's verifications over time, and its 10 most verified tokens",
    description: `${usageDetails} Sums every token of the application, deleted ones included; \`topTokens\` has no \`name\` for a deleted token.`,
    params: applicationIdParamsSchema,
    query: usageQuerySchema,
    response: { 200: applicationUsageSchema, ...errorResponses },
  },
  'applicationAuditLogs.get': {
    method: 'GET',
    path: '/applications/:applicationId/audit-logs',
    ...tokenRead,
    // Reading an application's audit trail: any read scope on it.
    accepts: ['all.Application', 'all.Application.read', 'all.Organization', 'all.Organization.read', 'all.User', 'all.User.read'],
    summary: "List an application's audit trail",
    description: `Entries recorded for the application (its tokens, webhooks and settings). ${auditFilterDetails}`,
    params: applicationIdParamsSchema,
    query: auditLogQuerySchema,
    response: { 200: auditLogsSchema, ...errorResponses },
  },
  'orgAuditLogs.get': {
    method: 'GET',
    path: '/orgs/:orgId/audit-logs',
    ...tokenRead,
    // Read like GET /orgs/{orgId}: any member, with the groups that read an organization.
    accepts: ['all.Organization', 'all.Organization.read', 'all.User', 'all.User.read', 'orgAuditLogs.*', 'orgAuditLogs.get'],
    summary: "List an organization's audit trail",
    description:
      'Entries recorded with the organization (orgId): its creation, changes and deletion, its members, and the creation, ' +
      "changes and deletion of its applications. Its applications' tokens and webhooks are in each application's trail. " +
      `Any member may read it (every role). ${auditFilterDetails}`,
    params: orgIdParamsSchema,
    query: auditLogQuerySchema,
    response: { 200: orgAuditLogsSchema, ...errorResponses },
  },
  'userAuditLogs.get': {
    method: 'GET',
    path: '/me/audit-logs',
    ...tokenRead,
    accepts: ['all.User', 'all.User.read', 'userAuditLogs.*', 'userAuditLogs.get'],
    summary: "List the calling user's own audit trail",
    description:
      'Entries whose actor is the calling user (a login session) or one of the API tokens the user owns now, and entries ' +
      "about the user (targetType `user` or `member` with the user's id: sign-ins, failed ones included, profile and " +
      "password changes, organization memberships) or about one of the user's tokens that exist now. A deleted token is " +
      "no longer the user's: entries by it or about it stay in the application and organization trails, and its " +
      `deletion stays here when the user (or another of the user's tokens) deleted it. ${auditFilterDetails}`,
    query: auditLogQuerySchema,
    response: { 200: userAuditLogsSchema, ...errorResponses },
  },
  'githubSecretScanning.post': {
    method: 'POST',
    path: '/secret-scanning/github',
    // GitHub's signature is the authentication (checked before the body is read as JSON).
    authentication: 'none',
    access: 'write',
    summary: 'Leaked tokens reported by GitHub secret scanning',
    description:
      "GitHub's secret scanning partner endpoint, served only when the server has `--github-scanning-keys`. The body " +
      'must be signed by one of those keys (`Github-Public-Key-Identifier`, `Github-Public-Key-Signature`: ECDSA P-256 ' +
      "with SHA-256 over the raw body); otherwise 401 and nothing changes. Each real token found follows its owner's " +
      "tokenPolicy.leakPolicy: deactivate (default), revoke (delete) or notify (audited only). Answers GitHub's " +
      'feedback: true_positive for a real token, false_positive for anything else.',
    body: githubSecretReportSchema,
    response: { 200: githubSecretFeedbackSchema, 401: errorSchema, 400: errorSchema },
  },
  // latchkey's own: signed webhooks on the application's token events.
  'applicationTokenWebhooks.get': {
    method: 'GET',
    path: '/applications/:applicationId/webhooks',
    ...tokenRead,
    accepts: applicationReadGroups,
    summary: "List an application's token webhooks",
    description: 'Never includes signing secrets.',
    params: applicationIdParamsSchema,
    query: webhooksQuerySchema,
    response: { 200: webhooksSchema, ...errorResponses },
  },
  'applicationTokenWebhooks.post': {
    method: 'POST',
    path: '/applications/:applicationId/webhooks',
    ...tokenWrite,
    accepts: applicationWriteGroups,
    summary: "Create a webhook on the application's token events",
    description: `${webhookDetails} ${webhookSecretDetails}`,
    params: applicationIdParamsSchema,
    query: losantClientQuerySchema,
    body: webhookPostSchema,
    response: { 201: createdWebhookSchema, ...errorResponses },
  },
  'applicationTokenWebhook.get': {
    method: 'GET',
    path: '/applications/:applicationId/webhooks/:webhookId',
    ...tokenRead,
    accepts: applicationReadGroups,
    summary: 'Get a token webhook of an application',
    params: applicationWebhookParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: webhookSchema, ...errorResponses },
  },
  'applicationTokenWebhook.patch': {
    method: 'PATCH',
    path: '/applications/:applicationId/webhooks/:webhookId',
    ...tokenWrite,
    accepts: applicationWriteGroups,
    summary: 'Update a token webhook of an application',
    description: 'Changes url, events, enabled and description. A disabled webhook is sent nothing until it is enabled again.',
    params: applicationWebhookParamsSchema,
    query: losantClientQuerySchema,
    body: webhookPatchSchema,
    response: { 200: webhookSchema, ...errorResponses },
  },
  'applicationTokenWebhook.delete': {
    method: 'DELETE',
    path: '/applications/:applicationId/webhooks/:webhookId',
    ...tokenWrite,
    accepts: applicationWriteGroups,
    summary: 'Delete a token webhook of an application, with its deliveries',
    params: applicationWebhookParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: successSchema, ...errorResponses },
  },
  'applicationTokenWebhook.rotateSecret': {
    method: 'POST',
    path: '/applications/:applicationId/webhooks/:webhookId/rotate-secret',
    ...tokenWrite,
    accepts: applicationWriteGroups,
    summary: "Replace a token webhook's signing secret",
    description: `Every attempt from now on is signed with the new secret. ${webhookSecretDetails}`,
    params: applicationWebhookParamsSchema,
    query: losantClientQuerySchema,
    response: { 201: createdWebhookSchema, ...errorResponses },
  },
  'applicationTokenWebhookDeliveries.get': {
    method: 'GET',
    path: '/applications/:applicationId/webhooks/:webhookId/deliveries',
    ...tokenRead,
    accepts: applicationReadGroups,
    summary: "List a token webhook's deliveries and their attempts",
    description: deliveriesDetails,
    params: applicationWebhookParamsSchema,
    query: webhookDeliveriesQuerySchema,
    response: { 200: webhookDeliveriesSchema, ...errorResponses },
  },
  'applicationTokenWebhookDelivery.redeliver': {
    method: 'POST',
    path: '/applications/:applicationId/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    ...tokenWrite,
    accepts: applicationWriteGroups,
    summary: 'Send a delivery again',
    description: 'The delivery is sent again now, with the same `webhook-id`, and retried as a new one if it fails.',
    params: applicationWebhookDeliveryParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: webhookDeliverySchema, ...errorResponses },
  },
  // The same for the calling user's own tokens.
  'userTokenWebhooks.get': {
    method: 'GET',
    path: '/me/webhooks',
    ...tokenRead,
    accepts: ['all.User', 'all.User.read', 'userTokenWebhooks.*', 'userTokenWebhooks.get'],
    summary: "List the webhooks on the calling user's token events",
    description: 'Never includes signing secrets.',
    query: webhooksQuerySchema,
    response: { 200: webhooksSchema, ...errorResponses },
  },
  'userTokenWebhooks.post': {
    method: 'POST',
    path: '/me/webhooks',
    ...tokenWrite,
    accepts: ['all.User', 'userTokenWebhooks.*', 'userTokenWebhooks.post'],
    summary: "Create a webhook on the calling user's token events",
    description: `${webhookDetails} ${webhookSecretDetails}`,
    query: losantClientQuerySchema,
    body: webhookPostSchema,
    response: { 201: createdWebhookSchema, ...errorResponses },
  },
  'userTokenWebhook.get': {
    method: 'GET',
    path: '/me/webhooks/:webhookId',
    ...tokenRead,
    accepts: ['all.User', 'all.User.read', 'userTokenWebhook.*', 'userTokenWebhook.get'],
    summary: "Get a webhook on the calling user's token events",
    params: webhookIdParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: webhookSchema, ...errorResponses },
  },
  'userTokenWebhook.patch': {
    method: 'PATCH',
    path: '/me/webhooks/:webhookId',
    ...tokenWrite,
    accepts: ['all.User', 'userTokenWebhook.*', 'userTokenWebhook.patch'],
    summary: "Update a webhook on the calling user's token events",
    params: webhookIdParamsSchema,
    query: losantClientQuerySchema,
    body: webhookPatchSchema,
    response: { 200: webhookSchema, ...errorResponses },
  },
  'userTokenWebhook.delete': {
    method: 'DELETE',
    path: '/me/webhooks/:webhookId',
    ...tokenWrite,
    accepts: ['all.User', 'userTokenWebhook.*', 'userTokenWebhook.delete'],
    summary: "Delete a webhook on the calling user's token events, with its deliveries",
    params: webhookIdParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: successSchema, ...errorResponses },
  },
  'userTokenWebhook.rotateSecret': {
    method: 'POST',
    path: '/me/webhooks/:webhookId/rotate-secret',
    ...tokenWrite,
    accepts: ['all.User', 'userTokenWebhook.*', 'userTokenWebhook.rotateSecret'],
    summary: "Replace a user webhook's signing secret",
    description: `Every attempt from now on is signed with the new secret. ${webhookSecretDetails}`,
    params: webhookIdParamsSchema,
    query: losantClientQuerySchema,
    response: { 201: createdWebhookSchema, ...errorResponses },
  },
  'userTokenWebhookDeliveries.get': {
    method: 'GET',
    path: '/me/webhooks/:webhookId/deliveries',
    ...tokenRead,
    accepts: ['all.User', 'all.User.read', 'userTokenWebhookDeliveries.*', 'userTokenWebhookDeliveries.get'],
    summary: "List a user webhook's deliveries and their attempts",
    description: deliveriesDetails,
    params: webhookIdParamsSchema,
    query: webhookDeliveriesQuerySchema,
    response: { 200: webhookDeliveriesSchema, ...errorResponses },
  },
  'userTokenWebhookDelivery.redeliver': {
    method: 'POST',
    path: '/me/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    ...tokenWrite,
    accepts: ['all.User', 'userTokenWebhookDelivery.*', 'userTokenWebhookDelivery.redeliver'],
    summary: 'Send a delivery of a user webhook again',
    description: 'The delivery is sent again now, with the same `webhook-id`, and retried as a new one if it fails.',
    params: webhookDeliveryParamsSchema,
    query: losantClientQuerySchema,
    response: { 200: webhookDeliverySchema, ...errorResponses },
  },
  'openapi.get': {
    method: 'GET',
    path: '/openapi.json',
    authentication: 'none',
    access: 'read',
    summary: 'This OpenAPI document',
    hidden: true,
  },
  'console.get': {
    method: 'GET',
    path: '/',
    authentication: 'none',
    access: 'read',
    summary: 'Sends browsers to the web console',
    hidden: true,
  },
} as const satisfies Record<string, RouteDefinition>;

export type RouteName = keyof typeof routes;

/** The routes named by an action: those a latchkey token authenticates. */
export type TokenRouteName = { [K in RouteName]: (typeof routes)[K]['authentication'] extends 'token' ? K : never }[RouteName];

/** The routes the introspection secret authenticates (the data plane's, for services that verify tokens). */
export type SecretRouteName = {
  [K in RouteName]: (typeof routes)[K]['authentication'] extends 'introspection-secret' ? K : never;
}[RouteName];

/**
 * Paths served outside the table, each by one plugin or operator endpoint (Swagger
 * UI's assets, the console's files, the Prometheus scrape): every route at or below
 * `prefix` belongs to it.
 */
export const routeMounts = [
  { name: 'docs', prefix: '/docs', summary: 'Swagger UI (this document, browsable)' },
  { name: 'console', prefix: '/console', summary: 'The web console (static files)' },
  { name: 'metrics', prefix: '/metrics', summary: 'Prometheus metrics, with --metrics and --metrics-secret (not part of the Losant API)' },
] as const;

export const routeNames = Object.keys(routes) as RouteName[];

/** Whether the route named `name` reads or writes; undefined when the table has no such route. */
export function routeAccess(name: string): 'read' | 'write' | undefined {
  return Object.hasOwn(routes, name) ? (routes as Readonly<Record<string, RouteDefinition>>)[name]!.access : undefined;
}
