// Losant resource "Application API Token": one token of an application.
import { routes, type ApiToken, type ApiTokenPatch, type Success } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { ApplicationApiTokenIdParams, ClientQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

type Params = ApplicationApiTokenIdParams & ClientQuery;

export interface ApplicationApiTokenResource {
  /** `GET /applications/{applicationId}/tokens/{apiTokenId}` */
  get: (params: Params, options?: RequestOptions) => Promise<ApiToken>;
  /** `PATCH /applications/{applicationId}/tokens/{apiTokenId}`: name, description and status only. */
  patch: (params: Params & { apiToken: ApiTokenPatch }, options?: RequestOptions) => Promise<ApiToken>;
  /** `DELETE /applications/{applicationId}/tokens/{apiTokenId}`: the token is refused from the next request on. */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
}

export function applicationApiTokenResource(send: Send): ApplicationApiTokenResource {
  return {
    get: endpoint(send, routes['applicationApiToken.get']),
    patch: endpoint(send, routes['applicationApiToken.patch'], 'apiToken'),
    delete: endpoint(send, routes['applicationApiToken.delete']),
  };
}
