// POST /verify/usage: verifications that SDK verifiers answered from their cache,
// reported in batches so that usage counts every verification. They are added to
// ctx.usage like the server's own, and written with its next batch. An item naming
// a token that does not exist (deleted since the SDK cached it) cannot be given an
// owner: it is ignored and counted in the answer's `ignored`, so a batch is never
// refused for a token revoked in the meantime.
import type { VerifyUsageAnswer, VerifyUsageRequest } from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { Handlers } from './handlers.js';

/** How far ahead of this server's clock a reported time may be (clock skew). */
const maxAheadMs = 5 * 60_000;

export default function verifyUsageHandlers(ctx: AppContext): Handlers<'verifyUsage.post'> {
  return {
    'verifyUsage.post': async (request: FastifyRequest<{ Body: VerifyUsageRequest }>): Promise<VerifyUsageAnswer> => {
      const now = ctx.now();
      const { usage } = request.body;
      const times = usage.map((item, i) => {
        const time = Date.parse(item.time);
        if (Number.isNaN(time)) throw errors.validation(`usage[${i}].time must be an ISO 8601 date-time`);
        if (time > now + maxAheadMs) {
          throw errors.validation(`usage[${i}].time is in the future: send the minute the verifications were answered in`);
        }
        return time;
      });
      const owners = new Map((await ctx.store.findTokenOwners(usage.map((item) => item.tokenId))).map((o) => [o.id, o]));
      let accepted = 0;
      usage.forEach((item, i) => {
        const owner = owners.get(item.tokenId);
        if (!owner) return;
        ctx.usage.count(owner, item.code, times[i]!, item.count);
        accepted++;
      });
      return { accepted, ignored: usage.length - accepted };
    },
  };
}
