// Losant resource "Auth": POST /auth/user signs a user in with email and password
// and answers a session token (`lks_`). Unknown email and wrong password get the
// same 401 after the same work (a password check against a dummy hash).
// POST /auth/logout (latchkey's own) ends the calling session.
import type { AuthedUser, Success, UserCredentials } from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginThrottle } from '../auth/login-throttle.js';
import { newSession } from '../auth/new-session.js';
import type { AppContext } from '../context.js';
import { ApiError, errors } from '../errors.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { auditEntry } from './audit-entry.js';
import type { Handlers } from './handlers.js';

export interface AuthOptions {
  /** Session lifetime when the caller asks for none, and the most it may ask for, in ms. */
  sessionTtlMs: number;
  throttle?: LoginThrottle;
}

const badCredentials = () => new ApiError('Unauthorized', 'Invalid email or password');

export default function authHandlers(ctx: AppContext, options: AuthOptions): Handlers<'auth.authenticateUser' | 'auth.logout'> {
  const throttle = options.throttle ?? new LoginThrottle();
  // Verified against when the email is unknown, so both failures cost the same.
  const dummyHash = hashPassword('latchkey-dummy-password');

  return {
    'auth.authenticateUser': async (request: FastifyRequest<{ Body: UserCredentials }>, reply: FastifyReply): Promise<AuthedUser> => {
      const { password, requestedScopes, tokenTTL } = request.body;
      const email = request.body.email.toLowerCase();
      const now = ctx.now();
      const checked = await throttle.attempt(email, request.ip, now, async () => {
        const found = await ctx.store.findUserByEmail(email);
        return { user: found, ok: (await verifyPassword(password, found?.passwordHash ?? (await dummyHash))) && found !== undefined };
      });
      if (checked.wait > 0) {
        reply.header('retry-after', String(checked.wait));
        throw errors.tooManyRequests();
      }
      const { user, ok } = checked.result!;
      if (!user || !ok) {
        await ctx.store.recordAudit({
          ...auditEntry(request, now, 'auth.login', { targetType: 'user', targetId: user?.id ?? null }),
          outcome: 'failure',
        });
        throw badCredentials();
      }
      const { token, record: session } = newSession(user, {
        scope: requestedScopes ?? ['all.User'],
        tokenTTL,
        maxTtlMs: options.sessionTtlMs,
        now,
      });
      const stored = await ctx.store.createToken(session, {
        ...auditEntry(request, now, 'auth.login', { targetType: 'session', targetId: session.id }),
        actorType: 'user',
        actorId: user.id,
      });
      // The user was deleted a moment ago: nobody to sign in.
      if (!stored) throw badCredentials();
      // The password changed while this one was being checked: the change ended
      // every session stored before it, and this one may have been stored after.
      if ((await ctx.store.getUser(user.id))?.passwordHash !== user.passwordHash) {
        await ctx.store.deleteToken('session', user.id, session.id, {
          ...auditEntry(request, ctx.now(), 'auth.login', { targetType: 'session', targetId: session.id }),
          actorType: 'user',
          actorId: user.id,
          outcome: 'failure',
        });
        throw badCredentials();
      }
      return { userId: user.id, token };
    },

    // Any session may end itself, whatever its scopes: holding it is the authority.
    'auth.logout': async (request: FastifyRequest): Promise<Success> => {
      const principal = request.principal;
      if (principal.kind !== 'user' || !principal.session) {
        throw errors.forbidden(
          'Only a login session (lks_) signs out; revoke an API token with POST /revoke, or delete it ' +
            '(DELETE /me/tokens/{apiTokenId} or /applications/{applicationId}/tokens/{apiTokenId})',
        );
      }
      // Already gone (ended a moment ago elsewhere): ended all the same.
      await ctx.store.deleteToken(
        'session',
        principal.userId,
        principal.tokenId,
        auditEntry(request, ctx.now(), 'auth.logout', { targetType: 'session', targetId: principal.tokenId }),
      );
      return { success: true };
    },
  };
}
