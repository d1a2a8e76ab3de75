// Builds the Fastify application: wiring only, each piece in a file of its own. It
// never listens: server.ts does, and tests use `inject` or listen on a port of their own.
import type { FastifyInstance } from 'fastify';
import { limitsOf, type AppOptions } from './app-options.js';
import { createContext } from './create-context.js';
import { installEarlyPaths } from './http/early-paths.js';
import { createFastify } from './http/fastify-instance.js';
import type { EarlyPath } from './http/server-factory.js';
import { registerMetricsRoute } from './metrics/metrics-route.js';
import { registerRoutes } from './routes/index.js';

export { defaultBodyLimit, defaultLimits, defaultSessionTtlMs, type AppOptions } from './app-options.js';

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const limits = limitsOf(options);
  // The node server asks this before Fastify; it learns the routes below.
  const early: EarlyPath = { refuse: () => false };
  const app = createFastify(options, limits, early);
  const { ctx, refusals } = createContext(app, options, limits, options.now ?? Date.now);
  const introspectionSecrets = [options.introspectionSecret, options.previousIntrospectionSecret].filter((s): s is string => !!s);
  installEarlyPaths(early, app, ctx, refusals, options, limits, introspectionSecrets);
  if (options.metrics && options.metricsSecret) registerMetricsRoute(app, options.metrics, options.metricsSecret);
  await registerRoutes(app, ctx, {
    introspectionSecrets,
    sessionTtlMs: limits.sessionTtlMs,
    ...(options.githubScanningKeys ? { githubScanningKeys: options.githubScanningKeys } : {}),
  });
  return app;
}
