// Against a latchkey without POST /verify (404), the verifier asks POST /introspect
// and builds the /verify answer from it, deciding the action with the same scope
// algebra as the server. What such a server cannot tell: why a token is not active
// (every such answer is NOT_FOUND), and limits (it has none: no ratelimits, no
// credits, nothing consumed).
import { authorityOnApplication, type ActionScope, type Introspection, type VerifyAnswer } from '@latchkey/contract';

export interface FallbackRequest {
  applicationId?: string;
  action?: ActionScope;
}

/** The body POST /introspect is sent for a verification. */
export function introspectionBody(token: string, request: FallbackRequest): { token: string; application_id?: string } {
  return request.applicationId === undefined ? { token } : { token, application_id: request.applicationId };
}

export function answerOfIntrospection(introspection: Introspection, request: FallbackRequest): VerifyAnswer {
  const { token_type: kind, sub: tokenId } = introspection;
  const ownerId = kind === 'application' ? introspection.application_id : introspection.user_id;
  if (!introspection.active || kind === undefined || tokenId === undefined || ownerId === undefined) {
    return { valid: false, code: 'NOT_FOUND' };
  }
  const scope = (introspection.scope ?? '').split(' ').filter(Boolean);
  // A secret a rotation replaced says so, as /verify would (its exp is then its grace period's end).
  const identity = { tokenId, ownerType: kind, ownerId, scope, ...(introspection.deprecated ? { deprecated: true } : {}) };
  const withExpiry =
    introspection.exp === undefined ? identity : { ...identity, expirationDate: new Date(introspection.exp * 1000).toISOString() };
  const { applicationId, action } = request;
  if (applicationId === undefined) return { valid: true, code: 'VALID', ...withExpiry };
  const application = introspection.application;
  if (!application || application.id !== applicationId || !application.reachable || application.owner_type === undefined) {
    return { valid: false, code: 'FORBIDDEN', ...withExpiry };
  }
  if (action !== undefined && !authorityOnApplication(scope, kind, application.owner_type, application.role).has(action)) {
    return { valid: false, code: 'INSUFFICIENT_PERMISSIONS', ...withExpiry };
  }
  return { valid: true, code: 'VALID', ...withExpiry };
}
