// What every route needs, built once by app.ts and passed to each route file.
import type { ActionName } from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from './auth/principal.js';
import type { Authenticator } from './auth/authenticate.js';
import type { TokenCache } from './auth/token-cache.js';
import type { ApplicationAccess } from './auth/authorize.js';
import type { Store } from './storage/port.js';

export interface AppContext {
  store: Store;
  /** Verified tokens; every write to a token must invalidate it here. */
  tokenCache: TokenCache;
  /** Token string or header -> principal (through the cache); throws 401. */
  authenticator: Authenticator;
  /** The clock; tests replace it to move through expiry without sleeping. */
  now: () => number;
  /** onRequest hook: resolves the bearer token into `request.principal` or throws 401. */
  authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** The application, when the caller reaches it and holds a scope (and role) the action accepts. */
  authorizeApplication: (request: FastifyRequest, action: ActionName, applicationId: string) => Promise<ApplicationAccess>;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}
