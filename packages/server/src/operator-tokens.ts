// Operator actions behind `latchkey token ...`: break-glass token management against
// the database, with the API's own rules. Bodies are checked by the contract's
// schemas through the server's validator (validation.ts: the same messages, the
// nearest scope suggested), then by the same code the routes run (limits-validation,
// enforceTokenPolicy, newToken, tokenPatch, graceEnd). What the operator skips is
// attenuation: it acts with the database's authority, not a caller's token, so there
// is no caller's grant to stay within. Every write is audited as actor 'operator'
// under the API's action names (applicationApiToken.create, userApiToken.rotate, ...).
import {
  apiTokenPatchSchema,
  apiTokenRotateSchema,
  applicationApiTokenPostSchema,
  generateToken,
  userApiTokenPostSchema,
  type ApiToken,
  type ApiTokenPatch,
  type CreatedApiToken,
} from '@latchkey/contract';
import type { Creator } from './auth/creator.js';
import { hashToken } from './auth/token-hash.js';
import { BootstrapError, displayName } from './bootstrap.js';
import { operatorAudit } from './operator-audit.js';
import { futureDate } from './routes/token-actions.js';
import type { Store, TokenSecret } from './storage/port.js';
import { allowedCidrsFromWire } from './tokens/allowed-cidrs.js';
import { newToken, toApiToken, tokenPatch, type ApiTokenCreate } from './tokens/api-token-wire.js';
import { assertCreditsPatchable, assertValidLimits } from './tokens/limits-validation.js';
import { graceEnd } from './tokens/rotation.js';
import { enforceTokenPolicy } from './tokens/token-policy.js';
import { validatorCompiler } from './validation.js';

export type OperatorTokenOwner = { ownerType: 'application' | 'user'; ownerId: string };

/** Which owner a command names: exactly one of --application ID and --user EMAIL. */
export async function resolveOwner(store: Store, named: { application?: string; user?: string }): Promise<OperatorTokenOwner> {
  if ((named.application === undefined) === (named.user === undefined)) {
    throw new BootstrapError("Name the tokens' owner: give either --application ID or --user EMAIL (not both)");
  }
  if (named.application !== undefined) {
    if (!(await store.getApplication(named.application))) throw new BootstrapError(`No application ${named.application}`);
    return { ownerType: 'application', ownerId: named.application };
  }
  const user = await store.findUserByEmail(named.user!.trim().toLowerCase());
  if (!user) throw new BootstrapError(`No user with email ${named.user}`);
  return { ownerType: 'user', ownerId: user.id };
}

/** Checks a body against a route's body schema as the API does; throws its 400 message. */
function checkBody<T>(schema: object, body: unknown): T {
  const check = validatorCompiler({ schema, method: 'POST', url: '/', httpPart: 'body' }) as (data: unknown) => true | { error: Error };
  const result = check(body);
  if (result !== true) throw new BootstrapError(result.error.message);
  return body as T;
}

/**
 * Who a token made by the operator records as its creator: the wire's creatorType
 * knows only apiToken, user and flow, so it is the user the operator acts for — the
 * token's user, the owner of a user's application, or an organization's first admin —
 * named as the operator.
 */
async function operatorCreator(store: Store, owner: OperatorTokenOwner): Promise<Creator> {
  let userId = owner.ownerId;
  if (owner.ownerType === 'application') {
    const application = (await store.getApplication(owner.ownerId))!;
    userId = application.ownerId;
    if (application.ownerType === 'organization') {
      const admin = (await store.listMembers(application.ownerId)).find((m) => m.role === 'admin');
      if (!admin) throw new BootstrapError(`Organization ${application.ownerId} has no admin to record as the token's creator`);
      userId = admin.userId;
    }
  }
  const user = await store.getUser(userId);
  return { creatorType: 'user', creatorId: userId, creatorName: `operator (latchkey CLI) for ${user ? displayName(user) : userId}` };
}

function audit(owner: OperatorTokenOwner, verb: 'create' | 'update' | 'delete' | 'rotate', id: string) {
  const resource = owner.ownerType === 'application' ? 'applicationApiToken' : 'userApiToken';
  return operatorAudit(`${resource}.${verb}`, {
    targetType: 'apiToken',
    targetId: id,
    ...(owner.ownerType === 'application' ? { applicationId: owner.ownerId } : {}),
  });
}

/** A store's refusal as the operator reads it. */
const noToken = (id: string) => new BootstrapError(`No token ${id} of this owner`);

/** The create of POST .../tokens, without a caller: the API's body, defaults and policy. */
export async function createTokenAsOperator(
  store: Store,
  owner: OperatorTokenOwner,
  input: unknown,
  now = Date.now(),
): Promise<CreatedApiToken> {
  const body = checkBody<ApiTokenCreate>(owner.ownerType === 'application' ? applicationApiTokenPostSchema : userApiTokenPostSchema, input);
  const expiresAt = futureDate(body.expirationDate, now);
  const scope = body.scope ?? [owner.ownerType === 'application' ? 'all.Application' : 'all.User'];
  assertValidLimits(body);
  const named = allowedCidrsFromWire(body.allowedCidrs, 'body/allowedCidrs');
  const policy = await enforceTokenPolicy(store, owner, expiresAt, now);
  const allowedCidrs =
    named !== undefined ? named : allowedCidrsFromWire(policy?.policy.defaultAllowedCidrs, 'tokenPolicy/defaultAllowedCidrs');
  const token = generateToken(owner.ownerType);
  const record = newToken(body, {
    owner,
    creator: await operatorCreator(store, owner),
    scope,
    expiresAt,
    allowedCidrs,
    at: now,
    hash: hashToken(token),
  });
  if (!(await store.createToken(record, audit(owner, 'create', record.id)))) throw new BootstrapError('The owner was deleted meanwhile');
  return { token, ...toApiToken(record, now) };
}

/** Every token of the owner, by name (all pages). */
export async function listTokensAsOperator(store: Store, owner: OperatorTokenOwner, now = Date.now()): Promise<ApiToken[]> {
  const out: ApiToken[] = [];
  for (let page = 0; ; page++) {
    const result = await store.listTokens(owner.ownerType, owner.ownerId, { sortField: 'name', sortDirection: 'asc', page, perPage: 1000 });
    out.push(...result.items.map((r) => toApiToken(r, now)));
    if (result.items.length === 0 || out.length >= result.totalCount) return out;
  }
}

export async function getTokenAsOperator(store: Store, owner: OperatorTokenOwner, id: string, now = Date.now()): Promise<ApiToken> {
  const record = await store.getToken(owner.ownerType, owner.ownerId, id);
  if (!record) throw noToken(id);
  return toApiToken(record, now);
}

/** The PATCH of one token (status included: activate and deactivate are patches). */
export async function updateTokenAsOperator(
  store: Store,
  owner: OperatorTokenOwner,
  id: string,
  input: unknown,
  now = Date.now(),
): Promise<ApiToken> {
  const patch = checkBody<ApiTokenPatch>(apiTokenPatchSchema, input);
  if (Object.keys(patch).length === 0) throw new BootstrapError('Nothing to change: give at least one field to update');
  const current = await store.getToken(owner.ownerType, owner.ownerId, id);
  if (!current) throw noToken(id);
  assertValidLimits(patch);
  assertCreditsPatchable(current, patch.credits);
  const updatedAt = Math.max(now, current.updatedAt + 1);
  const updated = await store.updateToken(
    owner.ownerType,
    owner.ownerId,
    id,
    tokenPatch(patch, current, updatedAt),
    updatedAt,
    audit(owner, 'update', id),
  );
  if (!updated) throw noToken(id);
  return toApiToken(updated, updatedAt);
}

/** A new secret, answered this once; the replaced one verifies for `gracePeriod` seconds. */
export async function rotateTokenAsOperator(
  store: Store,
  owner: OperatorTokenOwner,
  id: string,
  gracePeriod: number,
  now = Date.now(),
): Promise<CreatedApiToken> {
  checkBody(apiTokenRotateSchema, { gracePeriod });
  const current = await store.getToken(owner.ownerType, owner.ownerId, id);
  if (!current) throw noToken(id);
  const at = Math.max(now, current.updatedAt + 1);
  await enforceTokenPolicy(store, owner, current.expiresAt, at, 'rotate');
  const token = generateToken(owner.ownerType);
  const rotated = await store.rotateToken(
    owner.ownerType,
    owner.ownerId,
    id,
    { hash: hashToken(token), at, previousSecretExpiresAt: graceEnd(at, gracePeriod) },
    audit(owner, 'rotate', id),
  );
  if (!rotated) throw noToken(id);
  return { token, ...toApiToken(rotated, at) };
}

export async function deleteTokenAsOperator(store: Store, owner: OperatorTokenOwner, id: string): Promise<{ success: true; id: string }> {
  if (!(await store.deleteToken(owner.ownerType, owner.ownerId, id, audit(owner, 'delete', id)))) throw noToken(id);
  return { success: true, id };
}

/** Which token a (leaked) secret is: never the secret, nor its hash. */
export interface FoundSecret {
  id: string;
  ownerType: 'application' | 'user' | 'session';
  ownerId: string;
  name: string;
  status: string;
  /** Which of the token's secrets it is: the current one, or the one its last rotation replaced. */
  secret: TokenSecret;
  /** A previous secret: whether its grace period still lasts (it still verifies). */
  previousSecretLive?: boolean;
}

export async function findTokenBySecret(store: Store, secret: string, now = Date.now()): Promise<FoundSecret | undefined> {
  const found = await store.findTokenByHash(hashToken(secret.trim()));
  if (!found) return undefined;
  return {
    id: found.id,
    ownerType: found.ownerType,
    ownerId: found.ownerId,
    name: found.name,
    status: found.status,
    secret: found.secret,
    ...(found.secret === 'previous'
      ? { previousSecretLive: found.previousSecretExpiresAt !== null && now < found.previousSecretExpiresAt }
      : {}),
  };
}
