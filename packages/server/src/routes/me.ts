// Losant resource "Me": the calling user.
import type { AuthedUser, ChangePassword, Me, MePatch } from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { authorizeUser } from '../auth/authorize.js';
import { newSession } from '../auth/new-session.js';
import { displayName } from '../bootstrap.js';
import type { AppContext } from '../context.js';
import { ApiError, errors } from '../errors.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import type { UserPatch, UserRecord } from '../storage/port.js';
import { assertValidTokenPolicy } from '../tokens/token-policy.js';
import { auditEntry } from './audit-entry.js';
import type { Handlers } from './handlers.js';
import { iso } from './wire.js';

export interface MeOptions {
  /** Session lifetime when the caller asks for none, and the most it may ask for, in ms. */
  sessionTtlMs: number;
  /** Sign-in's throttle: a wrong current password counts as a failed sign-in. */
  throttle: LoginThrottle;
}

function toMe(user: UserRecord): Me {
  const me: Me = {
    id: user.id,
    userId: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    fullName: displayName(user),
    creationDate: iso(user.createdAt),
    lastUpdated: iso(user.updatedAt),
    passwordLastUpdated: iso(user.passwordUpdatedAt),
  };
  if (user.tokenPolicy) me.tokenPolicy = user.tokenPolicy;
  return me;
}

export default function meHandlers(ctx: AppContext, options: MeOptions): Handlers<'me.get' | 'me.patch' | 'me.changePassword'> {
  return {
    'me.get': async (request: FastifyRequest): Promise<Me> => {
      const principal = authorizeUser(request.principal, 'me.get');
      const user = await ctx.store.getUser(principal.userId);
      if (!user) throw errors.unauthorized();
      return toMe(user);
    },

    'me.patch': async (request: FastifyRequest<{ Body: MePatch }>): Promise<Me> => {
      const principal = authorizeUser(request.principal, 'me.patch');
      const user = await ctx.store.getUser(principal.userId);
      if (!user) throw errors.unauthorized();
      const { email, firstName, lastName, tokenPolicy } = request.body;
      assertValidTokenPolicy(tokenPolicy, 'body/tokenPolicy');
      const patch: UserPatch = { email, firstName, lastName, tokenPolicy };
      // lastUpdated always moves forward, even within one millisecond of the last write.
      const at = Math.max(ctx.now(), user.updatedAt + 1);
      const updated = await ctx.store.updateUser(
        user.id,
        patch,
        at,
        auditEntry(request, at, 'user.update', { targetType: 'user', targetId: user.id }),
      );
      if (updated === 'email-taken') throw errors.validation(`body/email: another user has ${JSON.stringify(email)}; choose another email`);
      if (!updated) throw errors.unauthorized();
      return toMe(updated);
    },

    /**
     * Every other session of the user ends with the change, whatever
     * `invalidateExistingTokens` says (Losant only optionally ends them): whoever
     * learnt the old password, or holds a session made with it, is out at once.
     */
    'me.changePassword': async (request: FastifyRequest<{ Body: ChangePassword }>, reply: FastifyReply): Promise<AuthedUser> => {
      const principal = authorizeUser(request.principal, 'me.changePassword');
      const { password, newPassword, invalidateExistingTokens, tokenTTL, twoFactorCode } = request.body;
      if (twoFactorCode !== undefined) {
        throw errors.validation('latchkey has no second factor: send the password change without twoFactorCode');
      }
      const user = await ctx.store.getUser(principal.userId);
      if (!user) throw errors.unauthorized();
      const now = ctx.now();
      const checked = await options.throttle.attempt(user.email, request.ip, now, async () => ({
        ok: await verifyPassword(password, user.passwordHash),
      }));
      if (checked.wait > 0) {
        reply.header('retry-after', String(checked.wait));
        throw errors.tooManyRequests();
      }
      const audit = (action: string, target: Parameters<typeof auditEntry>[3]) => auditEntry(request, now, action, target);
      if (!checked.result!.ok) {
        await ctx.store.recordAudit({ ...audit('me.changePassword', { targetType: 'user', targetId: user.id }), outcome: 'failure' });
        throw new ApiError('Unauthorized', 'The current password is wrong');
      }
      // As a sign-in with the new password would answer.
      const { token, record } = newSession(user, { scope: ['all.User'], tokenTTL, maxTtlMs: options.sessionTtlMs, now });
      const ended = await ctx.store.endSessions(user.id, {
        at: now,
        passwordHash: await hashPassword(newPassword),
        keep: record,
        ...(invalidateExistingTokens
          ? { deactivateApiTokens: (id: string) => audit('userApiToken.update', { targetType: 'apiToken', targetId: id }) }
          : {}),
        audit: [
          audit('me.changePassword', { targetType: 'user', targetId: user.id }),
          audit('auth.endSessions', { targetType: 'user', targetId: user.id }),
          audit('auth.login', { targetType: 'session', targetId: record.id }),
        ],
      });
      if (!ended) throw errors.unauthorized();
      return { userId: user.id, token };
    },
  };
}
