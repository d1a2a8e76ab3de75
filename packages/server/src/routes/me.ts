// Losant resource "Me": the calling user.
import { meSchema, summaryQuerySchema, type Me } from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { authorizeUser } from '../auth/authorize.js';
import { displayName } from '../bootstrap.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { errorResponses } from './error-responses.js';
import { describeAction } from './openapi.js';
import { iso } from './wire.js';

export default function meRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/me',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction('me.get', 'Get the calling user'),
        querystring: summaryQuerySchema,
        response: { 200: meSchema, ...errorResponses },
      },
    },
    async (request): Promise<Me> => {
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
  );
}
