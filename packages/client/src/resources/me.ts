// Losant resource "Me": the calling user.
import { routes, type Me, type MePatch } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { SummaryQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export interface MeResource {
  /** `GET /me` */
  get: (params?: SummaryQuery, options?: RequestOptions) => Promise<Me>;
  /** `PATCH /me`: email, names, and latchkey's tokenPolicy (null removes it). */
  patch: (params: SummaryQuery & { user: MePatch }, options?: RequestOptions) => Promise<Me>;
}

export function meResource(send: Send): MeResource {
  return {
    get: endpoint(send, routes['me.get']),
    patch: endpoint(send, routes['me.patch'], 'user'),
  };
}
