// Losant resource "User API Token": one of the calling user's tokens.
import type { ApiToken, ApiTokenPatch, Success } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { ApiTokenIdParam, ClientQuery } from '../params.js';
import { path, type Send } from '../request.js';

type Params = ApiTokenIdParam & ClientQuery;

export interface UserApiTokenResource {
  /** `GET /me/tokens/{apiTokenId}` */
  get: (params: Params, options?: RequestOptions) => Promise<ApiToken>;
  /** `PATCH /me/tokens/{apiTokenId}`: name, description and status only. */
  patch: (params: Params & { apiToken: ApiTokenPatch }, options?: RequestOptions) => Promise<ApiToken>;
  /** `DELETE /me/tokens/{apiTokenId}` */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
}

export function userApiTokenResource(send: Send): UserApiTokenResource {
  return {
    get: ({ apiTokenId, ...query }, options) => send({ method: 'GET', path: path`/me/tokens/${apiTokenId}`, query }, options),
    patch: ({ apiTokenId, apiToken, ...query }, options) =>
      send({ method: 'PATCH', path: path`/me/tokens/${apiTokenId}`, query, body: apiToken }, options),
    delete: ({ apiTokenId, ...query }, options) => send({ method: 'DELETE', path: path`/me/tokens/${apiTokenId}`, query }, options),
  };
}
