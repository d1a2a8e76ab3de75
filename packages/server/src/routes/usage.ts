// Usage of tokens: GET /applications/{applicationId}/tokens/{apiTokenId}/usage,
// GET /applications/{applicationId}/usage (summed, with the top 10 tokens) and
// GET /me/tokens/{apiTokenId}/usage. Each first writes this node's counts not yet
// written (usage-writer.ts), so an answer includes every verification this node
// made before it; other nodes' appear once their writer's batch is stored.
import type {
  ApiTokenIdParams,
  ApplicationApiTokenParams,
  ApplicationIdParams,
  ApplicationUsage,
  Usage,
  UsageQuery,
} from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import { authorizeUser } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { UsageRange } from '../storage/port.js';
import { usageRange } from '../usage/usage-range.js';
import { toTopTokens, toUsage } from '../usage/usage-wire.js';
import type { Handlers } from './handlers.js';

const topTokenCount = 10;

export default function usageHandlers(
  ctx: AppContext,
): Handlers<'applicationApiTokenUsage.get' | 'applicationUsage.get' | 'userApiTokenUsage.get'> {
  const rangeOf = (query: UsageQuery) => usageRange(query, ctx.now(), ctx.usageWriter.retention);

  /** One existing token's usage; 404 when the owner has no such token. */
  async function tokenUsage(range: UsageRange & { tokenId: string }): Promise<Usage> {
    if (!(await ctx.store.getToken(range.ownerType, range.ownerId, range.tokenId))) throw errors.notFound('API token');
    await ctx.usageWriter.flush();
    return toUsage(await ctx.store.readUsage(range));
  }

  return {
    'applicationApiTokenUsage.get': async (
      request: FastifyRequest<{ Params: ApplicationApiTokenParams; Querystring: UsageQuery }>,
    ): Promise<Usage> => {
      const { applicationId, apiTokenId } = request.params;
      await ctx.authorizeApplication(request, 'applicationApiTokenUsage.get', applicationId);
      const range = rangeOf(request.query);
      return tokenUsage({ ...range, ownerType: 'application', ownerId: applicationId, tokenId: apiTokenId });
    },

    'applicationUsage.get': async (
      request: FastifyRequest<{ Params: ApplicationIdParams; Querystring: UsageQuery }>,
    ): Promise<ApplicationUsage> => {
      const { applicationId } = request.params;
      await ctx.authorizeApplication(request, 'applicationUsage.get', applicationId);
      const range = { ...rangeOf(request.query), ownerType: 'application' as const, ownerId: applicationId };
      await ctx.usageWriter.flush();
      const [buckets, totals] = await Promise.all([ctx.store.readUsage(range), ctx.store.topUsageTokens(range, topTokenCount)]);
      const ids = [...new Set(totals.map((t) => t.tokenId))];
      const existing = ids.length === 0 ? [] : await ctx.store.getTokens('application', applicationId, ids);
      const names = new Map(existing.map((token) => [token.id, token.name]));
      return { ...toUsage(buckets), topTokens: toTopTokens(totals, names) };
    },

    'userApiTokenUsage.get': async (request: FastifyRequest<{ Params: ApiTokenIdParams; Querystring: UsageQuery }>): Promise<Usage> => {
      const user = authorizeUser(request.principal, 'userApiTokenUsage.get');
      const range = rangeOf(request.query);
      return tokenUsage({ ...range, ownerType: 'user', ownerId: user.userId, tokenId: request.params.apiTokenId });
    },
  };
}
