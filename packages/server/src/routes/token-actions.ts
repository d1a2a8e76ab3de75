// The token operations shared by application tokens (/applications/{id}/tokens)
// and user tokens (/me/tokens): one implementation, two resources.
import {
  generateToken,
  type ApiToken,
  type ApiTokenPatch,
  type ApiTokenRotate,
  type ApiTokensQuery,
  type CreatedApiToken,
} from '@latchkey/contract';
import { assertLimitsGrantable, type TokenLimits } from '../auth/attenuate.js';
import { creatorOf } from '../auth/creator.js';
import type { Principal } from '../auth/principal.js';
import type { FastifyRequest } from 'fastify';
import { hashToken } from '../auth/token-hash.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { TokenListQuery, TokenRecord } from '../storage/port.js';
import { newToken, toApiToken, tokenPatch, type ApiTokenCreate } from '../tokens/api-token-wire.js';
import { assertCreditsPatchable, assertValidLimits } from '../tokens/limits-validation.js';
import { allowedCidrsFromWire } from '../tokens/allowed-cidrs.js';
import { enforceTokenPolicy } from '../tokens/token-policy.js';
import { graceEnd } from '../tokens/rotation.js';
import { auditEntry } from './audit-entry.js';
import { paging } from './page-query.js';

export type TokenOwner = { ownerType: 'application' | 'user'; ownerId: string };

/** The audit action and scope of a token write, by owner. */
function audit(request: FastifyRequest, at: number, owner: TokenOwner, verb: 'create' | 'update' | 'delete' | 'rotate', id: string) {
  const resource = owner.ownerType === 'application' ? 'applicationApiToken' : 'userApiToken';
  return auditEntry(request, at, `${resource}.${verb}`, {
    targetType: 'apiToken',
    targetId: id,
    ...(owner.ownerType === 'application' ? { applicationId: owner.ownerId } : {}),
  });
}

const notFound = () => errors.notFound('API token');

/** Parses an expirationDate that must lie in the future; returns epoch ms. */
export function futureDate(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw errors.validation('expirationDate must be an ISO 8601 date-time');
  if (ms <= now) throw errors.validation('expirationDate must be in the future');
  return ms;
}

/**
 * The calling token's limits, which bound those it grants. Its credits as stored:
 * spends do not refresh the verification cache the principal came from.
 */
async function callerLimits(ctx: AppContext, principal: Principal): Promise<TokenLimits> {
  if (principal.credits === null) return principal;
  const stored =
    principal.kind === 'application'
      ? await ctx.store.getToken('application', principal.applicationId, principal.tokenId)
      : await ctx.store.getToken(principal.session ? 'session' : 'user', principal.userId, principal.tokenId);
  return stored ?? principal;
}

/** The list answer, serialized (see TokenViews). */
export async function listTokens(ctx: AppContext, owner: TokenOwner, params: ApiTokensQuery): Promise<Buffer> {
  const query: TokenListQuery = paging(params, 'name', 'asc');
  return ctx.views.page(ctx.store, owner.ownerType, owner.ownerId, query, {
    perPage: query.perPage,
    page: query.page,
    sortField: query.sortField,
    sortDirection: query.sortDirection,
    ...owner,
    ...(query.filter ? { filterField: query.filter.field, filter: query.filter.glob } : {}),
  });
}

/**
 * Mints a token. `assertGrantable` is the owner-specific attenuation check; it runs
 * before anything is written, after the owner's tokenPolicy (which also gives the
 * allowedCidrs of a token that names none).
 */
export async function createToken(
  ctx: AppContext,
  request: FastifyRequest,
  owner: TokenOwner,
  body: ApiTokenCreate,
  assertGrantable: (scope: readonly string[], expiresAt: number | null) => void,
): Promise<CreatedApiToken> {
  const now = ctx.now();
  const expiresAt = futureDate(body.expirationDate, now);
  const scope = body.scope ?? [owner.ownerType === 'application' ? 'all.Application' : 'all.User'];
  assertValidLimits(body);
  const named = allowedCidrsFromWire(body.allowedCidrs, 'body/allowedCidrs');
  const policy = await enforceTokenPolicy(ctx.store, owner, expiresAt, now);
  const defaults = policy?.policy.defaultAllowedCidrs;
  const allowedCidrs = named !== undefined ? named : allowedCidrsFromWire(defaults, 'tokenPolicy/defaultAllowedCidrs');
  assertGrantable(scope, expiresAt);
  const token = generateToken(owner.ownerType);
  // One object, stored and rendered (its hash never is), taking the body's plain
  // fields as they are (see ApiTokenFields). Not { ...record, hash }: V8 builds an
  // object that starts with a spread and then adds keys through its slow path (the
  // same below).
  const record = newToken(body, {
    owner,
    creator: await creatorOf(ctx.store, request.principal),
    scope,
    expiresAt,
    allowedCidrs,
    at: now,
    hash: hashToken(token),
  });
  assertLimitsGrantable(await callerLimits(ctx, request.principal), record, now);
  const stored = await ctx.store.createToken(record, audit(request, now, owner, 'create', record.id));
  // Deleted since the request was authorized (on any node): nothing was stored.
  if (!stored) throw errors.notFound(owner.ownerType === 'application' ? 'Application' : 'User');
  return { token, ...toApiToken(record, now) };
}

/** One token, serialized (see TokenViews). */
export async function getToken(ctx: AppContext, owner: TokenOwner, id: string): Promise<Buffer> {
  const record = await ctx.store.getToken(owner.ownerType, owner.ownerId, id);
  if (!record) throw notFound();
  return ctx.views.render(record);
}

/**
 * `assertReactivatable` runs when an inactive token is set active: that is a grant
 * too. So is a change of limits: the token's limits afterwards must lie within the
 * caller's, as on create.
 */
export async function patchToken(
  ctx: AppContext,
  request: FastifyRequest,
  owner: TokenOwner,
  id: string,
  patch: ApiTokenPatch,
  assertReactivatable: (current: TokenRecord) => void,
): Promise<ApiToken> {
  const current = await ctx.store.getToken(owner.ownerType, owner.ownerId, id);
  if (!current) throw notFound();
  assertValidLimits(patch);
  assertCreditsPatchable(current, patch.credits);
  const reactivated = patch.status === 'active' && current.status !== 'active';
  if (reactivated) assertReactivatable(current);
  // lastUpdated always moves forward, even within one millisecond of the last write.
  const updatedAt = Math.max(ctx.now(), current.updatedAt + 1);
  const changes = tokenPatch(patch, current, updatedAt);
  if (reactivated || changes.ratelimits !== undefined || changes.credits !== undefined || changes.allowedCidrs !== undefined) {
    const after = {
      ratelimits: changes.ratelimits ?? current.ratelimits,
      credits: changes.credits === undefined ? current.credits : changes.credits,
      allowedCidrs: changes.allowedCidrs === undefined ? current.allowedCidrs : changes.allowedCidrs,
    };
    assertLimitsGrantable(await callerLimits(ctx, request.principal), after, updatedAt);
  }
  const updated = await ctx.store.updateToken(
    owner.ownerType,
    owner.ownerId,
    id,
    changes,
    updatedAt,
    audit(request, updatedAt, owner, 'update', id),
  );
  if (!updated) throw notFound();
  return toApiToken(updated, updatedAt);
}

/**
 * Gives the token a new secret, answered this once; with a grace period the one it
 * replaces keeps verifying until then (tokens/rotation.ts). A new working secret is
 * a grant, as a re-activation is: `assertGrantable` checks the caller's authority
 * over the token's scopes and expiry, and its limits must lie within the caller's.
 * The owner's tokenPolicy applies as to a create. The secret is never logged: only
 * its hash is stored, and the audit entry names the token.
 */
export async function rotateToken(
  ctx: AppContext,
  request: FastifyRequest,
  owner: TokenOwner,
  id: string,
  body: ApiTokenRotate | undefined,
  assertGrantable: (current: TokenRecord) => void,
): Promise<CreatedApiToken> {
  const current = await ctx.store.getToken(owner.ownerType, owner.ownerId, id);
  if (!current) throw notFound();
  assertGrantable(current);
  // lastUpdated always moves forward, even within one millisecond of the last write.
  const at = Math.max(ctx.now(), current.updatedAt + 1);
  // A new secret must meet the owner's policy as a new token would (its lifetime from now).
  await enforceTokenPolicy(ctx.store, owner, current.expiresAt, at, 'rotate');
  assertLimitsGrantable(await callerLimits(ctx, request.principal), current, at);
  const token = generateToken(owner.ownerType);
  const rotated = await ctx.store.rotateToken(
    owner.ownerType,
    owner.ownerId,
    id,
    { hash: hashToken(token), at, previousSecretExpiresAt: graceEnd(at, body?.gracePeriod ?? 0) },
    audit(request, at, owner, 'rotate', id),
  );
  // Deleted since it was read (on any node).
  if (!rotated) throw notFound();
  return { token, ...toApiToken(rotated, at) };
}

export async function deleteToken(ctx: AppContext, request: FastifyRequest, owner: TokenOwner, id: string): Promise<{ success: true }> {
  const deleted = await ctx.store.deleteToken(owner.ownerType, owner.ownerId, id, audit(request, ctx.now(), owner, 'delete', id));
  if (!deleted) throw notFound();
  return { success: true };
}
