// Losant resource "Orgs": the organizations the caller is a member of.
import { routeEndpoints, type Org, type OrgPost, type Orgs, type PageQueryParams } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import { paginate } from '../paginate.js';
import type { ClientQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export interface OrgsResource {
  /** `GET /orgs`: one page. */
  get: (params?: PageQueryParams, options?: RequestOptions) => Promise<Orgs>;
  /** `POST /orgs`: the caller becomes its first admin. */
  post: (params: ClientQuery & { organization: OrgPost }, options?: RequestOptions) => Promise<Org>;
  /** Every organization of the list, fetched page by page (from `page`, default 0) as iteration proceeds. */
  iterate: (params?: PageQueryParams, options?: RequestOptions) => AsyncGenerator<Org, void, undefined>;
}

export function orgsResource(send: Send): OrgsResource {
  const get: OrgsResource['get'] = endpoint(send, routeEndpoints['orgs.get']);
  return {
    get,
    post: endpoint(send, routeEndpoints['orgs.post'], 'organization'),
    iterate: (params = {}, options) => paginate((page) => get(page, options), params),
  };
}
