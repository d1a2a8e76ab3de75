// Losant resources "Applications" and "Application": the applications a user
// reaches (own, and those of its organizations). Deleting an application deletes
// its tokens, which are refused at once.
import {
  acceptedOnOwnApplications,
  actions,
  newId,
  type Application,
  type ApplicationIdParams,
  type ApplicationPatch,
  type ApplicationPost,
  type Applications,
  type ApplicationsQueryParams,
  type ActionName,
  type Success,
  type RouteName,
} from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizeOrganization, authorizeUser } from '../auth/authorize.js';
import type { UserPrincipal } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { ApplicationOwnerFilter, ApplicationRecord, Store } from '../storage/port.js';
import type { Handlers } from './handlers.js';
import { auditEntry } from './audit-entry.js';
import { pageMeta, toPageQuery } from './page-query.js';
import { iso } from './wire.js';

const orgOf = (a: Pick<ApplicationRecord, 'ownerType' | 'ownerId'>) => (a.ownerType === 'organization' ? a.ownerId : null);

async function toApplication(store: Store, record: ApplicationRecord): Promise<Application> {
  const out: Application = {
    id: record.id,
    applicationId: record.id,
    name: record.name,
    description: record.description,
    ownerId: record.ownerId,
    ownerType: record.ownerType,
    creationDate: iso(record.createdAt),
    lastUpdated: iso(record.updatedAt),
  };
  if (record.ownerType === 'organization') {
    const organization = await store.getOrganization(record.ownerId);
    if (organization) out.organizationName = organization.name;
  }
  return out;
}

/** all.Organization* cover organization applications only, as on one application (contract access.ts). */
function assertOwnApplications(user: UserPrincipal, action: ActionName): void {
  if (!acceptedOnOwnApplications(user.scopes, actions[action])) {
    throw errors.forbidden("The token's scopes cover organization applications only; name the organization with orgId");
  }
}

/**
 * Losant's orgId: absent for every application the caller reaches, blank for the
 * user's own, or one organization's. A token whose scopes cover organization
 * applications only (all.Organization*) lists just those when it names none.
 */
function listedOwners(user: UserPrincipal, orgId: string | undefined): ApplicationOwnerFilter | undefined {
  if (orgId) return { ownerType: 'organization', orgId };
  if (orgId === '') {
    assertOwnApplications(user, 'applications.get');
    return { ownerType: 'user' };
  }
  return acceptedOnOwnApplications(user.scopes, actions['applications.get']) ? undefined : { ownerType: 'organization' };
}

export default function applicationsHandlers(
  ctx: AppContext,
): Handlers<Extract<RouteName, `application.${string}` | `applications.${string}`>> {
  // Authorization knows only who owns an application; its name and dates come from the store.
  const record = async (id: string) => {
    const found = await ctx.store.getApplication(id);
    if (!found) throw errors.notFound('Application');
    return found;
  };

  return {
    'applications.get': async (request: FastifyRequest<{ Querystring: ApplicationsQueryParams }>): Promise<Applications> => {
      const user = authorizeUser(request.principal, 'applications.get');
      const query = toPageQuery(request.query);
      const page = await ctx.store.listApplications(user.userId, query, listedOwners(user, request.query.orgId));
      const items = await Promise.all(page.items.map((a) => toApplication(ctx.store, a)));
      return { items, ...pageMeta(query, items.length, page.totalCount) };
    },

    'applications.post': async (request: FastifyRequest<{ Body: ApplicationPost }>, reply: FastifyReply): Promise<Application> => {
      const user = authorizeUser(request.principal, 'applications.post');
      const { orgId, name, description } = request.body;
      if (orgId === undefined) assertOwnApplications(user, 'applications.post');
      if (orgId !== undefined) {
        const { role } = await authorizeOrganization(ctx.store, request.principal, 'org.get', orgId);
        if (role !== 'admin' && role !== 'edit') {
          throw errors.forbidden(`The ${role} role does not permit creating applications in this organization`);
        }
      }
      const now = ctx.now();
      const record: ApplicationRecord = {
        id: newId(now),
        ownerType: orgId === undefined ? 'user' : 'organization',
        ownerId: orgId ?? user.userId,
        name,
        description: description ?? '',
        createdAt: now,
        updatedAt: now,
      };
      await ctx.store.createApplication(
        record,
        auditEntry(request, now, 'application.create', {
          targetType: 'application',
          targetId: record.id,
          applicationId: record.id,
          orgId: orgId ?? null,
        }),
      );
      reply.code(201);
      return toApplication(ctx.store, record);
    },

    'application.get': async (request: FastifyRequest<{ Params: ApplicationIdParams }>): Promise<Application> => {
      const { application } = await ctx.authorizeApplication(request, 'application.get', request.params.applicationId);
      return toApplication(ctx.store, await record(application.id));
    },

    'application.patch': async (request: FastifyRequest<{ Params: ApplicationIdParams; Body: ApplicationPatch }>): Promise<Application> => {
      const access = await ctx.authorizeApplication(request, 'application.patch', request.params.applicationId);
      const application = await record(access.application.id);
      const updatedAt = Math.max(ctx.now(), application.updatedAt + 1);
      const updated = await ctx.store.updateApplication(
        application.id,
        request.body,
        updatedAt,
        auditEntry(request, updatedAt, 'application.update', {
          targetType: 'application',
          targetId: application.id,
          applicationId: application.id,
          orgId: orgOf(application),
        }),
      );
      if (!updated) throw errors.notFound('Application');
      return toApplication(ctx.store, updated);
    },

    'application.delete': async (request: FastifyRequest<{ Params: ApplicationIdParams }>): Promise<Success> => {
      const { application } = await ctx.authorizeApplication(request, 'application.delete', request.params.applicationId);
      const deleted = await ctx.store.deleteApplication(
        application.id,
        auditEntry(request, ctx.now(), 'application.delete', {
          targetType: 'application',
          targetId: application.id,
          applicationId: application.id,
          orgId: orgOf(application),
        }),
      );
      if (!deleted) throw errors.notFound('Application');
      return { success: true };
    },
  };
}
