// Losant resource "Application API Tokens": list and create an application's tokens.
import {
  apiTokensQuerySchema,
  apiTokensSchema,
  applicationApiTokenPostSchema,
  applicationIdParamsSchema,
  createdApiTokenSchema,
  losantClientQuerySchema,
  type ApiTokensQuery,
  type ApplicationApiTokenPost,
  type ApplicationIdParams,
  type CreatedApiToken,
} from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { assertGrantable } from '../auth/attenuate.js';
import type { AppContext } from '../context.js';
import { errorResponses } from './error-responses.js';
import { describeAction } from './openapi.js';
import { createToken, listTokens } from './token-actions.js';
import { serialized } from './wire.js';

export default function applicationApiTokensRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: ApplicationIdParams; Querystring: ApiTokensQuery }>(
    '/applications/:applicationId/tokens',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction('applicationApiTokens.get', "List an application's API tokens", 'Never includes token strings.'),
        params: applicationIdParamsSchema,
        querystring: apiTokensQuerySchema,
        response: { 200: apiTokensSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<Buffer> => {
      const { applicationId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiTokens.get', applicationId);
      return serialized(reply, await listTokens(ctx, { ownerType: 'application', ownerId: applicationId }, request.query));
    },
  );

  app.post<{ Params: ApplicationIdParams; Body: ApplicationApiTokenPost }>(
    '/applications/:applicationId/tokens',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction(
          'applicationApiTokens.post',
          'Create an application API token',
          'The 201 response is the only time the token string is returned. Attenuation: the new token may hold ' +
            'no more authority, and expire no later, than the caller.',
        ),
        params: applicationIdParamsSchema,
        querystring: losantClientQuerySchema,
        body: applicationApiTokenPostSchema,
        response: { 201: createdApiTokenSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<CreatedApiToken> => {
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
  );
}
