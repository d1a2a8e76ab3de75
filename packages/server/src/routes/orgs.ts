// Losant resources "Orgs" and "Org": organizations, their members and roles. The
// creator is the first admin; the last admin can be neither removed nor demoted.
import {
  newId,
  type Org,
  type OrgIdParams,
  type OrgMemberPatch,
  type OrgPatch,
  type OrgPost,
  type Orgs,
  type PageQueryParams,
  type RemoveMemberQuery,
  type Success,
  type RouteName,
} from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizeOrganization, authorizeUser } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { OrganizationRecord, Role, Store } from '../storage/port.js';
import type { Handlers } from './handlers.js';
import { assertValidTokenPolicy } from '../tokens/token-policy.js';
import { auditEntry } from './audit-entry.js';
import { pageMeta, toPageQuery } from './page-query.js';
import { iso } from './wire.js';

async function toOrg(store: Store, record: OrganizationRecord): Promise<Org> {
  const members = await store.listMembers(record.id);
  const org: Org = {
    id: record.id,
    orgId: record.id,
    name: record.name,
    description: record.description,
    creationDate: iso(record.createdAt),
    lastUpdated: iso(record.updatedAt),
    members: members.map((m) => ({ userId: m.userId, email: m.email, firstName: m.firstName, lastName: m.lastName, role: m.role })),
  };
  if (record.tokenPolicy) org.tokenPolicy = record.tokenPolicy;
  return org;
}

export default function orgsHandlers(ctx: AppContext): Handlers<Extract<RouteName, `org.${string}` | `orgs.${string}`>> {
  /** Member changes: the last admin stays; role caps apply from the very next request. */
  async function setMember(request: FastifyRequest, orgId: string, userId: string, role: Role | null): Promise<void> {
    if (role !== null && !(await ctx.store.getUser(userId))) throw errors.notFound('User');
    const now = ctx.now();
    const audit = auditEntry(request, now, role === null ? 'org.removeMember' : 'org.modifyMember', {
      targetType: 'member',
      targetId: userId,
      orgId,
    });
    const result = await ctx.store.setMember(orgId, userId, role, now, audit);
    if (result === 'last-admin') throw errors.validation('The last admin of an organization cannot be removed or demoted');
    if (result === 'not-member') throw errors.notFound('Member');
  }

  /**
   * The user a member change names: `userId` as Losant's clients send it (unchanged), or
   * latchkey's `email`, matched as sign-in matches it (findUserByEmail ignores case).
   */
  async function memberUserId(body: OrgMemberPatch): Promise<string> {
    const { userId, email } = body;
    if ((userId === undefined) === (email === undefined)) {
      throw errors.validation(
        userId === undefined
          ? 'Name the member: send body/userId or body/email'
          : 'Send either body/userId or body/email to name the member, not both',
      );
    }
    if (userId !== undefined) return userId;
    const user = await ctx.store.findUserByEmail(email!);
    if (!user) throw errors.noUserWithEmail(email!);
    return user.id;
  }

  return {
    'orgs.get': async (request: FastifyRequest<{ Querystring: PageQueryParams }>): Promise<Orgs> => {
      const user = authorizeUser(request.principal, 'orgs.get');
      const query = toPageQuery(request.query);
      const page = await ctx.store.listOrganizations(user.userId, query);
      const items = await Promise.all(page.items.map((o) => toOrg(ctx.store, o)));
      return { items, ...pageMeta(query, items.length, page.totalCount) };
    },

    'orgs.post': async (request: FastifyRequest<{ Body: OrgPost }>, reply: FastifyReply): Promise<Org> => {
      const user = authorizeUser(request.principal, 'orgs.post');
      const now = ctx.now();
      const record = {
        id: newId(now),
        name: request.body.name,
        description: request.body.description ?? '',
        createdAt: now,
        updatedAt: now,
      };
      await ctx.store.createOrganization(
        record,
        user.userId,
        auditEntry(request, now, 'org.create', { targetType: 'organization', targetId: record.id, orgId: record.id }),
      );
      reply.code(201);
      return toOrg(ctx.store, record);
    },

    'org.get': async (request: FastifyRequest<{ Params: OrgIdParams }>): Promise<Org> => {
      const { organization } = await authorizeOrganization(ctx.store, request.principal, 'org.get', request.params.orgId);
      return toOrg(ctx.store, organization);
    },

    'org.patch': async (request: FastifyRequest<{ Params: OrgIdParams; Body: OrgPatch }>): Promise<Org> => {
      const { organization } = await authorizeOrganization(ctx.store, request.principal, 'org.patch', request.params.orgId);
      assertValidTokenPolicy(request.body.tokenPolicy, 'body/tokenPolicy');
      const at = Math.max(ctx.now(), organization.updatedAt + 1);
      const updated = await ctx.store.updateOrganization(
        organization.id,
        request.body,
        at,
        auditEntry(request, at, 'org.update', {
          targetType: 'organization',
          targetId: organization.id,
          orgId: organization.id,
        }),
      );
      if (!updated) throw errors.notFound('Organization');
      return toOrg(ctx.store, updated);
    },

    'org.delete': async (request: FastifyRequest<{ Params: OrgIdParams }>): Promise<Success> => {
      const { organization } = await authorizeOrganization(ctx.store, request.principal, 'org.delete', request.params.orgId);
      const result = await ctx.store.deleteOrganization(
        organization.id,
        auditEntry(request, ctx.now(), 'org.delete', {
          targetType: 'organization',
          targetId: organization.id,
          orgId: organization.id,
        }),
      );
      if (result === 'has-applications') throw errors.validation("Delete or move the organization's applications first");
      if (result === 'missing') throw errors.notFound('Organization');
      return { success: true };
    },

    'org.modifyMember': async (request: FastifyRequest<{ Params: OrgIdParams; Body: OrgMemberPatch }>): Promise<Org> => {
      const { organization } = await authorizeOrganization(ctx.store, request.principal, 'org.modifyMember', request.params.orgId);
      await setMember(request, organization.id, await memberUserId(request.body), request.body.role);
      return toOrg(ctx.store, organization);
    },

    'org.removeMember': async (request: FastifyRequest<{ Params: OrgIdParams; Querystring: RemoveMemberQuery }>): Promise<Success> => {
      const { organization } = await authorizeOrganization(ctx.store, request.principal, 'org.removeMember', request.params.orgId);
      await setMember(request, organization.id, request.query.userId, null);
      return { success: true };
    },
  };
}
