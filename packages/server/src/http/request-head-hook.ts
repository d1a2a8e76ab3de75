// The first onRequest hook, for every request: its X-Request-Id and security headers (set now, they
// survive error answers too), no keep-alive while shutting down, and the URL length.
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { errors } from '../errors.js';
import { requestIdHeader } from './request-id.js';
import { securityHeaders } from './security-headers.js';

export function requestHeadHook(app: FastifyInstance, maxUrlLength: number): onRequestHookHandler {
  const tooLong = `URL is longer than ${maxUrlLength} bytes`;
  // A plain callback hook: an async one costs a promise and a microtask per request.
  return (request, reply, done) => {
    reply.header(requestIdHeader, request.id);
    reply.headers(securityHeaders);
    // Shutting down: do not keep the connection open for a next request.
    if (!app.server.listening) reply.header('connection', 'close');
    done(request.url.length > maxUrlLength ? errors.validation(tooLong) : undefined);
  };
}
