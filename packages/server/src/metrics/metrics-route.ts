// GET /metrics on the main port (--metrics), for a scraper presenting the metrics
// secret as a bearer token. Outside the contract's route table: it is an operator's
// endpoint, not part of the Losant API, and exists only when configured.
import type { FastifyInstance } from 'fastify';
import { secretMatcher } from '../auth/introspection-secret.js';
import { ApiError } from '../errors.js';
import type { Metrics } from './metrics.js';

export const metricsPath = '/metrics';

export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics, secret: string): void {
  const authorized = secretMatcher([secret]);
  app.get(metricsPath, async (request, reply) => {
    if (!authorized(request.headers.authorization)) {
      throw new ApiError('Unauthorized', 'Invalid metrics secret: send --metrics-secret as Authorization: Bearer <secret>');
    }
    const { contentType, body } = await metrics.scrape();
    return reply.type(contentType).send(body);
  });
}
