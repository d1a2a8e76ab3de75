// GET /applications/{applicationId}/audit-logs: the application's audit trail.
import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeSchema, idSchema, pagingQuery } from './common.js';

export const auditLogQuerySchema = {
  type: 'object',
  properties: {
    ...pagingQuery,
    sortField: { type: 'string', enum: ['creationDate'], default: 'creationDate' },
    sortDirection: { ...pagingQuery.sortDirection, default: 'desc' },
    filterField: { type: 'string', enum: ['action', ''] },
  },
  additionalProperties: false,
} as const;
export type AuditLogQuery = FromSchema<typeof auditLogQuerySchema, { keepDefaultedPropertiesOptional: true }>;

export const auditLogEntrySchema = {
  type: 'object',
  properties: {
    id: idSchema,
    creationDate: dateTimeSchema,
    /** `github`: GitHub secret scanning reported a leak (authenticated by its signature). */
    actorType: { type: 'string', enum: ['user', 'apiToken', 'operator', 'anonymous', 'github'] },
    actorId: { type: 'string' },
    action: { type: 'string' },
    targetType: { type: 'string' },
    targetId: idSchema,
    applicationId: idSchema,
    orgId: idSchema,
    sourceAddress: { type: 'string' },
    outcome: { type: 'string', enum: ['success', 'failure'] },
    /** What the entry records beyond its target: for a leak, `url` and `source` (where it was reported) and `leakPolicy`. */
    detail: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['id', 'creationDate', 'actorType', 'action', 'targetType', 'outcome'],
} as const;
export type AuditLogEntry = FromSchema<typeof auditLogEntrySchema>;

export const auditLogsSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: auditLogEntrySchema },
    count: { type: 'integer' },
    totalCount: { type: 'integer' },
    perPage: { type: 'integer' },
    page: { type: 'integer' },
    sortField: { type: 'string' },
    sortDirection: { type: 'string', enum: ['asc', 'desc'] },
    filterField: { type: 'string' },
    filter: { type: 'string' },
    applicationId: idSchema,
  },
  required: ['items', 'count', 'totalCount', 'perPage', 'page', 'sortField', 'sortDirection', 'applicationId'],
} as const;
export type AuditLogs = FromSchema<typeof auditLogsSchema>;
