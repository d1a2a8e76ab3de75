// GET /applications/{applicationId}/audit-logs: who changed what in an application,
// paged like the token list (newest first by default).
import {
  applicationIdParamsSchema,
  auditLogQuerySchema,
  auditLogsSchema,
  type ApplicationIdParams,
  type AuditLogEntry,
  type AuditLogQuery,
  type AuditLogs,
} from '@latchkey/contract';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { AuditEntry } from '../storage/port.js';
import { errorResponses } from './error-responses.js';
import { describeAction } from './openapi.js';
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
  return out;
}

export default function auditLogRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: ApplicationIdParams; Querystring: AuditLogQuery }>(
    '/applications/:applicationId/audit-logs',
    {
      onRequest: ctx.authenticate,
      schema: {
        ...describeAction('applicationAuditLogs.get', "List an application's audit trail"),
        params: applicationIdParamsSchema,
        querystring: auditLogQuerySchema,
        response: { 200: auditLogsSchema, ...errorResponses },
      },
    },
    async (request): Promise<AuditLogs> => {
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
  );
}
