// Opens the store, bootstraps the first admin on an empty database, listens, and
// closes gracefully on SIGTERM/SIGINT.
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { bootstrap, randomPassword } from './bootstrap.js';
import type { ServeConfig } from './config.js';
import { RedisRateLimiter } from './limits/redis-rate-limiter.js';
import { Metrics } from './metrics/metrics.js';
import { listenForMetrics } from './metrics/metrics-server.js';
import { readGithubScanningKeys } from './secret-scanning/github-keys.js';
import { openStore } from './storage/open-store.js';

const firstAdminEmail = 'admin@localhost';

function printFirstAdmin(email: string, password: string, token: string, applicationId: string, url: string): void {
  const lines = [
    '',
    '================ latchkey: first start ================',
    'Created the first admin. This is shown once and never again:',
    `  email:          ${email}`,
    `  password:       ${password}`,
    `  user API token: ${token}`,
    `  application id: ${applicationId}  (My Application)`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${token}" ${url}/applications/${applicationId}/tokens`,
    '========================================================',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/** A scraper's kept-alive connection must not hold the shutdown up. */
function closeMetricsServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

export async function startServer(config: ServeConfig): Promise<FastifyInstance> {
  // Before the store opens: a bad keys file stops the start with its reason.
  const githubScanningKeys = config.githubScanningKeysFile ? readGithubScanningKeys(config.githubScanningKeysFile) : undefined;
  const store = await openStore(config.databaseUrl, { durability: config.durability });
  const metrics = config.metrics || config.metricsPort !== undefined ? new Metrics() : undefined;
  // The limiter logs through the app's logger, which exists only once the app does:
  // it connects after buildApp, so no outage goes unlogged.
  let log: FastifyInstance['log'] | undefined;
  const redisLimiter = config.redisUrl
    ? new RedisRateLimiter({
        url: config.redisUrl,
        onError: config.ratelimitOnError,
        ...(config.redisKeyPrefix ? { keyPrefix: config.redisKeyPrefix } : {}),
        log: { warn: (fields, message) => log?.warn(fields, message), info: (fields, message) => log?.info(fields, message) },
        ...(metrics ? { metrics } : {}),
      })
    : undefined;
  const app = await buildApp({
    store,
    ...(redisLimiter ? { rateLimiter: redisLimiter } : {}),
    ...config.limits,
    closeStore: true,
    ...(config.allowPrivateWebhooks ? { allowPrivateWebhooks: true } : {}),
    ...(config.usageRetention ? { usage: { retention: config.usageRetention } } : {}),
    ...(config.introspectionSecret ? { introspectionSecret: config.introspectionSecret } : {}),
    ...(config.previousIntrospectionSecret ? { previousIntrospectionSecret: config.previousIntrospectionSecret } : {}),
    ...(githubScanningKeys ? { githubScanningKeys } : {}),
    ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
    ...(metrics ? { metrics } : {}),
    ...(config.metrics && config.metricsSecret ? { metricsSecret: config.metricsSecret } : {}),
    logger: {
      level: config.logLevel,
      // Never log credentials, even if a serializer is changed to include headers.
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
  });
  if (redisLimiter) {
    log = app.log;
    app.addHook('onClose', async () => redisLimiter.close());
    redisLimiter.connect();
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // In-flight requests finish; past the bound, exit anyway rather than hang.
    setTimeout(() => {
      app.log.warn('shutdown timed out; exiting with requests still open');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  // Before the app listens: hooks can no longer be added once it does.
  let metricsServer: Server | undefined;
  if (metrics && config.metricsPort !== undefined) {
    const server = await listenForMetrics(metrics, config.metricsPort, config.host, config.metricsSecret);
    metricsServer = server;
    app.addHook('onClose', () => closeMetricsServer(server));
    const address = server.address();
    app.log.info({ port: typeof address === 'object' && address ? address.port : config.metricsPort }, 'metrics listening');
  }
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // The metrics port alone must not keep a server that could not start alive.
    if (metricsServer) await closeMetricsServer(metricsServer);
    throw error;
  }
  // Only once listening: credentials printed by a run that then fails to bind
  // would be lost, since later starts never print them again.
  if ((await store.countUsers()) === 0) {
    const password = randomPassword();
    const result = await bootstrap(store, { email: firstAdminEmail, password, applicationName: 'My Application' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    printFirstAdmin(firstAdminEmail, password, result.token, result.applicationId ?? '', `http://${shownHost}:${port}`);
  }
  return app;
}
