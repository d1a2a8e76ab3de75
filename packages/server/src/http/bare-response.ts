// Writing an error answer without Fastify's error path: to a Fastify reply, or to
// node's bare response (the early refusals, which run before Fastify).
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { ApiError } from '../errors.js';

const jsonType = 'application/json; charset=utf-8';

/** Answers with `error`, serialized here: no schema lookup. */
export function sendError(reply: FastifyReply, error: ApiError): FastifyReply {
  return sendBody(reply, error.statusCode, JSON.stringify(error.toJSON()));
}

function sendBody(reply: FastifyReply, statusCode: number, body: string): FastifyReply {
  return reply.code(statusCode).type(jsonType).send(body);
}

/**
 * An error answered again and again (a flood of refusals): its body is serialized
 * once, and its whole header list built once per list of headers it is given.
 */
export class KeptAnswer {
  readonly statusCode: number;
  private readonly body: string;
  private written: { given: readonly string[]; all: string[] } | undefined;

  constructor(error: ApiError) {
    this.statusCode = error.statusCode;
    this.body = JSON.stringify(error.toJSON());
  }

  send(reply: FastifyReply): FastifyReply {
    return sendBody(reply, this.statusCode, this.body);
  }

  /**
   * The answer send() gives, written to a bare node response after `headers` (a
   * flat name, value, ... list). Not an object spread with added keys: V8 builds
   * such an object through its slow path.
   */
  write(res: ServerResponse, headers: readonly string[]): void {
    // A flood of refusals passes the same list each time.
    if (this.written?.given !== headers) {
      this.written = {
        given: headers,
        all: [...headers, 'content-type', jsonType, 'content-length', String(Buffer.byteLength(this.body))],
      };
    }
    res.writeHead(this.statusCode, this.written.all).end(this.body);
  }
}
