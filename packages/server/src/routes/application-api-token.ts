// Losant resource "Application API Token": get, update and delete one token.
// Every change takes effect on the very next request: the verification cache is
// invalidated by the write itself.
import {
  apiTokenPatchSchema,
  apiTokenSchema,
  applicationApiTokenParamsSchema,
  losantClientQuerySchema,
  successSchema,
  type ApiToken,
  type ApiTokenPatch,
  type ApplicationApiTokenParams,
  type Success,
} from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { assertGrantable } from '../auth/attenuate.js';
import type { AppContext } from '../context.js';
import { errorResponses } from './error-responses.js';
import { describeAction } from './openapi.js';
import { deleteToken, getToken, patchToken } from './token-actions.js';
import { serialized } from './wire.js';

const path = '/applications/:applicationId/tokens/:apiTokenId';
const owner = (applicationId: string) => ({ ownerType: 'application' as const, ownerId: applicationId });

export default function applicationApiTokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  const schema = { params: applicationApiTokenParamsSchema, querystring: losantClientQuerySchema };

  app.get<{ Params: ApplicationApiTokenParams }>(
    path,
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction('applicationApiToken.get', 'Get an application API token'),
        ...schema,
        response: { 200: apiTokenSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<Buffer> => {
      const { applicationId, apiTokenId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiToken.get', applicationId);
      return serialized(reply, await getToken(ctx, owner(applicationId), apiTokenId));
    },
  );

  app.patch<{ Params: ApplicationApiTokenParams; Body: ApiTokenPatch }>(
    path,
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction(
          'applicationApiToken.patch',
          'Update an application API token',
          'Changes only name, description and status; re-activating a token needs authority over its scopes.',
        ),
        ...schema,
        body: apiTokenPatchSchema,
        response: { 200: apiTokenSchema, ...errorResponses },
      },
    },
    async (request): Promise<ApiToken> => {
      const { applicationId, apiTokenId } = request.params;
      const access = await ctx.authorizeApplication(request, 'applicationApiToken.patch', applicationId);
      return patchToken(ctx, request, owner(applicationId), apiTokenId, request.body, (current) =>
        assertGrantable(request.principal, access, current.scope, current.expiresAt),
      );
    },
  );

  app.delete<{ Params: ApplicationApiTokenParams }>(
    path,
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction('applicationApiToken.delete', 'Revoke (delete) an application API token'),
        ...schema,
        response: { 200: successSchema, ...errorResponses },
      },
    },
    async (request): Promise<Success> => {
      const { applicationId, apiTokenId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiToken.delete', applicationId);
      return deleteToken(ctx, request, owner(applicationId), apiTokenId);
    },
  );
}
