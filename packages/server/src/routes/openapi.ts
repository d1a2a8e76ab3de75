// GET /openapi.json (OpenAPI 3.1, generated from the route schemas) and GET /docs
// (Swagger UI, served from the package's own assets: the page loads nothing from any
// other origin). Routes describe themselves with describeAction, which reads the
// accepted scopes from the contract's `actions`, the very lists authorization
// enforces, so the document cannot drift from them.
import { STATUS_CODES } from 'node:http';
import { createRequire } from 'node:module';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { actions, errorTypes, type ActionName } from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';

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

/** Summary, tag, accepted scopes and bearer security of an authenticated route. */
export function describeAction(action: ActionName, summary: string, details?: string) {
  const scopes = [...actions[action]].map((scope) => `\`${scope}\``).join(', ');
  const description = `Losant action \`${action}\`. Accepted scopes (any one): ${scopes}.`;
  return {
    summary,
    description: details ? `${details}\n\n${description}` : description,
    tags: [resourceTag(action.slice(0, action.indexOf('.')))],
    operationId: action,
    security: bearer,
  };
}

/** Summary and tag of a route that takes no bearer token. */
export function describePublic(resource: string, summary: string, description?: string) {
  return { summary, tags: [resourceTag(resource)], ...(description ? { description } : {}) };
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

/** Registers the document and the UI; must run before any route is added. */
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
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
