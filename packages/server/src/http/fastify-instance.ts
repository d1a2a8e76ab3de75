// The Fastify instance every app starts from: node's server with the early path in
// front, request ids and logging, validation, the error and not-found handlers, and
// (with metrics) the answers counted and the pools watched.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppOptions, Limits } from '../app-options.js';
import { countFastifyAnswers } from '../metrics/http-metrics.js';
import { validatorCompiler } from '../validation.js';
import { clientErrorHandler, frameworkErrors } from './client-errors.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { requestHeadHook } from './request-head-hook.js';
import { requestIdOf, requestIdHeader } from './request-id.js';
import { childLoggerFactory } from './request-logging.js';
import { serverFactory, type EarlyPath } from './server-factory.js';

// Losant ids and tokens never need more; longer URLs are refused early.
export const routerOptions = { ignoreTrailingSlash: true, maxParamLength: 200 };

export function createFastify(options: AppOptions, limits: Limits, early: EarlyPath): FastifyInstance {
  const { store, metrics } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    childLoggerFactory,
    genReqId: (req) => requestIdOf(req.headers[requestIdHeader]),
    bodyLimit: limits.bodyLimit,
    serverFactory: serverFactory(limits.maxHeaderSize, early),
    frameworkErrors,
    clientErrorHandler,
    routerOptions,
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  });
  // Some HTTP clients say application/json on a request without a body (a DELETE or a
  // GET): for a route that takes no body there is nothing to parse, not a 400. A route
  // with a body still refuses an empty one, with Fastify's own parser and message.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string, done) => {
    if (body === '' && request.routeOptions.schema?.body === undefined) return done(null, undefined);
    return parseJson(request, body, done);
  });
  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onRequest', requestHeadHook(app, limits.maxUrlLength));
  app.decorateRequest('principal', null as never);
  app.setErrorHandler(errorHandler(app, store, limits.bodyLimit));
  app.setNotFoundHandler(notFoundHandler);
  if (metrics) {
    countFastifyAnswers(app, metrics);
    metrics.watchConnectionPool(() => store.connectionPool());
    metrics.watchPeerNotifications(() => store.peerNotificationLag());
  }
  return app;
}
