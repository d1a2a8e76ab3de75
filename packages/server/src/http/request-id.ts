// Every request's id: the caller's X-Request-Id when it is well formed (a proxy or a
// client tracing a call across services), else a fresh random one. It is sent back
// as X-Request-Id on every answer, early paths included, and Fastify's log lines
// carry it as reqId.
import { randomUUID } from 'node:crypto';

export const requestIdHeader = 'x-request-id';

/** Short and printable: nothing that could break a log line or a header. */
const wellFormed = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && wellFormed.test(incoming) ? incoming : randomUUID();
}
