// POST /revoke: token revocation in the shape of RFC 7009, by whoever holds the
// token. Holding it is the authority, so the route takes no other credential, and
// every request is answered 200 {"success": true} (unknown, malformed, already
// inactive or expired tokens too), so the answer tells a caller nothing about a
// string it tries. Every attempt counts against the caller's address like a failed
// authentication (auth/auth-failure-throttle.ts), so the route cannot be used to
// try tokens at volume: past the limit, 429.
//
// The token's current secret makes it inactive, with revokedAt (a login session
// ends); a secret a rotation replaced, still in its grace period, ends the grace
// period alone, so the holder of an old secret cannot switch off the new one. Either
// is a token write the store announces, so every node's caches and every verifier
// downstream (GET /verify/events) drop the token at once.
import type { RevocationRequest, Success } from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken } from '../auth/token-hash.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { AuditEntry, FoundToken } from '../storage/port.js';
import { previousSecretLive } from '../tokens/rotation.js';
import { auditEntry } from './audit-entry.js';
import type { Handlers } from './handlers.js';

const success: Success = { success: true };

/** Whether the secret found still works, so revoking it changes something. */
function live(found: FoundToken, now: number): boolean {
  if (found.secret === 'previous') return previousSecretLive(found, now);
  return found.status === 'active' && (found.expiresAt === null || found.expiresAt > now);
}

/**
 * Revoked by its holder: the token itself is the actor (a login session's holder is
 * its user, as everywhere else in the audit trail).
 */
function revocationAudit(request: FastifyRequest, at: number, found: FoundToken): AuditEntry {
  if (found.ownerType === 'session') {
    return {
      ...auditEntry(request, at, 'session.revoke', { targetType: 'session', targetId: found.id }),
      actorType: 'user',
      actorId: found.ownerId,
    };
  }
  const resource = found.ownerType === 'application' ? 'applicationApiToken' : 'userApiToken';
  return {
    ...auditEntry(request, at, `${resource}.revoke`, {
      targetType: 'apiToken',
      targetId: found.id,
      ...(found.ownerType === 'application' ? { applicationId: found.ownerId } : {}),
    }),
    actorType: 'apiToken',
    actorId: found.id,
  };
}

export default function revokeHandlers(ctx: AppContext): Handlers<'revoke.post'> {
  return {
    'revoke.post': async (request: FastifyRequest<{ Body: RevocationRequest }>, reply: FastifyReply): Promise<Success> => {
      const now = ctx.now();
      const wait = ctx.authFailures.retryAfter(request.ip, now);
      if (wait > 0) {
        reply.header('retry-after', String(wait));
        throw errors.tooManyRequests();
      }
      ctx.authFailures.failed(request.ip, now);
      const { token } = request.body;
      // Shape and checksum first, without I/O: garbage never reaches the hash or the store.
      const kind = ctx.authenticator.kind(token);
      if (kind === undefined) return success;
      const hash = hashToken(token);
      const found = await ctx.store.findTokenByHash(hash);
      if (!found || found.ownerType !== kind || !live(found, now)) return success;
      // lastUpdated always moves forward, even within one millisecond of the last write.
      const at = Math.max(now, found.updatedAt + 1);
      await ctx.store.revokeToken(found.ownerType, found.ownerId, found.id, hash, at, revocationAudit(request, at, found));
      return success;
    },
  };
}
