// GET /health (no authentication): whether this node can reach its store. Load
// balancers take a node out of rotation on 503.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { describePublic } from './openapi.js';

const healthSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, database: { type: 'string' } },
  required: ['status', 'database'],
} as const;

export default function healthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const schema = {
    ...describePublic(
      'health',
      'Whether this node can reach its store',
      'No token needed. 503 `Unavailable` when the store is unreachable.',
    ),
    response: { 200: healthSchema },
  };
  app.get('/health', { schema }, async () => {
    try {
      await ctx.store.ping();
    } catch {
      throw errors.unavailable();
    }
    return { status: 'ok', database: ctx.store.kind };
  });
}
