// Losant resource "Org": one organization and its members.
import { routes, type Org, type OrgMemberPatch, type OrgPatch, type RemoveMemberQuery, type Success } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { OrgIdParam, SummaryQuery } from '../params.js';
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
}

export function orgResource(send: Send): OrgResource {
  return {
    get: endpoint(send, routes['org.get']),
    patch: endpoint(send, routes['org.patch'], 'organization'),
    delete: endpoint(send, routes['org.delete']),
    modifyMember: endpoint(send, routes['org.modifyMember'], 'member'),
    removeMember: endpoint(send, routes['org.removeMember']),
  };
}
