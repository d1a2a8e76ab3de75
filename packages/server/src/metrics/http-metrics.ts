// HTTP requests into the metrics: Fastify's answers by route template (never the raw
// URL: ids would make a series per token), and the early paths' answers, which never
// reach Fastify (http/early-verify.ts, http/early-refusal.ts).
import type { FastifyInstance } from 'fastify';
import { unmatchedRoute, type Metrics } from './metrics.js';

export function countFastifyAnswers(app: FastifyInstance, metrics: Metrics): void {
  // A plain callback hook: an async one costs a promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.routeOptions.url ?? unmatchedRoute, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
