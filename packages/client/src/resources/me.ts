// Losant resource "Me": the calling user.
import type { Me } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { SummaryQuery } from '../params.js';
import type { Send } from '../request.js';

export interface MeResource {
  /** `GET /me` */
  get: (params?: SummaryQuery, options?: RequestOptions) => Promise<Me>;
}

export function meResource(send: Send): MeResource {
  return {
    get: (query = {}, options) => send({ method: 'GET', path: '/me', query }, options),
  };
}
