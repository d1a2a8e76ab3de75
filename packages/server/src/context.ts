// What every route needs, built once by app.ts and passed to each route file.
import type { ActionName } from '@latchkey/contract';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Principal } from './auth/principal.js';
import type { Authenticator } from './auth/authenticate.js';
import type { AuthFailureThrottle } from './auth/auth-failure-throttle.js';
import type { VerificationEvents } from './events/verification-events.js';
import type { ApplicationAccess } from './auth/authorize.js';
import type { TokenViews } from './renderings/token-views.js';
import type { Store } from './storage/port.js';
import type { UsageCounter } from './usage/usage-counter.js';
import type { RateLimiter } from './limits/rate-limiter.js';
import type { Verify } from './verify/verification.js';
import type { UsageWriter } from './usage/usage-writer.js';

export interface AppContext {
  store: Store;
  /** Tokens rendered to JSON, reused while their version holds. */
  views: TokenViews;
  /** Token string -> principal (through the cache), or null when refused. */
  authenticator: Authenticator;
  /** Every verification is counted here (per token, outcome and minute). */
  usage: UsageCounter;
  /** Where tokens' rate limits are counted (in memory, or shared through Redis). */
  rateLimiter: RateLimiter;
  /** POST /verify's decision (verify/verification.ts). */
  verify: Verify;
  /** Writes ctx.usage to the store in batches; `flush()` before reading usage. */
  usageWriter: UsageWriter;
  /** GET /verify/events: the streams of changes that can alter a verification. */
  verificationEvents: VerificationEvents;
  /** The clock; tests replace it to move through expiry without sleeping. */
  now: () => number;
  /** Failed authentications per address (429 past the limit); POST /revoke counts every attempt here too. */
  authFailures: AuthFailureThrottle;
  /** onRequest hook: resolves the bearer token into `request.principal`, or answers 401 (429 when throttled). */
  authenticate: onRequestHookHandler;
  /** The application, when the caller reaches it and holds a scope (and role) the action accepts. */
  authorizeApplication: (request: FastifyRequest, action: ActionName, applicationId: string) => Promise<ApplicationAccess>;
  /** A webhook URL as a create or patch gives it, checked (webhooks/webhook-url.ts): normalized, or a 400 saying why not. */
  checkWebhookUrl: (url: string) => Promise<string>;
  /** The application as the principal reaches it (no scope check), or undefined. */
  reach: (principal: Principal, applicationId: string) => Promise<ApplicationAccess | undefined>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}
