// GET /openapi.json (OpenAPI 3.1, generated from the contract's route table) and
// GET /docs (Swagger UI, served from the package's own assets: the page loads nothing
// from any other origin). Each route's schemas, summary and description are the
// table's; the accepted scopes come from the contract's `actions`, the very lists
// authorization enforces, so the document cannot drift from them. @fastify/swagger
// turns the registered (table) schemas into OpenAPI operations.
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { actions, errorTypes, type RouteDefinition, type RouteName } from '@latchkey/contract';
import type { FastifyInstance, FastifySchema } from 'fastify';
import type { Handlers } from './handlers.js';

// src/routes and dist/routes both sit two levels below the package root.
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

const bearer = [{ bearerAuth: [] }] as const;

/** `applicationApiTokens` -> `Application API Tokens`: the Losant resource's name. */
function resourceTag(resource: string): string {
  return resource
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^./, (first) => first.toUpperCase())
    .replace(/\bApi\b/g, 'API');
}

/** Summary, tag and operation id of a route; for token routes also the accepted scopes and bearer security. */
function describeRoute(name: RouteName, route: RouteDefinition) {
  const tags = [resourceTag(name.slice(0, name.indexOf('.')))];
  if (route.authentication !== 'token') {
    return { summary: route.summary, tags, operationId: name, ...(route.description ? { description: route.description } : {}) };
  }
  const scopes = [...actions[name as keyof typeof actions]].map((scope) => `\`${scope}\``).join(', ');
  const description = `Losant action \`${name}\`. Accepted scopes (any one): ${scopes}.`;
  return {
    summary: route.summary,
    description: route.description ? `${route.description}\n\n${description}` : description,
    tags,
    operationId: name,
    security: bearer,
  };
}

/** The Fastify schema of a table route: validation, serialization and its OpenAPI operation. */
export function routeSchema(name: RouteName, route: RouteDefinition): FastifySchema {
  if (route.hidden) return { hide: true };
  return {
    ...describeRoute(name, route),
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    ...(route.response ? { response: route.response } : {}),
  };
}

const errorTypeByStatus = new Map<string, string>(Object.entries(errorTypes).map(([type, status]) => [String(status), type]));

/** Names each response ("Default Response" otherwise): the status text, or the error `type` it carries. */
function describeResponses(document: { paths?: Record<string, Record<string, unknown> | undefined> }): void {
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item ?? {})) {
      const responses = (operation as { responses?: Record<string, { description?: string }> }).responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        if (response.description !== 'Default Response') continue;
        const type = errorTypeByStatus.get(status);
        response.description = type ? `\`${type}\` error` : (STATUS_CODES[status] ?? 'Response');
      }
    }
  }
}

/** Registers the document and the UI (the `docs` mount); must run before any route is added. */
export default async function openApiRoutes(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'latchkey',
        version,
        description: 'Scoped API tokens with the Losant REST contract (Application API Tokens and the principals around them).',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A latchkey token: `lka_` (application token), `lku_` (user API token) or `lks_` (session from POST /auth/user).',
          },
        },
      },
    },
    transformObject: (document) => {
      if (!('openapiObject' in document)) return document.swaggerObject;
      describeResponses(document.openapiObject as Parameters<typeof describeResponses>[0]);
      return document.openapiObject;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

export function openApiHandlers(app: FastifyInstance): Handlers<'openapi.get'> {
  return { 'openapi.get': async () => app.swagger() };
}
