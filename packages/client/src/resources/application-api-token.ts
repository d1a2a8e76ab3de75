// Losant resource "Application API Token": one token of an application.
import type { ApiToken, ApiTokenPatch, Success } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { ApplicationApiTokenIdParams, ClientQuery } from '../params.js';
import { path, type Send } from '../request.js';

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
  const at = (applicationId: string, apiTokenId: string) => path`/applications/${applicationId}/tokens/${apiTokenId}`;
  return {
    get: ({ applicationId, apiTokenId, ...query }, options) => send({ method: 'GET', path: at(applicationId, apiTokenId), query }, options),
    patch: ({ applicationId, apiTokenId, apiToken, ...query }, options) =>
      send({ method: 'PATCH', path: at(applicationId, apiTokenId), query, body: apiToken }, options),
    delete: ({ applicationId, apiTokenId, ...query }, options) =>
      send({ method: 'DELETE', path: at(applicationId, apiTokenId), query }, options),
  };
}
