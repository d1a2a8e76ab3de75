// The audit trails: an application's (GET /applications/{applicationId}/audit-logs),
// an organization's (GET /orgs/{orgId}/audit-logs) and the calling user's own
// (GET /me/audit-logs). One query and one entry shape for all three.
import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeSchema, idSchema, pagingQuery } from './common.js';

export const auditActorTypes = ['user', 'apiToken', 'operator', 'anonymous', 'github'] as const;

/**
 * Losant's paging (filterField=action with a glob in `filter`), and latchkey's own
 * optional filters, which Losant's clients never send: the actor, and a time range.
 */
export const auditLogQuerySchema = {
  type: 'object',
  properties: {
    ...pagingQuery,
    sortField: { type: 'string', enum: ['creationDate'], default: 'creationDate' },
    sortDirection: { ...pagingQuery.sortDirection, default: 'desc' },
    filterField: { type: 'string', enum: ['action', ''] },
    /** Only entries by this kind of actor. */
    actorType: { type: 'string', enum: auditActorTypes },
    /** Only entries by this actor: a user or token id (the attempted email of a failed login). */
    actorId: { type: 'string', minLength: 1, maxLength: 1024 },
    /** Only entries recorded at or after this instant. */
    start: dateTimeSchema,
    /** Only entries recorded at or before this instant (no earlier than start). */
    end: dateTimeSchema,
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
    actorType: { type: 'string', enum: auditActorTypes },
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

/** The page of a trail: Losant's paging fields, and the filters applied, echoed. */
const auditPageProperties = {
  items: { type: 'array', items: auditLogEntrySchema },
  count: { type: 'integer' },
  totalCount: { type: 'integer' },
  perPage: { type: 'integer' },
  page: { type: 'integer' },
  sortField: { type: 'string' },
  sortDirection: { type: 'string', enum: ['asc', 'desc'] },
  filterField: { type: 'string' },
  filter: { type: 'string' },
  actorType: { type: 'string', enum: auditActorTypes },
  actorId: { type: 'string' },
  start: dateTimeSchema,
  end: dateTimeSchema,
} as const;
const auditPageRequired = ['items', 'count', 'totalCount', 'perPage', 'page', 'sortField', 'sortDirection'] as const;

export const auditLogsSchema = {
  type: 'object',
  properties: { ...auditPageProperties, applicationId: idSchema },
  required: [...auditPageRequired, 'applicationId'],
} as const;
export type AuditLogs = FromSchema<typeof auditLogsSchema>;

export const orgAuditLogsSchema = {
  type: 'object',
  properties: { ...auditPageProperties, orgId: idSchema },
  required: [...auditPageRequired, 'orgId'],
} as const;
export type OrgAuditLogs = FromSchema<typeof orgAuditLogsSchema>;

export const userAuditLogsSchema = {
  type: 'object',
  properties: { ...auditPageProperties, userId: idSchema },
  required: [...auditPageRequired, 'userId'],
} as const;
export type UserAuditLogs = FromSchema<typeof userAuditLogsSchema>;
