// Builds the Fastify application: wiring only, each piece in a file of its own. It
// never listens: server.ts does, and tests use `inject` or listen on a port of their own.
import Fastify, { type FastifyInstance } from 'fastify';
import { limitsOf, type AppOptions } from './app-options.js';
import { ApplicationOwners } from './auth/application-owners.js';
import { AuthFailureThrottle } from './auth/auth-failure-throttle.js';
import { createAuthenticateHook } from './auth/authenticate-hook.js';
import { createAuthenticator } from './auth/authenticate.js';
import { authenticatedRoutes } from './auth/authenticated-routes.js';
import { authorizeApplication, reach } from './auth/authorize.js';
import { TokenCache } from './auth/token-cache.js';
import { listenForInvalidations } from './cache-invalidation.js';
import type { AppContext } from './context.js';
import type { Principal } from './auth/principal.js';
import { clientErrorHandler, frameworkErrors } from './http/client-errors.js';
import { clientAddress } from './http/client-address.js';
import { createEarlyRefusal } from './http/early-refusal.js';
import { createEarlyVerify } from './http/early-verify.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { VerificationEvents } from './events/verification-events.js';
import { createRefusals } from './http/refusals.js';
import { requestHeadHook } from './http/request-head-hook.js';
import { requestIdOf, requestIdHeader } from './http/request-id.js';
import { childLoggerFactory } from './http/request-logging.js';
import { serverFactory, type EarlyPath } from './http/server-factory.js';
import { countFastifyAnswers } from './metrics/http-metrics.js';
import { registerMetricsRoute } from './metrics/metrics-route.js';
import { registerRoutes } from './routes/index.js';
import { TokenViews } from './renderings/token-views.js';
import { UsageCounter } from './usage/usage-counter.js';
import { MemoryRateLimiter } from './limits/memory-rate-limiter.js';
import { createVerify } from './verify/verification.js';
import { UsageWriter } from './usage/usage-writer.js';
import { validatorCompiler } from './validation.js';
import { LimitEvents } from './webhooks/limit-events.js';
import { startWebhookTasks } from './webhooks/webhook-tasks.js';
import { checkWebhookUrl } from './webhooks/webhook-url.js';

export { defaultBodyLimit, defaultLimits, defaultSessionTtlMs, type AppOptions } from './app-options.js';

// Losant ids and tokens never need more; longer URLs are refused early.
const routerOptions = { ignoreTrailingSlash: true, maxParamLength: 200 };

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { store, metrics } = options;
  const limits = limitsOf(options);
  const now = options.now ?? Date.now;
  const early: EarlyPath = { refuse: () => false };
  const app = Fastify({
    logger: options.logger ?? false,
    childLoggerFactory,
    genReqId: (req) => requestIdOf(req.headers[requestIdHeader]),
    bodyLimit: limits.bodyLimit,
    serverFactory: serverFactory(limits.maxHeaderSize, early),
    frameworkErrors,
    clientErrorHandler,
    routerOptions,
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onRequest', requestHeadHook(app, limits.maxUrlLength));
  app.decorateRequest('principal', null as never);
  app.setErrorHandler(errorHandler(app, store, limits.bodyLimit));
  app.setNotFoundHandler(notFoundHandler);
  if (metrics) {
    countFastifyAnswers(app, metrics);
    metrics.watchConnectionPool(() => store.connectionPool());
    metrics.watchPeerNotifications(() => store.peerNotificationLag());
  }

  const tokens = new TokenCache(options.tokenCacheTtlMs, now, undefined, metrics);
  const owners = new ApplicationOwners(store, options.tokenCacheTtlMs, now);
  const views = new TokenViews(now);
  listenForInvalidations(store, { tokens, owners, views });
  const authenticator = createAuthenticator(store, tokens, (error) => app.log.warn({ err: error }, 'could not record lastUsed'));
  const throttle = new AuthFailureThrottle(limits.authFailureLimit);
  const refusals = createRefusals();
  const usage = new UsageCounter(metrics);
  const usageWriter = new UsageWriter(store, usage, now, app.log, options.usage, metrics);
  // onClose hooks run last-added first: the store closes after the last usage batch.
  if (options.closeStore) app.addHook('onClose', () => store.close());
  app.addHook('onClose', () => usageWriter.close());
  usageWriter.start();
  startWebhookTasks(app, store, now, options);
  const rateLimiter = options.rateLimiter ?? new MemoryRateLimiter();
  app.addHook('onClose', () => rateLimiter.close());
  // One per node for both: its memory of the windows already reported is shared.
  const limitEvents = new LimitEvents(store, app.log);
  const authenticate = createAuthenticateHook({ authenticator, throttle, refusals, rateLimiter, usage, limitEvents, now });
  const reachOf = (principal: Principal, applicationId: string) => reach(store, owners, principal, applicationId);
  const verificationEvents = new VerificationEvents(store, options.verificationEvents);
  // Before the server closes: it would wait for the open streams.
  app.addHook('preClose', async () => verificationEvents.close());
  const ctx: AppContext = {
    store,
    views,
    authenticator,
    usage,
    rateLimiter,
    verify: createVerify({ store, authenticator, reach: reachOf, rateLimiter, usage, limitEvents }),
    usageWriter,
    verificationEvents,
    now,
    authFailures: throttle,
    authenticate,
    authorizeApplication: (request, action, applicationId) => authorizeApplication(store, owners, request.principal, action, applicationId),
    reach: reachOf,
    checkWebhookUrl: (url) => checkWebhookUrl(url, options.allowPrivateWebhooks ?? false),
  };
  const authenticates = authenticatedRoutes(app, authenticate, routerOptions);
  const refusal = createEarlyRefusal({
    app,
    maxUrlLength: limits.maxUrlLength,
    authenticator,
    authenticates,
    throttle,
    refusals,
    now,
    addressOf: clientAddress(options.trustProxy),
    ...(metrics ? { metrics } : {}),
  });
  const introspectionSecrets = [options.introspectionSecret, options.previousIntrospectionSecret].filter((s): s is string => !!s);
  if (introspectionSecrets.length === 0) early.refuse = refusal;
  else {
    const verifyEarly = createEarlyVerify({
      app,
      store,
      secrets: introspectionSecrets,
      verify: ctx.verify,
      bodyLimit: limits.bodyLimit,
      now,
      ...(metrics ? { metrics } : {}),
    });
    early.refuse = (req, res) => verifyEarly(req, res) || refusal(req, res);
  }

  if (metrics && options.metricsSecret) registerMetricsRoute(app, metrics, options.metricsSecret);
  await registerRoutes(app, ctx, {
    introspectionSecrets,
    sessionTtlMs: limits.sessionTtlMs,
    ...(options.githubScanningKeys ? { githubScanningKeys: options.githubScanningKeys } : {}),
  });
  return app;
}
