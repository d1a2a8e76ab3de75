import { newId } from '@latchkey/contract';
import type { AuditEntry } from './storage/port.js';

/** Operator commands act with the database's authority: recorded as actor 'operator'. */
export function operatorAudit(action: string, target: Pick<AuditEntry, 'targetType' | 'targetId'> & Partial<AuditEntry>): AuditEntry {
  const at = Date.now();
  return {
    id: newId(at),
    at,
    actorType: 'operator',
    actorId: null,
    action,
    applicationId: null,
    orgId: null,
    sourceAddress: null,
    outcome: 'success',
    ...target,
  };
}
