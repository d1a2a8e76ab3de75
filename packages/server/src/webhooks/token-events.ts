// The token events webhooks are sent, in one place: which audited change is which
// event (the one table: every token write through the API appends its audit entry,
// and the store derives the event from it in the same transaction), the signed body
// of an event, and the ids of events no write causes (derived from what they are
// about, so enqueuing one twice, from a repeated scan or from two nodes, enqueues it
// once). Pure: the storage adapters and the server both build events here.
import { createHash } from 'node:crypto';
import { newId, type WebhookEvent, type WebhookEventData, type WebhookEventType } from '@latchkey/contract';
import type { AuditEntry, TokenEvent, TokenRecord } from '../storage/port.js';

/**
 * Audit action -> event type. `<resource>.<verb>` where resource is
 * applicationApiToken (application tokens) or userApiToken (a user's own tokens).
 */
export const tokenEventOfAuditAction: ReadonlyMap<string, WebhookEventType> = new Map([
  ['applicationApiToken.create', 'token.created'],
  ['applicationApiToken.update', 'token.updated'],
  ['applicationApiToken.delete', 'token.deleted'],
  ['applicationApiToken.rotate', 'token.rotated'],
  ['applicationApiToken.revoke', 'token.revoked'],
  ['applicationApiToken.leak', 'token.leaked'],
  ['userApiToken.create', 'token.created'],
  ['userApiToken.update', 'token.updated'],
  ['userApiToken.delete', 'token.deleted'],
  ['userApiToken.rotate', 'token.rotated'],
  ['userApiToken.revoke', 'token.revoked'],
  ['userApiToken.leak', 'token.leaked'],
]);

/**
 * token.credits_low's thresholds: shares (percent) of the refill amount, or of the
 * balance the token was last given, highest first. A spend crosses one when the
 * balance was above it before and is at or below it after.
 */
export const creditThresholds = [20, 10, 0] as const;

/** What an event says about its token (read in the event's transaction). */
export type TokenSubject = Pick<TokenRecord, 'id' | 'ownerType' | 'ownerId'> & Partial<Pick<TokenRecord, 'name' | 'status' | 'expiresAt'>>;

/** The event of one token, `about` saying what happened to it; the id is random unless given. */
export function tokenEvent(
  type: WebhookEventType,
  token: TokenSubject & { ownerType: 'application' | 'user' },
  at: number,
  about: Partial<WebhookEventData> = {},
  id: string = newId(at),
): TokenEvent {
  const data: WebhookEventData = { apiTokenId: token.id, ownerType: token.ownerType, ownerId: token.ownerId };
  if (token.ownerType === 'application') data.applicationId = token.ownerId;
  if (token.name !== undefined) data.name = token.name;
  if (token.status !== undefined) data.status = token.status;
  if (token.expiresAt !== undefined && token.expiresAt !== null) data.expirationDate = new Date(token.expiresAt).toISOString();
  const body: WebhookEvent = { type, timestamp: new Date(at).toISOString(), data: { ...data, ...about } };
  return { id, type, ownerType: token.ownerType, ownerId: token.ownerId, tokenId: token.id, at, payload: JSON.stringify(body) };
}

/**
 * The event an audited change is, or undefined. `token` is the token as the change
 * left it (as it was, for a delete); without it (gone before the entry was written)
 * an application token's event still goes out, with the ids the entry names. The
 * event's id is the entry's, so a delivery names the audit line that records it.
 */
export function auditedTokenEvent(entry: AuditEntry, token: TokenSubject | undefined): TokenEvent | undefined {
  const type = tokenEventOfAuditAction.get(entry.action);
  if (type === undefined || entry.outcome !== 'success') return undefined;
  const subject =
    token ??
    (entry.applicationId !== null && entry.targetId !== null
      ? { id: entry.targetId, ownerType: 'application' as const, ownerId: entry.applicationId }
      : undefined);
  // Login sessions are never API tokens; neither are their events.
  if (subject === undefined || subject.ownerType === 'session') return undefined;
  const about: Partial<WebhookEventData> = { auditLogId: entry.id, actorType: entry.actorType };
  if (entry.actorId !== null) about.actorId = entry.actorId;
  return tokenEvent(type, { ...subject, ownerType: subject.ownerType }, entry.at, about, entry.id);
}

/** A 24-hex event id derived from what the event is about: the same parts, the same id. */
export function derivedEventId(...parts: ReadonlyArray<string | number>): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
}
