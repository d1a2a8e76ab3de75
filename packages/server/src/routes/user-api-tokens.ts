// Losant resources "User API Tokens" / "User API Token": the calling user's own
// tokens under /me/tokens, with the same lifecycle, validation and attenuation as
// application tokens.
import {
  apiTokenIdParamsSchema,
  apiTokenPatchSchema,
  apiTokenSchema,
  apiTokensQuerySchema,
  apiTokensSchema,
  createdApiTokenSchema,
  losantClientQuerySchema,
  successSchema,
  userApiTokenPostSchema,
  type ApiToken,
  type ApiTokenIdParams,
  type ApiTokenPatch,
  type ApiTokensQuery,
  type CreatedApiToken,
  type Success,
  type UserApiTokenPost,
} from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { assertGrantableToUser } from '../auth/attenuate.js';
import { authorizeUser } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { errorResponses } from './error-responses.js';
import { describeAction } from './openapi.js';
import { createToken, deleteToken, getToken, listTokens, patchToken } from './token-actions.js';
import { serialized } from './wire.js';

const owner = (userId: string) => ({ ownerType: 'user' as const, ownerId: userId });

export default function userApiTokensRoutes(app: FastifyInstance, ctx: AppContext): void {
  const one = { params: apiTokenIdParamsSchema, querystring: losantClientQuerySchema };

  app.get<{ Querystring: ApiTokensQuery }>(
    '/me/tokens',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction('userApiTokens.get', "List the calling user's API tokens", 'Never includes token strings.'),
        querystring: apiTokensQuerySchema,
        response: { 200: apiTokensSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<Buffer> => {
      const user = authorizeUser(request.principal, 'userApiTokens.get');
      return serialized(reply, await listTokens(ctx, owner(user.userId), request.query));
    },
  );

  app.post<{ Body: UserApiTokenPost }>(
    '/me/tokens',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction(
          'userApiTokens.post',
          'Create a user API token',
          'The 201 response is the only time the token string is returned. Attenuation: the new token may hold ' +
            'no more authority, and expire no later, than the caller.',
        ),
        querystring: losantClientQuerySchema,
        body: userApiTokenPostSchema,
        response: { 201: createdApiTokenSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<CreatedApiToken> => {
      const user = authorizeUser(request.principal, 'userApiTokens.post');
      const created = await createToken(ctx, request, owner(user.userId), request.body, (scope, expiresAt) =>
        assertGrantableToUser(user, scope, expiresAt),
      );
      reply.code(201);
      return created;
    },
  );

  app.get<{ Params: ApiTokenIdParams }>(
    '/me/tokens/:apiTokenId',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction('userApiToken.get', 'Get a user API token'),
        ...one,
        response: { 200: apiTokenSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<Buffer> => {
      const user = authorizeUser(request.principal, 'userApiToken.get');
      return serialized(reply, await getToken(ctx, owner(user.userId), request.params.apiTokenId));
    },
  );

  app.patch<{ Params: ApiTokenIdParams; Body: ApiTokenPatch }>(
    '/me/tokens/:apiTokenId',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction(
          'userApiToken.patch',
          'Update a user API token',
          'Changes only name, description and status; re-activating a token needs authority over its scopes.',
        ),
        ...one,
        body: apiTokenPatchSchema,
        response: { 200: apiTokenSchema, ...errorResponses },
      },
    },
    async (request): Promise<ApiToken> => {
      const user = authorizeUser(request.principal, 'userApiToken.patch');
      return patchToken(ctx, request, owner(user.userId), request.params.apiTokenId, request.body, (current) =>
        assertGrantableToUser(user, current.scope, current.expiresAt),
      );
    },
  );

  app.delete<{ Params: ApiTokenIdParams }>(
    '/me/tokens/:apiTokenId',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction('userApiToken.delete', 'Revoke (delete) a user API token'),
        ...one,
        response: { 200: successSchema, ...errorResponses },
      },
    },
    async (request): Promise<Success> => {
      const user = authorizeUser(request.principal, 'userApiToken.delete');
      return deleteToken(ctx, request, owner(user.userId), request.params.apiTokenId);
    },
  );
}
