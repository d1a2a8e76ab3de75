// Losant resource "Org": one organization and its members.
import {
  routeEndpoints,
  type Org,
  type OrgAuditLogs,
  type OrgMemberPatch,
  type OrgPatch,
  type RemoveMemberQuery,
  type Success,
} from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { AuditQuery, OrgIdParam, SummaryQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

type Params = OrgIdParam & SummaryQuery;

export interface OrgResource {
  /** `GET /orgs/{orgId}` */
  get: (params: Params, options?: RequestOptions) => Promise<Org>;
  /** `PATCH /orgs/{orgId}` */
  patch: (params: Params & { organization: OrgPatch }, options?: RequestOptions) => Promise<Org>;
  /** `DELETE /orgs/{orgId}`: refused (400) while it owns applications. */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
  /**
   * `PATCH /orgs/{orgId}/member`: adds a member or changes its role; answers the organization. The member is
   * `{userId}` or (latchkey) `{email}` of a registered user, never both; an email no user has: 404.
   */
  modifyMember: (params: Params & { member: OrgMemberPatch }, options?: RequestOptions) => Promise<Org>;
  /** `DELETE /orgs/{orgId}/member?userId=` */
  removeMember: (params: OrgIdParam & RemoveMemberQuery, options?: RequestOptions) => Promise<Success>;
  /** `GET /orgs/{orgId}/audit-logs`: the organization's audit trail (any member may read it); by action glob, actor and time range. */
  auditLogs: (params: OrgIdParam & AuditQuery, options?: RequestOptions) => Promise<OrgAuditLogs>;
}

export function orgResource(send: Send): OrgResource {
  return {
    get: endpoint(send, routeEndpoints['org.get']),
    patch: endpoint(send, routeEndpoints['org.patch'], 'organization'),
    delete: endpoint(send, routeEndpoints['org.delete']),
    modifyMember: endpoint(send, routeEndpoints['org.modifyMember'], 'member'),
    removeMember: endpoint(send, routeEndpoints['org.removeMember']),
    auditLogs: endpoint(send, routeEndpoints['orgAuditLogs.get']),
  };
}
