// Every route of the server, registered in one place from the contract's route
// table: app.ts only calls this. Each route file supplies the handlers of its
// routes by name; the compiler checks that every table route has one.
import type { RouteName, SecretRouteName } from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import applicationApiTokenHandlers from './application-api-token.js';
import applicationApiTokensHandlers from './application-api-tokens.js';
import applicationTokenWebhooksHandlers from './application-token-webhooks.js';
import applicationsHandlers from './applications.js';
import auditLogHandlers from './audit-logs.js';
import authHandlers from './auth.js';
import consoleRoutes, { consoleHandlers } from './console.js';
import type { Handlers } from './handlers.js';
import healthHandlers from './health.js';
import meHandlers from './me.js';
import openApiRoutes, { openApiHandlers } from './openapi.js';
import orgsHandlers from './orgs.js';
import { registerTable } from './register-table.js';
import { secretRoutes } from './secret-routes.js';
import usageHandlers from './usage.js';
import userApiTokensHandlers from './user-api-tokens.js';
import userTokenWebhooksHandlers from './user-token-webhooks.js';

export interface RouteOptions {
  /** Enables the data plane's routes (POST /introspect, /verify, …) for callers presenting one of these secrets as a bearer token. */
  introspectionSecrets: readonly string[];
  sessionTtlMs: number;
}

export async function registerRoutes(app: FastifyInstance, ctx: AppContext, options: RouteOptions): Promise<void> {
  // Before any route: @fastify/swagger collects routes as they are added.
  await openApiRoutes(app);
  // The data plane's routes are registered in a scope of their own, and only when enabled.
  const handlers: Handlers<Exclude<RouteName, SecretRouteName>> = {
    ...healthHandlers(ctx),
    ...authHandlers(ctx, { sessionTtlMs: options.sessionTtlMs }),
    ...meHandlers(ctx),
    ...userApiTokensHandlers(ctx),
    ...applicationsHandlers(ctx),
    ...orgsHandlers(ctx),
    ...applicationApiTokensHandlers(ctx),
    ...applicationApiTokenHandlers(ctx),
    ...auditLogHandlers(ctx),
    ...usageHandlers(ctx),
    ...applicationTokenWebhooksHandlers(ctx),
    ...userTokenWebhooksHandlers(ctx),
    ...openApiHandlers(app),
    ...consoleHandlers(),
  };
  registerTable(app, handlers, { token: ctx.authenticate });
  if (options.introspectionSecrets.length > 0) secretRoutes(app, ctx, options.introspectionSecrets);
  await consoleRoutes(app);
}
