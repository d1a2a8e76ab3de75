// Losant resource "Auth": signing a user in, and (latchkey's own) out.
import { routeEndpoints, type AuthedUser, type Success, type UserCredentials } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { ClientQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export interface AuthResource {
  /**
   * `POST /auth/user`: answers `{userId, token}` with a session token (`lks_`); pass it
   * on with `client.setOption('accessToken', token)`. Needs no access token.
   */
  authenticateUser: (params: ClientQuery & { credentials: UserCredentials }, options?: RequestOptions) => Promise<AuthedUser>;
  /** `POST /auth/logout`: ends the session the client holds as its access token (a session, not an API token). */
  logout: (params?: ClientQuery, options?: RequestOptions) => Promise<Success>;
}

export function authResource(send: Send): AuthResource {
  return {
    authenticateUser: endpoint(send, routeEndpoints['auth.authenticateUser'], 'credentials'),
    logout: endpoint(send, routeEndpoints['auth.logout']),
  };
}
