// Losant resource "Application API Token": one token of an application.
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
import type { ApplicationApiTokenIdParams, ClientQuery } from '../params.js';
import { endpoint, withDefaultBody } from '../endpoint.js';
import type { Send } from '../request.js';

type Params = ApplicationApiTokenIdParams & ClientQuery;

export interface ApplicationApiTokenResource {
  /** `GET /applications/{applicationId}/tokens/{apiTokenId}` */
  get: (params: Params, options?: RequestOptions) => Promise<ApiToken>;
  /** `PATCH /applications/{applicationId}/tokens/{apiTokenId}`: name, description, status, and latchkey's limits, meta and allowedCidrs; never scope or expiry. */
  patch: (params: Params & { apiToken: ApiTokenPatch }, options?: RequestOptions) => Promise<ApiToken>;
  /** `DELETE /applications/{applicationId}/tokens/{apiTokenId}`: the token is refused from the next request on. */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
  /**
   * `POST /applications/{applicationId}/tokens/{apiTokenId}/rotate` (latchkey's): a new secret, in the
   * answer's `token` (shown this once). With `rotation.gracePeriod` (seconds) the
   * replaced secret keeps verifying, as deprecated, until then; by default it stops at once.
   */
  rotate: (params: Params & { rotation?: ApiTokenRotate }, options?: RequestOptions) => Promise<CreatedApiToken>;
  /** `GET /applications/{applicationId}/tokens/{apiTokenId}/usage`: its verifications per outcome code over time. */
  usage: (params: ApplicationApiTokenIdParams & UsageQuery, options?: RequestOptions) => Promise<Usage>;
}

export function applicationApiTokenResource(send: Send): ApplicationApiTokenResource {
  return {
    get: endpoint(send, routeEndpoints['applicationApiToken.get']),
    patch: endpoint(send, routeEndpoints['applicationApiToken.patch'], 'apiToken'),
    delete: endpoint(send, routeEndpoints['applicationApiToken.delete']),
    rotate: withDefaultBody('rotation', {}, endpoint(send, routeEndpoints['applicationApiToken.rotate'], 'rotation')),
    usage: endpoint(send, routeEndpoints['applicationApiTokenUsage.get']),
  };
}
