// The web console (packages/console, a static single-page app built by Vite) at
// /console/, and GET / sending browsers there. The console's files come from this
// server only (the Content-Security-Policy says so), so it works offline. Neither
// route appears in the OpenAPI document.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errors } from '../errors.js';
import type { Handlers } from './handlers.js';

// src/routes and dist/routes both sit two levels below the package root, which sits
// next to packages/console.
export const consoleDist = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

const contentSecurityPolicy = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

function acceptsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/html\b/i.test(accept);
}

export function consoleHandlers(): Handlers<'console.get'> {
  return {
    'console.get': async (request: FastifyRequest, reply: FastifyReply) => {
      if (!acceptsHtml(request.headers.accept)) throw errors.notFound();
      return reply.redirect('/console/', 302);
    },
  };
}

/** The console's files: the route table's `console` mount. */
export default async function consoleRoutes(app: FastifyInstance, root = consoleDist): Promise<void> {
  if (!existsSync(`${root}index.html`)) {
    const notBuilt = new ApiError('NotFound', 'The web console is not built: run `npm run build` (packages/console/dist is missing)');
    const answer = async () => {
      throw notBuilt;
    };
    app.get('/console', { schema: { hide: true } }, answer);
    app.get('/console/*', { schema: { hide: true } }, answer);
    return;
  }

  await app.register(async (scope) => {
    // After app.ts's onSend (every response `no-store`): Vite names assets by content
    // hash, so they may be kept for good; index.html is revalidated to find new ones.
    scope.addHook('onSend', async (request, reply) => {
      const asset = request.url.startsWith('/console/assets/') && reply.statusCode === 200;
      reply.header('cache-control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
    });
    await scope.register(fastifyStatic, {
      root,
      prefix: '/console/',
      decorateReply: false,
      schemaHide: true,
      index: 'index.html',
      // One route per file, listed at start: with the router's ignoreTrailingSlash this
      // is what serves index.html at both /console/ and /console.
      wildcard: false,
      setHeaders: (reply) => {
        reply.header('content-security-policy', contentSecurityPolicy);
      },
    });
  });
}
