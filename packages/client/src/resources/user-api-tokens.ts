// Losant resource "User API Tokens": the calling user's own tokens as a collection.
import {
  routeEndpoints,
  type ApiToken,
  type ApiTokens,
  type ApiTokensQuery,
  type CreatedApiToken,
  type UserApiTokenPost,
} from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import { paginate } from '../paginate.js';
import type { ClientQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export interface UserApiTokensResource {
  /** `GET /me/tokens`: one page of the user's tokens (never their secrets). */
  get: (params?: ApiTokensQuery, options?: RequestOptions) => Promise<ApiTokens>;
  /** `POST /me/tokens`: creates a user token; the answer is the only one carrying `token`. */
  post: (params: ClientQuery & { apiToken: UserApiTokenPost }, options?: RequestOptions) => Promise<CreatedApiToken>;
  /** Every token of the list, fetched page by page (from `page`, default 0) as iteration proceeds. */
  iterate: (params?: ApiTokensQuery, options?: RequestOptions) => AsyncGenerator<ApiToken, void, undefined>;
}

export function userApiTokensResource(send: Send): UserApiTokensResource {
  const get: UserApiTokensResource['get'] = endpoint(send, routeEndpoints['userApiTokens.get']);
  return {
    get,
    post: endpoint(send, routeEndpoints['userApiTokens.post'], 'apiToken'),
    iterate: (params = {}, options) => paginate((page) => get(page, options), params),
  };
}
