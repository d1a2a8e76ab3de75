// Losant resource "User API Token": one of the calling user's tokens.
import {
  routeEndpoints,
  type ApiToken,
  type ApiTokenPatch,
  type ApiTokenRotate,
  type CreatedApiToken,
  type Success,
  type Usage,
  type UsageQuery,
} from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { ApiTokenIdParam, ClientQuery } from '../params.js';
import { endpoint, withDefaultBody } from '../endpoint.js';
import type { Send } from '../request.js';

type Params = ApiTokenIdParam & ClientQuery;

export interface UserApiTokenResource {
  /** `GET /me/tokens/{apiTokenId}` */
  get: (params: Params, options?: RequestOptions) => Promise<ApiToken>;
  /** `PATCH /me/tokens/{apiTokenId}`: name, description, status, and latchkey's limits, meta and allowedCidrs; never scope or expiry. */
  patch: (params: Params & { apiToken: ApiTokenPatch }, options?: RequestOptions) => Promise<ApiToken>;
  /** `DELETE /me/tokens/{apiTokenId}` */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
  /**
   * `POST /me/tokens/{apiTokenId}/rotate` (latchkey's): a new secret, in the
   * answer's `token` (shown this once). With `rotation.gracePeriod` (seconds) the
   * replaced secret keeps verifying, as deprecated, until then; by default it stops at once.
   */
  rotate: (params: Params & { rotation?: ApiTokenRotate }, options?: RequestOptions) => Promise<CreatedApiToken>;
  /** `GET /me/tokens/{apiTokenId}/usage`: its verifications per outcome code over time. */
  usage: (params: ApiTokenIdParam & UsageQuery, options?: RequestOptions) => Promise<Usage>;
}

export function userApiTokenResource(send: Send): UserApiTokenResource {
  return {
    get: endpoint(send, routeEndpoints['userApiToken.get']),
    patch: endpoint(send, routeEndpoints['userApiToken.patch'], 'apiToken'),
    delete: endpoint(send, routeEndpoints['userApiToken.delete']),
    rotate: withDefaultBody('rotation', {}, endpoint(send, routeEndpoints['userApiToken.rotate'], 'rotation')),
    usage: endpoint(send, routeEndpoints['userApiTokenUsage.get']),
  };
}
