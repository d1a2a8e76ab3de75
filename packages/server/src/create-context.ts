// Builds what every route needs (context.ts) for one app: the caches and the one
// listener that invalidates them, authentication and its throttle, rate limits,
// usage counting and its writer, verification and its events stream. Everything it
// starts is stopped by the app's close hooks.
import type { FastifyInstance } from 'fastify';
import type { AppOptions, Limits } from './app-options.js';
import { ApplicationOwners } from './auth/application-owners.js';
import { AuthFailureThrottle } from './auth/auth-failure-throttle.js';
import { createAuthenticateHook } from './auth/authenticate-hook.js';
import { createAuthenticator } from './auth/authenticate.js';
import { authorizeApplication, reach } from './auth/authorize.js';
import type { Principal } from './auth/principal.js';
import { TokenCache } from './auth/token-cache.js';
import { listenForInvalidations } from './cache-invalidation.js';
import type { AppContext } from './context.js';
import { VerificationEvents } from './events/verification-events.js';
import { createRefusals, type Refusals } from './http/refusals.js';
import { MemoryRateLimiter } from './limits/memory-rate-limiter.js';
import { TokenViews } from './renderings/token-views.js';
import { UsageCounter } from './usage/usage-counter.js';
import { UsageWriter } from './usage/usage-writer.js';
import { createVerify } from './verify/verification.js';
import { LimitEvents } from './webhooks/limit-events.js';
import { startWebhookTasks } from './webhooks/webhook-tasks.js';
import { checkWebhookUrl } from './webhooks/webhook-url.js';

export function createContext(
  app: FastifyInstance,
  options: AppOptions,
  limits: Limits,
  now: () => number,
): { ctx: AppContext; refusals: Refusals } {
  const { store, metrics } = options;
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
    authenticate: createAuthenticateHook({ authenticator, throttle, refusals, rateLimiter, usage, limitEvents, now }),
    authorizeApplication: (request, action, applicationId) => authorizeApplication(store, owners, request.principal, action, applicationId),
    reach: reachOf,
    checkWebhookUrl: (url) => checkWebhookUrl(url, options.allowPrivateWebhooks ?? false),
  };
  return { ctx, refusals };
}
