// Losant resource "Application API Tokens": list and create an application's tokens.
import {
  apiTokensQuerySchema, apiTokensSchema, applicationApiTokenPostSchema, applicationIdParamsSchema,
  createdApiTokenSchema, errorSchema, generateToken, losantClientQuerySchema, newId,
  type ApiTokens, type ApiTokensQuery, type ApplicationApiTokenPost, type ApplicationIdParams, type CreatedApiToken,
} from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { assertGrantable } from '../auth/attenuate.js';
import { hashToken } from '../auth/token-hash.js';
import { creatorOf } from '../auth/creator.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { TokenListQuery } from '../storage/port.js';
import { toApiToken } from './api-token-view.js';

const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema };

export function toListQuery(query: ApiTokensQuery): TokenListQuery {
  const out: TokenListQuery = {
    sortField: query.sortField ?? 'name',
    sortDirection: query.sortDirection?.toLowerCase() === 'desc' ? 'desc' : 'asc',
    page: query.page ?? 0,
    perPage: query.perPage ?? 100,
  };
  // Losant: a blank or missing filterField or filter means no filtering.
  if (query.filterField && query.filter) out.filter = { field: query.filterField, glob: query.filter };
  return out;
}

/** Parses an expirationDate that must lie in the future; returns epoch ms. */
export function futureDate(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw errors.validation('expirationDate must be an ISO 8601 date-time');
  if (ms <= now) throw errors.validation('expirationDate must be in the future');
  return ms;
}

export default function applicationApiTokensRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: ApplicationIdParams; Querystring: ApiTokensQuery }>(
    '/applications/:applicationId/tokens',
    {
      onRequest: ctx.authenticate,
      schema: {
        params: applicationIdParamsSchema,
        querystring: apiTokensQuerySchema,
        response: { 200: apiTokensSchema, ...errorResponses },
      },
    },
    async (request): Promise<ApiTokens> => {
      const { applicationId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiTokens.get', applicationId);
      const query = toListQuery(request.query);
      const page = await ctx.store.listTokens('application', applicationId, query);
      const out: ApiTokens = {
        items: page.items.map(toApiToken),
        count: page.items.length,
        totalCount: page.totalCount,
        perPage: query.perPage,
        page: query.page,
        sortField: query.sortField,
        sortDirection: query.sortDirection,
        ownerId: applicationId,
        ownerType: 'application',
      };
      if (query.filter) {
        out.filterField = query.filter.field;
        out.filter = query.filter.glob;
      }
      return out;
    },
  );

  app.post<{ Params: ApplicationIdParams; Body: ApplicationApiTokenPost }>(
    '/applications/:applicationId/tokens',
    {
      onRequest: ctx.authenticate,
      schema: {
        params: applicationIdParamsSchema,
        querystring: losantClientQuerySchema,
        body: applicationApiTokenPostSchema,
        response: { 201: createdApiTokenSchema, ...errorResponses },
      },
    },
    async (request, reply): Promise<CreatedApiToken> => {
      const { applicationId } = request.params;
      const application = await ctx.authorizeApplication(request, 'applicationApiTokens.post', applicationId);
      const body = request.body;
      const now = ctx.now();
      const expiresAt = futureDate(body.expirationDate, now);
      const scope = body.scope ?? ['all.Application'];
      assertGrantable(request.principal, application, scope, expiresAt);
      const token = generateToken('application');
      const record = {
        id: newId(now),
        ownerType: 'application' as const,
        ownerId: applicationId,
        ...creatorOf(request.principal),
        name: body.name,
        description: body.description ?? '',
        scope,
        status: body.status ?? 'active',
        expiresAt,
        createdAt: now,
        updatedAt: now,
      };
      await ctx.store.createToken({ ...record, hash: hashToken(token) });
      reply.code(201);
      return { ...toApiToken({ ...record, lastUsedAt: null }), token };
    },
  );
}
