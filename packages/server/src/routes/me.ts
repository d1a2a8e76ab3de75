// Losant resource "Me": the calling user.
import type { Me, MePatch } from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import { authorizeUser } from '../auth/authorize.js';
import { displayName } from '../bootstrap.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { UserPatch, UserRecord } from '../storage/port.js';
import { assertValidTokenPolicy } from '../tokens/token-policy.js';
import { auditEntry } from './audit-entry.js';
import type { Handlers } from './handlers.js';
import { iso } from './wire.js';

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

export default function meHandlers(ctx: AppContext): Handlers<'me.get' | 'me.patch'> {
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
  };
}
