// Builds the audit trail entry of a request: who (the authenticated user or
// token), from where, did what to which target.
import { newId } from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../storage/port.js';

type Target = Pick<AuditEntry, 'targetType' | 'targetId'> & Partial<Pick<AuditEntry, 'applicationId' | 'orgId'>>;

export function auditEntry(request: FastifyRequest, at: number, action: string, target: Target): AuditEntry {
  const principal = request.principal as FastifyRequest['principal'] | null;
  const actor: Pick<AuditEntry, 'actorType' | 'actorId'> = !principal
    ? { actorType: 'anonymous', actorId: null }
    : principal.kind === 'user' && principal.session
      ? { actorType: 'user', actorId: principal.userId }
      : { actorType: 'apiToken', actorId: principal.tokenId };
  return {
    id: newId(at),
    at,
    ...actor,
    action,
    applicationId: null,
    orgId: null,
    ...target,
    sourceAddress: request.ip,
    outcome: 'success',
  };
}
