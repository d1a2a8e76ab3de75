// Per-request logging: what Fastify does for each request depends on the log level.
import type { FastifyInstance, FastifyServerOptions } from 'fastify';

/** The log levels at which Fastify writes a line for every request. */
const requestLevels = new Set(['info', 'debug', 'trace']);

/** Whether Fastify writes a line for every request (so every request must reach it). */
export function logsEveryRequest(app: FastifyInstance): boolean {
  return requestLevels.has(app.log.level);
}

/**
 * A child logger per request costs about as much as routing it, and only adds the
 * request id. Below 'info' there are no per-request lines to carry it; the error
 * handler names the request itself.
 */
export const childLoggerFactory: FastifyServerOptions['childLoggerFactory'] = (logger, bindings, opts) =>
  requestLevels.has(logger.level) ? logger.child(bindings, opts) : logger;
