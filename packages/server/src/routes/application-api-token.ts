// Losant resource "Application API Token": get, update and delete one token.
// Every change takes effect on the very next request: the verification cache is
// invalidated by the write itself.
import {
  apiTokenPatchSchema, apiTokenSchema, applicationApiTokenParamsSchema, errorSchema, losantClientQuerySchema,
  successSchema, type ApiToken, type ApiTokenPatch, type ApplicationApiTokenParams, type Success,
} from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { assertGrantable } from '../auth/attenuate.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { toApiToken } from './api-token-view.js';

const path = '/applications/:applicationId/tokens/:apiTokenId';
const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };
const notFound = () => errors.notFound('API token');

export default function applicationApiTokenRoutes(app: FastifyInstance, ctx: AppContext): void {
  const common = {
    onRequest: ctx.authenticate,
    schema: { params: applicationApiTokenParamsSchema, querystring: losantClientQuerySchema },
  };

  app.get<{ Params: ApplicationApiTokenParams }>(
    path,
    { ...common, schema: { ...common.schema, response: { 200: apiTokenSchema, ...errorResponses } } },
    async (request): Promise<ApiToken> => {
      const { applicationId, apiTokenId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiToken.get', applicationId);
      const record = await ctx.store.getToken('application', applicationId, apiTokenId);
      if (!record) throw notFound();
      return toApiToken(record);
    },
  );

  app.patch<{ Params: ApplicationApiTokenParams; Body: ApiTokenPatch }>(
    path,
    {
      ...common,
      schema: { ...common.schema, body: apiTokenPatchSchema, response: { 200: apiTokenSchema, ...errorResponses } },
    },
    async (request): Promise<ApiToken> => {
      const { applicationId, apiTokenId } = request.params;
      const application = await ctx.authorizeApplication(request, 'applicationApiToken.patch', applicationId);
      const current = await ctx.store.getToken('application', applicationId, apiTokenId);
      if (!current) throw notFound();
      // Re-activating a token hands its authority back out: the same rule as minting it.
      if (request.body.status === 'active' && current.status !== 'active') {
        assertGrantable(request.principal, application, current.scope, current.expiresAt);
      }
      // lastUpdated always moves forward, even within one millisecond of the last write.
      const updatedAt = Math.max(ctx.now(), current.updatedAt + 1);
      const updated = await ctx.store.updateToken('application', applicationId, apiTokenId, request.body, updatedAt);
      ctx.tokenCache.invalidateToken(apiTokenId);
      if (!updated) throw notFound();
      return toApiToken(updated);
    },
  );

  app.delete<{ Params: ApplicationApiTokenParams }>(
    path,
    { ...common, schema: { ...common.schema, response: { 200: successSchema, ...errorResponses } } },
    async (request): Promise<Success> => {
      const { applicationId, apiTokenId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiToken.delete', applicationId);
      const deleted = await ctx.store.deleteToken('application', applicationId, apiTokenId);
      ctx.tokenCache.invalidateToken(apiTokenId);
      if (!deleted) throw notFound();
      return { success: true };
    },
  );
}
