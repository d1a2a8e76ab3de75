// GET /health (no authentication): whether this node can reach its store (else 503:
// load balancers take it out of rotation), and where rate limits are counted. An
// unreachable rate limit store degrades the answer but keeps it 200 (schemas/health.ts says why).
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { Handlers } from './handlers.js';

export default function healthHandlers(ctx: AppContext): Handlers<'health.get'> {
  return {
    'health.get': async () => {
      try {
        await ctx.store.ping();
      } catch {
        throw errors.unavailable();
      }
      const ratelimits = ctx.rateLimiter.status();
      return { status: ratelimits.reachable ? 'ok' : 'degraded', database: ctx.store.kind, ratelimits };
    },
  };
}
