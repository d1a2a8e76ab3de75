// Losant resources "User API Tokens" / "User API Token": the calling user's own
// tokens under /me/tokens, with the same lifecycle, validation, attenuation and
// rotation as application tokens.
import type {
  ApiToken,
  ApiTokenIdParams,
  ApiTokenPatch,
  ApiTokenRotate,
  ApiTokensQuery,
  RouteName,
  CreatedApiToken,
  Success,
  UserApiTokenPost,
} from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertGrantableToUser } from '../auth/attenuate.js';
import { authorizeUser } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { Handlers } from './handlers.js';
import { createToken, deleteToken, getToken, listTokens, patchToken, rotateToken } from './token-actions.js';
import { serialized } from './wire.js';

const owner = (userId: string) => ({ ownerType: 'user' as const, ownerId: userId });

export default function userApiTokensHandlers(
  ctx: AppContext,
): Handlers<Extract<RouteName, `userApiToken.${string}` | `userApiTokens.${string}`>> {
  return {
    'userApiTokens.get': async (request: FastifyRequest<{ Querystring: ApiTokensQuery }>, reply: FastifyReply): Promise<Buffer> => {
      const user = authorizeUser(request.principal, 'userApiTokens.get');
      return serialized(reply, await listTokens(ctx, owner(user.userId), request.query));
    },

    'userApiTokens.post': async (request: FastifyRequest<{ Body: UserApiTokenPost }>, reply: FastifyReply): Promise<CreatedApiToken> => {
      const user = authorizeUser(request.principal, 'userApiTokens.post');
      const created = await createToken(ctx, request, owner(user.userId), request.body, (scope, expiresAt) =>
        assertGrantableToUser(user, scope, expiresAt),
      );
      reply.code(201);
      return created;
    },

    'userApiToken.get': async (request: FastifyRequest<{ Params: ApiTokenIdParams }>, reply: FastifyReply): Promise<Buffer> => {
      const user = authorizeUser(request.principal, 'userApiToken.get');
      return serialized(reply, await getToken(ctx, owner(user.userId), request.params.apiTokenId));
    },

    'userApiToken.patch': async (request: FastifyRequest<{ Params: ApiTokenIdParams; Body: ApiTokenPatch }>): Promise<ApiToken> => {
      const user = authorizeUser(request.principal, 'userApiToken.patch');
      return patchToken(ctx, request, owner(user.userId), request.params.apiTokenId, request.body, (current) =>
        assertGrantableToUser(user, current.scope, current.expiresAt),
      );
    },

    'userApiToken.rotate': async (
      request: FastifyRequest<{ Params: ApiTokenIdParams; Body: ApiTokenRotate | undefined }>,
      reply: FastifyReply,
    ): Promise<CreatedApiToken> => {
      const user = authorizeUser(request.principal, 'userApiToken.rotate');
      const rotated = await rotateToken(ctx, request, owner(user.userId), request.params.apiTokenId, request.body, (current) =>
        assertGrantableToUser(user, current.scope, current.expiresAt),
      );
      reply.code(201);
      return rotated;
    },

    'userApiToken.delete': async (request: FastifyRequest<{ Params: ApiTokenIdParams }>): Promise<Success> => {
      const user = authorizeUser(request.principal, 'userApiToken.delete');
      return deleteToken(ctx, request, owner(user.userId), request.params.apiTokenId);
    },
  };
}
