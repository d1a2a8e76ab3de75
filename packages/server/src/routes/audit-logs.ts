// The audit trails: an application's, an organization's and the calling user's own,
// each paged like the token list (newest first by default) with the same filters.
import type {
  ApplicationIdParams,
  AuditLogEntry,
  AuditLogQuery,
  AuditLogs,
  OrgAuditLogs,
  OrgIdParams,
  UserAuditLogs,
} from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import { authorizeOrganization, authorizeUser } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { AuditEntry, AuditQuery } from '../storage/port.js';
import type { Handlers } from './handlers.js';
import { paging, pagingMeta } from './page-query.js';
import { iso } from './wire.js';

export function toAuditLogEntry(entry: AuditEntry): AuditLogEntry {
  const out: AuditLogEntry = {
    id: entry.id,
    creationDate: iso(entry.at),
    actorType: entry.actorType,
    action: entry.action,
    targetType: entry.targetType,
    outcome: entry.outcome,
  };
  if (entry.actorId !== null) out.actorId = entry.actorId;
  if (entry.targetId !== null) out.targetId = entry.targetId;
  if (entry.applicationId !== null) out.applicationId = entry.applicationId;
  if (entry.orgId !== null) out.orgId = entry.orgId;
  if (entry.sourceAddress !== null) out.sourceAddress = entry.sourceAddress;
  if (entry.detail !== undefined) out.detail = entry.detail;
  return out;
}

type Subject = Pick<AuditQuery, 'applicationId' | 'orgId' | 'userId'>;

/** The query's start and end (the schema has checked their format), start no later than end. */
function timeRange(query: AuditLogQuery): Pick<AuditQuery, 'start' | 'end'> {
  const start = query.start === undefined ? undefined : Date.parse(query.start);
  const end = query.end === undefined ? undefined : Date.parse(query.end);
  if (start !== undefined && end !== undefined && start > end) {
    throw errors.validation(
      `querystring/start (${query.start}) is after querystring/end (${query.end}): give a start no later than the end`,
    );
  }
  return { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}

/** One page of a trail, with Losant's paging fields and the filters applied echoed. */
async function trailPage(ctx: AppContext, subject: Subject, query: AuditLogQuery) {
  const range = timeRange(query);
  const normalised = paging(query, 'creationDate', 'desc');
  const { actorType, actorId } = query;
  const page = await ctx.store.listAudit({
    ...subject,
    sortDirection: normalised.sortDirection,
    page: normalised.page,
    perPage: normalised.perPage,
    ...(normalised.filter ? { action: normalised.filter.glob } : {}),
    ...(actorType === undefined ? {} : { actorType }),
    ...(actorId === undefined ? {} : { actorId }),
    ...range,
  });
  return {
    items: page.items.map(toAuditLogEntry),
    ...pagingMeta(normalised, page.items.length, page.totalCount),
    ...(actorType === undefined ? {} : { actorType }),
    ...(actorId === undefined ? {} : { actorId }),
    ...(range.start === undefined ? {} : { start: iso(range.start) }),
    ...(range.end === undefined ? {} : { end: iso(range.end) }),
  };
}

export default function auditLogHandlers(ctx: AppContext): Handlers<'applicationAuditLogs.get' | 'orgAuditLogs.get' | 'userAuditLogs.get'> {
  return {
    'applicationAuditLogs.get': async (
      request: FastifyRequest<{ Params: ApplicationIdParams; Querystring: AuditLogQuery }>,
    ): Promise<AuditLogs> => {
      const { applicationId } = request.params;
      await ctx.authorizeApplication(request, 'applicationAuditLogs.get', applicationId);
      return { ...(await trailPage(ctx, { applicationId }, request.query)), applicationId };
    },

    'orgAuditLogs.get': async (request: FastifyRequest<{ Params: OrgIdParams; Querystring: AuditLogQuery }>): Promise<OrgAuditLogs> => {
      const { organization } = await authorizeOrganization(ctx.store, request.principal, 'orgAuditLogs.get', request.params.orgId);
      return { ...(await trailPage(ctx, { orgId: organization.id }, request.query)), orgId: organization.id };
    },

    'userAuditLogs.get': async (request: FastifyRequest<{ Querystring: AuditLogQuery }>): Promise<UserAuditLogs> => {
      const user = authorizeUser(request.principal, 'userAuditLogs.get');
      return { ...(await trailPage(ctx, { userId: user.userId }, request.query)), userId: user.userId };
    },
  };
}
