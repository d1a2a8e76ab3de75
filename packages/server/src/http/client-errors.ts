// Requests that never reach a route, answered in the `{type, message}` shape too:
// malformed or oversized heads (node's parser) and malformed paths (the router).
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { errors } from '../errors.js';
import { sendError } from './bare-response.js';

/** The raw answer to a request node's parser refused: there is no response object for it. */
function clientErrorResponse(code: string | undefined): string {
  const message = code === 'HPE_HEADER_OVERFLOW' ? 'Request headers are too large' : 'Malformed request';
  const body = JSON.stringify(errors.validation(message).toJSON());
  const status = code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  return `HTTP/1.1 ${status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

export const clientErrorHandler: NonNullable<FastifyServerOptions['clientErrorHandler']> = (error: NodeJS.ErrnoException, socket) => {
  if (socket.writable) socket.end(clientErrorResponse(error.code));
  else socket.destroy();
};

/** Malformed paths are refused by the router before any route; the path is not echoed back. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'The URL is malformed';
  void sendError(reply, errors.validation(message));
}
