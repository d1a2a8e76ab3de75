// A webhook and its deliveries between stored records and the wire, both ways: the
// factory of a new webhook (its signing secret drawn here), a patch's fields, and
// the objects the API answers with. The secret is part of an answer only when
// `withSecret` says so: at creation and at rotation.
import { randomBytes } from 'node:crypto';
import {
  inEventOrder,
  newId,
  type CreatedWebhook,
  type Webhook,
  type WebhookDelivery,
  type WebhookPatch as WireWebhookPatch,
} from '@latchkey/contract';
import { iso } from '../routes/wire.js';
import type { WebhookDeliveryRecord, WebhookOwnerType, WebhookPatch, WebhookRecord } from '../storage/port.js';

/** A new signing secret: `whsec_` and 24 random bytes in base64, as Standard Webhooks' libraries take it. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export interface NewWebhook {
  owner: { ownerType: WebhookOwnerType; ownerId: string };
  /** Checked and normalized (webhook-url.ts). */
  url: string;
  events: WebhookRecord['events'];
  enabled: boolean;
  description: string;
  at: number;
}

export function newWebhook(fields: NewWebhook): WebhookRecord {
  return {
    id: newId(fields.at),
    ownerType: fields.owner.ownerType,
    ownerId: fields.owner.ownerId,
    url: fields.url,
    secret: newWebhookSecret(),
    events: inEventOrder(fields.events),
    enabled: fields.enabled,
    description: fields.description,
    createdAt: fields.at,
    updatedAt: fields.at,
  };
}

/** What a patch changes (its absent fields: nothing); `url` already checked. */
export function webhookPatch(patch: WireWebhookPatch, url: string | undefined): WebhookPatch {
  const out: WebhookPatch = {};
  if (url !== undefined) out.url = url;
  if (patch.events !== undefined) out.events = inEventOrder(patch.events);
  if (patch.enabled !== undefined) out.enabled = patch.enabled;
  if (patch.description !== undefined) out.description = patch.description;
  return out;
}

export function toWebhook(record: WebhookRecord): Webhook {
  const out: Webhook = {
    id: record.id,
    webhookId: record.id,
    url: record.url,
    events: record.events,
    enabled: record.enabled,
    description: record.description,
    creationDate: iso(record.createdAt),
    lastUpdated: iso(record.updatedAt),
  };
  if (record.ownerType === 'application') out.applicationId = record.ownerId;
  else out.userId = record.ownerId;
  return out;
}

/** The answer of a create or a rotation: the only ones that carry the secret. */
export function toCreatedWebhook(record: WebhookRecord): CreatedWebhook {
  return { ...toWebhook(record), secret: record.secret };
}

export function toDelivery(record: WebhookDeliveryRecord): WebhookDelivery {
  const out: WebhookDelivery = {
    id: record.eventId,
    deliveryId: record.eventId,
    webhookId: record.webhookId,
    eventType: record.eventType,
    apiTokenId: record.tokenId,
    status: record.status,
    attemptCount: record.attemptCount,
    creationDate: iso(record.createdAt),
    attempts: record.attempts.map((attempt) => {
      const wire: WebhookDelivery['attempts'][number] = { date: iso(attempt.at), latencyMs: attempt.latencyMs };
      if (attempt.statusCode !== null) wire.statusCode = attempt.statusCode;
      if (attempt.error !== null) wire.error = attempt.error;
      return wire;
    }),
  };
  if (record.nextAttemptAt !== null) out.nextAttemptDate = iso(record.nextAttemptAt);
  if (record.deliveredAt !== null) out.deliveredDate = iso(record.deliveredAt);
  return out;
}
