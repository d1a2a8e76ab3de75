// Every route of the server, registered in one place from the contract's route
// table: app.ts only calls this. Each route file supplies the handlers of its
// routes by name; the compiler checks that every table route has one.
import formbody from '@fastify/formbody';
import type { RouteName, SecretRouteName } from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { LoginThrottle } from '../auth/login-throttle.js';
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
import revokeHandlers from './revoke.js';
import { secretRoutes } from './secret-routes.js';
import { secretScanningRoutes } from './secret-scanning.js';
import type { GithubScanningKeys } from '../secret-scanning/github-keys.js';
import usageHandlers from './usage.js';
import userApiTokensHandlers from './user-api-tokens.js';
import userTokenWebhooksHandlers from './user-token-webhooks.js';

export interface RouteOptions {
  /** Enables the data plane's routes (POST /introspect, /verify, …) for callers presenting one of these secrets as a bearer token. */
  introspectionSecrets: readonly string[];
  sessionTtlMs: number;
  /** Enables POST /secret-scanning/github, for reports signed by one of these keys. */
  githubScanningKeys?: GithubScanningKeys;
}

export async function registerRoutes(app: FastifyInstance, ctx: AppContext, options: RouteOptions): Promise<void> {
  // Before any route: @fastify/swagger collects routes as they are added.
  await openApiRoutes(app);
  // The data plane's routes, /revoke, and GitHub's secret scanning are registered in scopes of their own (the last two only when enabled).
  // One throttle for every password check: sign-in's and a password change's.
  const throttle = new LoginThrottle();
  const handlers: Handlers<Exclude<RouteName, SecretRouteName | 'githubSecretScanning.post' | 'revoke.post'>> = {
    ...healthHandlers(ctx),
    ...authHandlers(ctx, { sessionTtlMs: options.sessionTtlMs, throttle }),
    ...meHandlers(ctx, { sessionTtlMs: options.sessionTtlMs, throttle }),
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
  // RFC 7009 clients send forms: the form parser in a scope of POST /revoke's own, so
  // every other route keeps accepting JSON alone.
  app.register(async (scope) => {
    await scope.register(formbody);
    registerTable(scope, revokeHandlers(ctx), {});
  });
  if (options.introspectionSecrets.length > 0) secretRoutes(app, ctx, options.introspectionSecrets);
  if (options.githubScanningKeys) secretScanningRoutes(app, ctx, options.githubScanningKeys);
  await consoleRoutes(app);
}
