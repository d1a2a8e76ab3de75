// The routes the introspection secret authenticates (the data plane's), registered
// in a scope of their own, and only when a secret is configured. The form parser is
// registered in this scope only (RFC 7662 clients send forms): every other route
// keeps accepting JSON alone.
import formbody from '@fastify/formbody';
import type { SecretRouteName } from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import { introspectionSecretHook } from '../auth/introspection-secret.js';
import type { AppContext } from '../context.js';
import type { Handlers } from './handlers.js';
import introspectHandlers from './introspect.js';
import { registerTable } from './register-table.js';
import verifyHandlers from './verify.js';

export function secretRoutes(app: FastifyInstance, ctx: AppContext, secrets: readonly string[]): void {
  const handlers: Handlers<SecretRouteName> = {
    ...introspectHandlers(ctx),
    ...verifyHandlers(ctx),
  };
  app.register(async (scope) => {
    await scope.register(formbody);
    registerTable(scope, handlers, { 'introspection-secret': introspectionSecretHook(secrets) });
  });
}
