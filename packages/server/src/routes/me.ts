// Losant resource "Me": the calling user.
import type { Me } from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import { authorizeUser } from '../auth/authorize.js';
import { displayName } from '../bootstrap.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { Handlers } from './handlers.js';
import { iso } from './wire.js';

export default function meHandlers(ctx: AppContext): Handlers<'me.get'> {
  return {
    'me.get': async (request: FastifyRequest): Promise<Me> => {
      const principal = authorizeUser(request.principal, 'me.get');
      const user = await ctx.store.getUser(principal.userId);
      if (!user) throw errors.unauthorized();
      return {
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
    },
  };
}
