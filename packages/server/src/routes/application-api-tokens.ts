// Losant resource "Application API Tokens": list and create an application's tokens.
import type { ApiTokensQuery, ApplicationApiTokenPost, ApplicationIdParams, CreatedApiToken, RouteName } from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertGrantable } from '../auth/attenuate.js';
import type { AppContext } from '../context.js';
import type { Handlers } from './handlers.js';
import { createToken, listTokens } from './token-actions.js';
import { serialized } from './wire.js';

export default function applicationApiTokensHandlers(ctx: AppContext): Handlers<Extract<RouteName, `applicationApiTokens.${string}`>> {
  return {
    'applicationApiTokens.get': async (
      request: FastifyRequest<{ Params: ApplicationIdParams; Querystring: ApiTokensQuery }>,
      reply: FastifyReply,
    ): Promise<Buffer> => {
      const { applicationId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiTokens.get', applicationId);
      return serialized(reply, await listTokens(ctx, { ownerType: 'application', ownerId: applicationId }, request.query));
    },

    'applicationApiTokens.post': async (
      request: FastifyRequest<{ Params: ApplicationIdParams; Body: ApplicationApiTokenPost }>,
      reply: FastifyReply,
    ): Promise<CreatedApiToken> => {
      const { applicationId } = request.params;
      const access = await ctx.authorizeApplication(request, 'applicationApiTokens.post', applicationId);
      const created = await createToken(
        ctx,
        request,
        { ownerType: 'application', ownerId: applicationId },
        request.body,
        (scope, expiresAt) => assertGrantable(request.principal, access, scope, expiresAt),
      );
      reply.code(201);
      return created;
    },
  };
}
