// Losant resource "Auth": signing a user in.
import { routes, type AuthedUser, type UserCredentials } from '@latchkey/contract';
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
}

export function authResource(send: Send): AuthResource {
  return {
    authenticateUser: endpoint(send, routes['auth.authenticateUser'], 'credentials'),
  };
}
