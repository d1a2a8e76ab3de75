// Losant resource "Applications": the applications the caller reaches.
import {
  routeEndpoints,
  type Application,
  type ApplicationPost,
  type Applications,
  type ApplicationsQueryParams,
} from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import { paginate } from '../paginate.js';
import type { ClientQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export interface ApplicationsResource {
  /** `GET /applications`: one page; `orgId` absent: all, blank: the user's own, an id: that organization's. */
  get: (params?: ApplicationsQueryParams, options?: RequestOptions) => Promise<Applications>;
  /** `POST /applications` */
  post: (params: ClientQuery & { application: ApplicationPost }, options?: RequestOptions) => Promise<Application>;
  /** Every application of the list, fetched page by page (from `page`, default 0) as iteration proceeds. */
  iterate: (params?: ApplicationsQueryParams, options?: RequestOptions) => AsyncGenerator<Application, void, undefined>;
}

export function applicationsResource(send: Send): ApplicationsResource {
  const get: ApplicationsResource['get'] = endpoint(send, routeEndpoints['applications.get']);
  return {
    get,
    post: endpoint(send, routeEndpoints['applications.post'], 'application'),
    iterate: (params = {}, options) => paginate((page) => get(page, options), params),
  };
}
