// POST /verify: the data plane's one call (verify/verification.ts decides). The
// caller authenticates with the introspection secret; every well-formed request is
// answered 200 whatever the token, with an outcome code.
import type { VerifyAnswer, VerifyRequest } from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import { verifyRequestProblem } from '../verify/verification.js';
import type { Handlers } from './handlers.js';

export default function verifyHandlers(ctx: AppContext): Handlers<'verify.post'> {
  return {
    'verify.post': (request: FastifyRequest<{ Body: VerifyRequest }>): VerifyAnswer | Promise<VerifyAnswer> => {
      const problem = verifyRequestProblem(request.body);
      if (problem !== undefined) throw errors.validation(problem);
      return ctx.verify(request.body, ctx.now());
    },
  };
}
