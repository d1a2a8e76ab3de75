// GET /verify/events: see events/verification-events.ts.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { Handlers } from './handlers.js';

export default function verifyEventsHandlers(ctx: AppContext): Handlers<'verifyEvents.get'> {
  return {
    'verifyEvents.get': (request: FastifyRequest, reply: FastifyReply) => ctx.verificationEvents.open(request, reply),
  };
}
