// GET /applications/{applicationId}/audit-logs: who changed what in an application,
// paged like the token list (newest first by default).
import type { ApplicationIdParams, AuditLogEntry, AuditLogQuery, AuditLogs } from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import type { AuditEntry } from '../storage/port.js';
import type { Handlers } from './handlers.js';
import { paging } from './page-query.js';
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

export default function auditLogHandlers(ctx: AppContext): Handlers<'applicationAuditLogs.get'> {
  return {
    'applicationAuditLogs.get': async (
      request: FastifyRequest<{ Params: ApplicationIdParams; Querystring: AuditLogQuery }>,
    ): Promise<AuditLogs> => {
      const { applicationId } = request.params;
      await ctx.authorizeApplication(request, 'applicationAuditLogs.get', applicationId);
      const { sortDirection, page: pageNumber, perPage, filter } = paging(request.query, 'creationDate', 'desc');
      const query = { applicationId, sortDirection, page: pageNumber, perPage, ...(filter ? { action: filter.glob } : {}) };
      const page = await ctx.store.listAudit(query);
      return {
        items: page.items.map(toAuditLogEntry),
        count: page.items.length,
        totalCount: page.totalCount,
        perPage: query.perPage,
        page: query.page,
        sortField: 'creationDate',
        sortDirection: query.sortDirection,
        ...(query.action ? { filterField: 'action', filter: query.action } : {}),
        applicationId,
      };
    },
  };
}
