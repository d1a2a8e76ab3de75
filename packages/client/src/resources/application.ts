// Losant resource "Application": one application.
import {
  routeEndpoints,
  type Application,
  type ApplicationPatch,
  type ApplicationUsage,
  type AuditLogs,
  type Success,
  type UsageQuery,
} from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { ApplicationIdParam, AuditQuery, SummaryQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

type Params = ApplicationIdParam & SummaryQuery;

export interface ApplicationResource {
  /** `GET /applications/{applicationId}` */
  get: (params: Params, options?: RequestOptions) => Promise<Application>;
  /** `PATCH /applications/{applicationId}` */
  patch: (params: Params & { application: ApplicationPatch }, options?: RequestOptions) => Promise<Application>;
  /** `DELETE /applications/{applicationId}`: deletes its tokens too. */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
  /** `GET /applications/{applicationId}/usage`: its tokens' verifications summed over time, and the 10 most verified tokens. */
  usage: (params: ApplicationIdParam & UsageQuery, options?: RequestOptions) => Promise<ApplicationUsage>;
  /** `GET /applications/{applicationId}/audit-logs`: its audit trail, newest first; by action glob, actor and time range. */
  auditLogs: (params: ApplicationIdParam & AuditQuery, options?: RequestOptions) => Promise<AuditLogs>;
}

export function applicationResource(send: Send): ApplicationResource {
  return {
    get: endpoint(send, routeEndpoints['application.get']),
    patch: endpoint(send, routeEndpoints['application.patch'], 'application'),
    delete: endpoint(send, routeEndpoints['application.delete']),
    usage: endpoint(send, routeEndpoints['applicationUsage.get']),
    auditLogs: endpoint(send, routeEndpoints['applicationAuditLogs.get']),
  };
}
