// Losant resource "Application": one application.
import type { Application, ApplicationPatch, Success } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { ApplicationIdParam, SummaryQuery } from '../params.js';
import { path, type Send } from '../request.js';

type Params = ApplicationIdParam & SummaryQuery;

export interface ApplicationResource {
  /** `GET /applications/{applicationId}` */
  get: (params: Params, options?: RequestOptions) => Promise<Application>;
  /** `PATCH /applications/{applicationId}` */
  patch: (params: Params & { application: ApplicationPatch }, options?: RequestOptions) => Promise<Application>;
  /** `DELETE /applications/{applicationId}`: deletes its tokens too. */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
}

export function applicationResource(send: Send): ApplicationResource {
  return {
    get: ({ applicationId, ...query }, options) => send({ method: 'GET', path: path`/applications/${applicationId}`, query }, options),
    patch: ({ applicationId, application, ...query }, options) =>
      send({ method: 'PATCH', path: path`/applications/${applicationId}`, query, body: application }, options),
    delete: ({ applicationId, ...query }, options) =>
      send({ method: 'DELETE', path: path`/applications/${applicationId}`, query }, options),
  };
}
