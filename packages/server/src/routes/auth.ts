// Losant resource "Auth": POST /auth/user signs a user in with email and password
// and answers a session token (`lks_`). Unknown email and wrong password get the
// same 401 after the same work (a password check against a dummy hash).
import {
  authedUserSchema,
  generateToken,
  losantClientQuerySchema,
  newId,
  userCredentialsSchema,
  type AuthedUser,
  type UserCredentials,
} from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { LoginThrottle } from '../auth/login-throttle.js';
import { hashToken } from '../auth/token-hash.js';
import type { AppContext } from '../context.js';
import { ApiError, errors } from '../errors.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { auditEntry } from './audit-entry.js';
import { errorResponses } from './error-responses.js';
import { describePublic } from './openapi.js';

export interface AuthOptions {
  /** Session lifetime when the caller asks for none, and the most it may ask for, in ms. */
  sessionTtlMs: number;
  throttle?: LoginThrottle;
}

const badCredentials = () => new ApiError('Unauthorized', 'Invalid email or password');

export default function authRoutes(app: FastifyInstance, ctx: AppContext, options: AuthOptions): void {
  const throttle = options.throttle ?? new LoginThrottle();
  // Verified against when the email is unknown, so both failures cost the same.
  const dummyHash = hashPassword('latchkey-dummy-password');

  app.post<{ Body: UserCredentials }>(
    '/auth/user',
    {
      schema: {
        ...describePublic(
          'auth',
          'Sign in with email and password',
          'No token needed. Answers a session token (`lks_`), 24 h by default (`tokenTTL` in seconds may shorten it). ' +
            'Repeated failures are refused with 429 `TooManyRequests` and `Retry-After`.',
        ),
        querystring: losantClientQuerySchema,
        body: userCredentialsSchema,
        response: { 200: authedUserSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<AuthedUser> => {
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
      const sessionId = newId(now);
      const stored = await ctx.store.createToken(
        {
          id: sessionId,
          ownerType: 'session',
          ownerId: user.id,
          creatorType: 'user',
          creatorId: user.id,
          creatorName: user.email,
          name: 'session',
          description: '',
          scope: requestedScopes ?? ['all.User'],
          status: 'active',
          expiresAt: now + ttl,
          createdAt: now,
          updatedAt: now,
          hash: hashToken(token),
        },
        { ...auditEntry(request, now, 'auth.login', { targetType: 'session', targetId: sessionId }), actorType: 'user', actorId: user.id },
      );
      // The user was deleted a moment ago: nobody to sign in.
      if (!stored) throw badCredentials();
      return { userId: user.id, token };
    },
  );
}
