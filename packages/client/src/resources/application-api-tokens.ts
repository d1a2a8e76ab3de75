// Losant resource "Application API Tokens": an application's tokens as a collection.
import {
  routeEndpoints,
  type ApiToken,
  type ApiTokens,
  type ApiTokensQuery,
  type ApplicationApiTokenPost,
  type CreatedApiToken,
} from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import { paginate } from '../paginate.js';
import type { ApplicationIdParam, ClientQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export type ApplicationApiTokensGetParams = ApplicationIdParam & ApiTokensQuery;

export interface ApplicationApiTokensResource {
  /** `GET /applications/{applicationId}/tokens`: one page of the application's tokens (never their secrets). */
  get: (params: ApplicationApiTokensGetParams, options?: RequestOptions) => Promise<ApiTokens>;
  /** `POST /applications/{applicationId}/tokens`: creates a token; the answer is the only one carrying `token`. */
  post: (
    params: ApplicationIdParam & ClientQuery & { apiToken: ApplicationApiTokenPost },
    options?: RequestOptions,
  ) => Promise<CreatedApiToken>;
  /** Every token of the list, fetched page by page (from `page`, default 0) as iteration proceeds. */
  iterate: (params: ApplicationApiTokensGetParams, options?: RequestOptions) => AsyncGenerator<ApiToken, void, undefined>;
}

export function applicationApiTokensResource(send: Send): ApplicationApiTokensResource {
  const get: ApplicationApiTokensResource['get'] = endpoint(send, routeEndpoints['applicationApiTokens.get']);
  return {
    get,
    post: endpoint(send, routeEndpoints['applicationApiTokens.post'], 'apiToken'),
    iterate: (params, options) => paginate((page) => get(page, options), params),
  };
}
