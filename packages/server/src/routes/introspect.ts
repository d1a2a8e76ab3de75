// POST /introspect: token introspection in the shape of RFC 7662, for the services
// that accept latchkey tokens. The caller authenticates with the introspection
// secret; the endpoint does not exist (404) unless one is configured. Anything
// but a valid token answers exactly {"active": false}.
//
// Beyond RFC 7662: with `application_id`, the answer also says whether the token
// reaches that application, with the application's owner type and the member's
// role, so a verifier can decide an action with the same scope algebra as latchkey.
// A token with allowedCidrs is active only for an `ip` inside them: without one the
// address cannot be proved, as on /verify.
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { Introspection, IntrospectionRequest } from '@latchkey/contract';
import { usageCodeOf } from '../usage/usage-counter.js';
import type { Handlers } from './handlers.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

export default function introspectHandlers(ctx: AppContext): Handlers<'introspect.post'> {
  return {
    'introspect.post': async (request: FastifyRequest<{ Body: IntrospectionRequest }>): Promise<Introspection> => {
      const now = ctx.now();
      const inspection = await ctx.authenticator.inspect(request.body.token, now);
      const { record, principal } = inspection;
      if (record?.allowedCidrs && principal !== undefined && !record.allowedCidrs.allows(request.body.ip)) {
        ctx.usage.count(record, 'FORBIDDEN', now);
        return { active: false };
      }
      // Counted like every verification (an unknown token has nothing to count under).
      if (record) ctx.usage.count(record, usageCodeOf(inspection.code, inspection.deprecated), now);
      if (principal === undefined) return { active: false };
      const out: Introspection = {
        active: true,
        scope: principal.scopes.join(' '),
        token_type: principal.kind,
        sub: principal.tokenId,
        iat: seconds(principal.issuedAt),
      };
      // A replaced secret's principal expires when its grace period ends (if sooner).
      if (principal.expiresAt !== null) out.exp = seconds(principal.expiresAt);
      if (principal.kind === 'application') out.application_id = principal.applicationId;
      else out.user_id = principal.userId;
      if (inspection.deprecated) out.deprecated = true;
      const applicationId = request.body.application_id;
      if (applicationId !== undefined) {
        const access = await ctx.reach(principal, applicationId);
        out.application = access
          ? {
              id: applicationId,
              reachable: true,
              owner_type: access.application.ownerType,
              ...(access.role ? { role: access.role } : {}),
            }
          : { id: applicationId, reachable: false };
      }
      return out;
    },
  };
}
