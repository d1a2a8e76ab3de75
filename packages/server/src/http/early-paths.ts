// What the node server answers before Fastify: refusals that need no route (bad or
// missing tokens on authenticated routes, over-long URLs), and, with an introspection
// secret, the ordinary POST /verify.
import type { FastifyInstance } from 'fastify';
import type { AppOptions, Limits } from '../app-options.js';
import { authenticatedRoutes } from '../auth/authenticated-routes.js';
import type { AppContext } from '../context.js';
import { clientAddress } from './client-address.js';
import { createEarlyRefusal } from './early-refusal.js';
import { createEarlyVerify } from './early-verify.js';
import { routerOptions } from './fastify-instance.js';
import type { Refusals } from './refusals.js';
import type { EarlyPath } from './server-factory.js';

export function installEarlyPaths(
  early: EarlyPath,
  app: FastifyInstance,
  ctx: AppContext,
  refusals: Refusals,
  options: AppOptions,
  limits: Limits,
  introspectionSecrets: string[],
): void {
  const { metrics } = options;
  const refusal = createEarlyRefusal({
    app,
    maxUrlLength: limits.maxUrlLength,
    authenticator: ctx.authenticator,
    authenticates: authenticatedRoutes(app, ctx.authenticate, routerOptions),
    throttle: ctx.authFailures,
    refusals,
    now: ctx.now,
    addressOf: clientAddress(options.trustProxy),
    ...(metrics ? { metrics } : {}),
  });
  if (introspectionSecrets.length === 0) {
    early.refuse = refusal;
    return;
  }
  const verifyEarly = createEarlyVerify({
    app,
    store: ctx.store,
    secrets: introspectionSecrets,
    verify: ctx.verify,
    bodyLimit: limits.bodyLimit,
    now: ctx.now,
    ...(metrics ? { metrics } : {}),
  });
  early.refuse = (req, res) => verifyEarly(req, res) || refusal(req, res);
}
