// Fastify's error handler: everything thrown while handling a request becomes an
// ApiError, answered in the `{type, message}` shape; only 5xx are logged.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errors } from '../errors.js';
import type { Store } from '../storage/port.js';
import { sendError } from './bare-response.js';
import { bodyPending, discardBody, discardBounds } from './lingering-close.js';

/** Maps any error thrown while handling a request to the `{type, message}` shape. */
export function toApiError(error: FastifyError, bodyLimit: number, store: Store): ApiError {
  if (error instanceof ApiError) return error;
  if (store.isUnavailable(error)) return errors.unavailable();
  if (error.validation) return errors.validation(error.message);
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.validation('Unsupported Content-Type; send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.validation('Body cannot be empty when Content-Type is application/json');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return errors.validation('Body is not valid JSON');
  }
  if (error.statusCode === 413) return errors.payloadTooLarge(bodyLimit);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return errors.validation(error.message);
  }
  return errors.internal();
}

export function errorHandler(
  app: FastifyInstance,
  store: Store,
  bodyLimit: number,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) => {
    const apiError = toApiError(error, bodyLimit, store);
    if (apiError.statusCode >= 500) {
      const log = request.log === app.log ? app.log.child({ reqId: request.id }) : request.log;
      log.error({ err: error }, 'request failed');
    }
    // A body over the limit is refused while it is still arriving: the rest is read
    // first (bounded), so the answer reaches a client that is still sending. Fastify
    // closes the connection after the answer, as the body's end may be unknown.
    if (apiError.statusCode === 413 && bodyPending(request.raw)) {
      discardBody(request.raw, discardBounds, () => sendError(reply, apiError));
      return reply;
    }
    return sendError(reply, apiError);
  };
}

export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, errors.notFound());
}
