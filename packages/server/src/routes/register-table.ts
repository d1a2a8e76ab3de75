// Registers the contract's route table: for each route a handler supplies, one
// Fastify route with the table's method, path, schemas and OpenAPI description,
// behind the hook its `authentication` names. Done once at start; a request runs
// exactly what it would had the route been written out by hand.
import { routeNames, routes, type Authentication, type RouteDefinition } from '@latchkey/contract';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { Handlers } from './handlers.js';
import { routeSchema } from './openapi.js';

/** The onRequest hook of each kind of authentication a scope serves. */
export type AuthenticationHooks = Partial<Record<Exclude<Authentication, 'none'>, onRequestHookHandler>>;

export function registerTable(app: FastifyInstance, handlers: Partial<Handlers>, hooks: AuthenticationHooks): void {
  for (const name of routeNames) {
    const handler = handlers[name];
    if (!handler) continue;
    const route: RouteDefinition = routes[name];
    const hook = route.authentication === 'none' ? undefined : hooks[route.authentication];
    // Fail closed: a route that authenticates is never registered without its hook.
    if (route.authentication !== 'none' && !hook) throw new Error(`${name}: no ${route.authentication} hook to register it behind`);
    app.route({
      method: route.method,
      url: route.path,
      ...(hook ? { onRequest: hook } : {}),
      schema: routeSchema(name, route),
      handler,
    });
  }
}
