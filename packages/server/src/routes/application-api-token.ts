// Losant resource "Application API Token": get, update and delete one token, and
// latchkey's rotation (a new secret, the old one optionally valid for a grace period).
// Every change takes effect on the very next request: the store announces the write
// before it resolves, and cache-invalidation.ts drops the token from the caches.
import type {
  ApiToken,
  ApiTokenPatch,
  ApiTokenRotate,
  ApplicationApiTokenParams,
  CreatedApiToken,
  Success,
  RouteName,
} from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertGrantable } from '../auth/attenuate.js';
import type { AppContext } from '../context.js';
import type { Handlers } from './handlers.js';
import { deleteToken, getToken, patchToken, rotateToken } from './token-actions.js';
import { serialized } from './wire.js';

const owner = (applicationId: string) => ({ ownerType: 'application' as const, ownerId: applicationId });

export default function applicationApiTokenHandlers(ctx: AppContext): Handlers<Extract<RouteName, `applicationApiToken.${string}`>> {
  return {
    'applicationApiToken.get': async (
      request: FastifyRequest<{ Params: ApplicationApiTokenParams }>,
      reply: FastifyReply,
    ): Promise<Buffer> => {
      const { applicationId, apiTokenId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiToken.get', applicationId);
      return serialized(reply, await getToken(ctx, owner(applicationId), apiTokenId));
    },

    'applicationApiToken.patch': async (
      request: FastifyRequest<{ Params: ApplicationApiTokenParams; Body: ApiTokenPatch }>,
    ): Promise<ApiToken> => {
      const { applicationId, apiTokenId } = request.params;
      const access = await ctx.authorizeApplication(request, 'applicationApiToken.patch', applicationId);
      return patchToken(ctx, request, owner(applicationId), apiTokenId, request.body, (current) =>
        assertGrantable(request.principal, access, current.scope, current.expiresAt),
      );
    },

    'applicationApiToken.rotate': async (
      request: FastifyRequest<{ Params: ApplicationApiTokenParams; Body: ApiTokenRotate | undefined }>,
      reply: FastifyReply,
    ): Promise<CreatedApiToken> => {
      const { applicationId, apiTokenId } = request.params;
      const access = await ctx.authorizeApplication(request, 'applicationApiToken.rotate', applicationId);
      const rotated = await rotateToken(ctx, request, owner(applicationId), apiTokenId, request.body, (current) =>
        assertGrantable(request.principal, access, current.scope, current.expiresAt),
      );
      reply.code(201);
      return rotated;
    },

    'applicationApiToken.delete': async (request: FastifyRequest<{ Params: ApplicationApiTokenParams }>): Promise<Success> => {
      const { applicationId, apiTokenId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiToken.delete', applicationId);
      return deleteToken(ctx, request, owner(applicationId), apiTokenId);
    },
  };
}
