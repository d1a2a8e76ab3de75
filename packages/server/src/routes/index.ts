// Every route of the server, registered in one place: app.ts only calls this.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import applicationApiTokenRoutes from './application-api-token.js';
import applicationApiTokensRoutes from './application-api-tokens.js';
import applicationsRoutes from './applications.js';
import auditLogRoutes from './audit-logs.js';
import authRoutes from './auth.js';
import consoleRoutes from './console.js';
import healthRoutes from './health.js';
import introspectRoutes from './introspect.js';
import meRoutes from './me.js';
import openApiRoutes from './openapi.js';
import orgsRoutes from './orgs.js';
import userApiTokensRoutes from './user-api-tokens.js';

export interface RouteOptions {
  /** Enables POST /introspect for callers presenting this secret as a bearer token. */
  introspectionSecret?: string | undefined;
  sessionTtlMs: number;
}

export async function registerRoutes(app: FastifyInstance, ctx: AppContext, options: RouteOptions): Promise<void> {
  // Before any route: @fastify/swagger collects routes as they are added.
  await openApiRoutes(app);
  healthRoutes(app, ctx);
  if (options.introspectionSecret) introspectRoutes(app, ctx, options.introspectionSecret);
  authRoutes(app, ctx, { sessionTtlMs: options.sessionTtlMs });
  meRoutes(app, ctx);
  userApiTokensRoutes(app, ctx);
  applicationsRoutes(app, ctx);
  orgsRoutes(app, ctx);
  applicationApiTokensRoutes(app, ctx);
  applicationApiTokenRoutes(app, ctx);
  auditLogRoutes(app, ctx);
  await consoleRoutes(app);
}
