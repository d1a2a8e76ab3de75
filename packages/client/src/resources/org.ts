// Losant resource "Org": one organization and its members.
import type { Org, OrgMemberPatch, OrgPatch, RemoveMemberQuery, Success } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { OrgIdParam, SummaryQuery } from '../params.js';
import { path, type Send } from '../request.js';

type Params = OrgIdParam & SummaryQuery;

export interface OrgResource {
  /** `GET /orgs/{orgId}` */
  get: (params: Params, options?: RequestOptions) => Promise<Org>;
  /** `PATCH /orgs/{orgId}` */
  patch: (params: Params & { organization: OrgPatch }, options?: RequestOptions) => Promise<Org>;
  /** `DELETE /orgs/{orgId}`: refused (400) while it owns applications. */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
  /** `PATCH /orgs/{orgId}/member`: adds a member or changes its role; answers the organization. */
  modifyMember: (params: Params & { member: OrgMemberPatch }, options?: RequestOptions) => Promise<Org>;
  /** `DELETE /orgs/{orgId}/member?userId=` */
  removeMember: (params: OrgIdParam & RemoveMemberQuery, options?: RequestOptions) => Promise<Success>;
}

export function orgResource(send: Send): OrgResource {
  return {
    get: ({ orgId, ...query }, options) => send({ method: 'GET', path: path`/orgs/${orgId}`, query }, options),
    patch: ({ orgId, organization, ...query }, options) =>
      send({ method: 'PATCH', path: path`/orgs/${orgId}`, query, body: organization }, options),
    delete: ({ orgId, ...query }, options) => send({ method: 'DELETE', path: path`/orgs/${orgId}`, query }, options),
    modifyMember: ({ orgId, member, ...query }, options) =>
      send({ method: 'PATCH', path: path`/orgs/${orgId}/member`, query, body: member }, options),
    removeMember: ({ orgId, ...query }, options) => send({ method: 'DELETE', path: path`/orgs/${orgId}/member`, query }, options),
  };
}
