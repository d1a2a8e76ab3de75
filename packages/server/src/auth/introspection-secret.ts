// The introspection secret: how services that verify latchkey tokens authenticate
// to the data plane's routes (a bearer token that is not a latchkey token). More
// than one may be configured, so a secret can be replaced without downtime.
import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

// One-shot: a Hash object per request costs more than the digest.
const digest = (value: string) => hash('sha256', value, 'buffer');

/** Whether an Authorization header presents one of the secrets. */
export function secretMatcher(secrets: readonly string[]): (header: string | undefined) => boolean {
  const expected = secrets.map((secret) => digest(`Bearer ${secret}`));
  // Comparing digests keeps each comparison constant-time whatever the lengths; every
  // secret is compared, so the time does not say which one matched.
  return (header) => {
    const presented = digest(header ?? '');
    return expected.reduce((ok, secret) => timingSafeEqual(presented, secret) || ok, false);
  };
}

export function introspectionSecretHook(secrets: readonly string[]) {
  const authorized = secretMatcher(secrets);
  return async (request: FastifyRequest): Promise<void> => {
    if (!authorized(request.headers.authorization)) throw new ApiError('Unauthorized', 'Invalid introspection secret');
  };
}
