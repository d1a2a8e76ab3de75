// Losant resource "Auth": POST /auth/user signs a user in with email and password
// and answers a session token (`lks_`). Unknown email and wrong password get the
// same 401 after the same work (a password check against a dummy hash).
import { generateToken, type AuthedUser, type UserCredentials } from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginThrottle } from '../auth/login-throttle.js';
import { hashToken } from '../auth/token-hash.js';
import type { AppContext } from '../context.js';
import { ApiError, errors } from '../errors.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { newToken } from '../tokens/api-token-wire.js';
import { auditEntry } from './audit-entry.js';
import type { Handlers } from './handlers.js';

export interface AuthOptions {
  /** Session lifetime when the caller asks for none, and the most it may ask for, in ms. */
  sessionTtlMs: number;
  throttle?: LoginThrottle;
}

const badCredentials = () => new ApiError('Unauthorized', 'Invalid email or password');

export default function authHandlers(ctx: AppContext, options: AuthOptions): Handlers<'auth.authenticateUser'> {
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
      const ttl = tokenTTL ? Math.min(tokenTTL * 1000, options.sessionTtlMs) : options.sessionTtlMs;
      const token = generateToken('session');
      const session = newToken(
        { name: 'session' },
        {
          owner: { ownerType: 'session', ownerId: user.id },
          creator: { creatorType: 'user', creatorId: user.id, creatorName: user.email },
          scope: requestedScopes ?? ['all.User'],
          expiresAt: now + ttl,
          at: now,
          hash: hashToken(token),
        },
      );
      const stored = await ctx.store.createToken(session, {
        ...auditEntry(request, now, 'auth.login', { targetType: 'session', targetId: session.id }),
        actorType: 'user',
        actorId: user.id,
      });
      // The user was deleted a moment ago: nobody to sign in.
      if (!stored) throw badCredentials();
      return { userId: user.id, token };
    },
  };
}
