// Losant resource "Me": the calling user.
import { routeEndpoints, type AuthedUser, type ChangePassword, type Me, type MePatch, type UserAuditLogs } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { AuditQuery, ClientQuery, SummaryQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export interface MeResource {
  /** `GET /me` */
  get: (params?: SummaryQuery, options?: RequestOptions) => Promise<Me>;
  /**
   * `PATCH /me/changePassword`: answers `{userId, token}` with a new session token;
   * every other session of the user has ended (pass the new one on with
   * `client.setOption('accessToken', token)`).
   */
  changePassword: (params: ClientQuery & { data: ChangePassword }, options?: RequestOptions) => Promise<AuthedUser>;
  /** `PATCH /me`: email, names, and latchkey's tokenPolicy (null removes it). */
  patch: (params: SummaryQuery & { user: MePatch }, options?: RequestOptions) => Promise<Me>;
  /**
   * `GET /me/audit-logs`: the user's own trail: what the user and the user's tokens did,
   * and what was done to the user and those tokens; by action glob, actor and time range.
   */
  auditLogs: (params?: AuditQuery, options?: RequestOptions) => Promise<UserAuditLogs>;
}

export function meResource(send: Send): MeResource {
  return {
    get: endpoint(send, routeEndpoints['me.get']),
    changePassword: endpoint(send, routeEndpoints['me.changePassword'], 'data'),
    patch: endpoint(send, routeEndpoints['me.patch'], 'user'),
    auditLogs: endpoint(send, routeEndpoints['userAuditLogs.get']),
  };
}
