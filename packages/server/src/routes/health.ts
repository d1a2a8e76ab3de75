// GET /health (no authentication): whether this node can reach its store. Load
// balancers take a node out of rotation on 503.
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
      return { status: 'ok', database: ctx.store.kind };
    },
  };
}
