// Signed webhooks on token events (latchkey's own, not Losant's): the webhook object,
// its create and patch bodies, its deliveries, and the event a receiver gets. The
// signature is Standard Webhooks' (webhook-id, webhook-timestamp, webhook-signature).
import type { FromSchema } from 'json-schema-to-ts';
import { dateTimeSchema, idSchema, losantClientQuery } from './common.js';

/** Every event a webhook may subscribe to. */
export const webhookEventTypes = [
  'token.created',
  'token.updated',
  'token.rotated',
  'token.deleted',
  'token.revoked',
  'token.leaked',
  'token.expiring',
  'token.credits_low',
  'token.rate_limited',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** Event types in the contract's order, each once: how a webhook's events are stored and shown. */
export function inEventOrder(events: readonly WebhookEventType[]): WebhookEventType[] {
  return webhookEventTypes.filter((type) => events.includes(type));
}

/** Webhooks one application (or one user, for their own tokens) may have. */
export const maxWebhooksPerOwner = 20;
export const maxWebhookUrlLength = 2048;

const eventsSchema = {
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  items: { type: 'string', enum: webhookEventTypes },
} as const;

const webhookProperties = {
  id: idSchema,
  webhookId: idSchema,
  /** Present on an application's webhooks. */
  applicationId: idSchema,
  /** Present on a user's own webhooks (/me/webhooks). */
  userId: idSchema,
  // The server checks it is an http(s) URL to a public address (or any with --allow-private-webhooks).
  url: { type: 'string', minLength: 1, maxLength: maxWebhookUrlLength },
  events: eventsSchema,
  enabled: { type: 'boolean' },
  description: { type: 'string', maxLength: 1024 },
  creationDate: dateTimeSchema,
  lastUpdated: dateTimeSchema,
} as const;

/** A webhook as it is read back: never with its signing secret. */
export const webhookSchema = {
  type: 'object',
  properties: webhookProperties,
  required: ['id', 'webhookId', 'url', 'events', 'enabled', 'description', 'creationDate', 'lastUpdated'],
} as const;
export type Webhook = FromSchema<typeof webhookSchema>;

/** The 201 of a create and of rotate-secret: the only answers that carry the signing secret. */
export const createdWebhookSchema = {
  type: 'object',
  properties: { ...webhookProperties, secret: { type: 'string', pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$' } },
  required: [...webhookSchema.required, 'secret'],
} as const;
export type CreatedWebhook = FromSchema<typeof createdWebhookSchema>;

export const webhookPostSchema = {
  type: 'object',
  properties: {
    url: webhookProperties.url,
    events: eventsSchema,
    enabled: { type: 'boolean', default: true },
    description: webhookProperties.description,
  },
  required: ['url', 'events'],
  additionalProperties: false,
} as const;
export type WebhookPost = FromSchema<typeof webhookPostSchema, { keepDefaultedPropertiesOptional: true }>;

export const webhookPatchSchema = {
  type: 'object',
  properties: {
    url: webhookProperties.url,
    events: eventsSchema,
    enabled: { type: 'boolean' },
    description: webhookProperties.description,
  },
  additionalProperties: false,
} as const;
export type WebhookPatch = FromSchema<typeof webhookPatchSchema>;

const pageParameters = {
  sortDirection: { type: 'string', enum: ['asc', 'desc', 'ASC', 'DESC'] },
  page: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
  perPage: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  ...losantClientQuery,
} as const;

export const webhookSortFields = ['creationDate', 'lastUpdated', 'id'] as const;
export type WebhookSortField = (typeof webhookSortFields)[number];

/** Query of `GET .../webhooks`: paged like the other lists (oldest first by default). */
export const webhooksQuerySchema = {
  type: 'object',
  properties: {
    ...pageParameters,
    sortDirection: { ...pageParameters.sortDirection, default: 'asc' },
    sortField: { type: 'string', enum: webhookSortFields, default: 'creationDate' },
  },
  additionalProperties: false,
} as const;
export type WebhooksQuery = FromSchema<typeof webhooksQuerySchema, { keepDefaultedPropertiesOptional: true }>;

const pageFields = {
  count: { type: 'integer' },
  totalCount: { type: 'integer' },
  perPage: { type: 'integer' },
  page: { type: 'integer' },
  sortField: { type: 'string' },
  sortDirection: { type: 'string', enum: ['asc', 'desc'] },
} as const;
const pageRequired = ['items', 'count', 'totalCount', 'perPage', 'page', 'sortField', 'sortDirection'] as const;

export const webhooksSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: webhookSchema }, ...pageFields },
  required: pageRequired,
} as const;
export type Webhooks = FromSchema<typeof webhooksSchema>;

/** Query of `GET .../deliveries`: newest first by default. */
export const webhookDeliveriesQuerySchema = {
  type: 'object',
  properties: {
    ...pageParameters,
    sortDirection: { ...pageParameters.sortDirection, default: 'desc' },
    sortField: { type: 'string', enum: ['creationDate'], default: 'creationDate' },
  },
  additionalProperties: false,
} as const;
export type WebhookDeliveriesQuery = FromSchema<typeof webhookDeliveriesQuerySchema, { keepDefaultedPropertiesOptional: true }>;

/** One attempt to send a delivery: what the receiver answered, or why nothing was. */
export const webhookAttemptSchema = {
  type: 'object',
  properties: {
    date: dateTimeSchema,
    /** Absent when no HTTP answer came (refused connection, timeout, refused address). */
    statusCode: { type: 'integer' },
    latencyMs: { type: 'integer' },
    error: { type: 'string' },
  },
  required: ['date', 'latencyMs'],
} as const;
export type WebhookAttempt = FromSchema<typeof webhookAttemptSchema>;

/**
 * One event for one webhook. Its id is the event's, sent as `webhook-id` on every
 * attempt and redelivery (receivers deduplicate on it).
 */
export const webhookDeliverySchema = {
  type: 'object',
  properties: {
    id: idSchema,
    deliveryId: idSchema,
    webhookId: idSchema,
    eventType: { type: 'string', enum: webhookEventTypes },
    apiTokenId: idSchema,
    /** pending: to be sent (again); delivered: a 2xx came back; failed: given up after the last attempt. */
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    /** Attempts since it was enqueued or last redelivered. */
    attemptCount: { type: 'integer' },
    nextAttemptDate: dateTimeSchema,
    deliveredDate: dateTimeSchema,
    creationDate: dateTimeSchema,
    /** Every attempt, oldest first. */
    attempts: { type: 'array', items: webhookAttemptSchema },
  },
  required: ['id', 'deliveryId', 'webhookId', 'eventType', 'status', 'attemptCount', 'creationDate', 'attempts'],
} as const;
export type WebhookDelivery = FromSchema<typeof webhookDeliverySchema>;

export const webhookDeliveriesSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: webhookDeliverySchema }, ...pageFields, webhookId: idSchema },
  required: [...pageRequired, 'webhookId'],
} as const;
export type WebhookDeliveries = FromSchema<typeof webhookDeliveriesSchema>;

export const applicationWebhookParamsSchema = {
  type: 'object',
  properties: { applicationId: idSchema, webhookId: idSchema },
  required: ['applicationId', 'webhookId'],
} as const;
export type ApplicationWebhookParams = FromSchema<typeof applicationWebhookParamsSchema>;

export const applicationWebhookDeliveryParamsSchema = {
  type: 'object',
  properties: { applicationId: idSchema, webhookId: idSchema, deliveryId: idSchema },
  required: ['applicationId', 'webhookId', 'deliveryId'],
} as const;
export type ApplicationWebhookDeliveryParams = FromSchema<typeof applicationWebhookDeliveryParamsSchema>;

export const webhookIdParamsSchema = {
  type: 'object',
  properties: { webhookId: idSchema },
  required: ['webhookId'],
} as const;
export type WebhookIdParams = FromSchema<typeof webhookIdParamsSchema>;

export const webhookDeliveryParamsSchema = {
  type: 'object',
  properties: { webhookId: idSchema, deliveryId: idSchema },
  required: ['webhookId', 'deliveryId'],
} as const;
export type WebhookDeliveryParams = FromSchema<typeof webhookDeliveryParamsSchema>;

/**
 * What a receiver is sent (the signed body): the event's type, when it happened,
 * and the token it is about. Never a token secret or its hash.
 */
export interface WebhookEvent {
  type: WebhookEventType;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: WebhookEventData;
}

export interface WebhookEventData {
  apiTokenId: string;
  ownerType: 'application' | 'user';
  ownerId: string;
  /** Application tokens only. */
  applicationId?: string;
  /** Absent when the token was gone before the event was written. */
  name?: string;
  status?: 'active' | 'inactive';
  expirationDate?: string;
  /** Events of a change through the API: the audit log entry that records it, and who made it. */
  auditLogId?: string;
  actorType?: string;
  actorId?: string;
  /** token.expiring: the token expires within this many seconds (7 days, or 1 day). */
  expiresWithin?: number;
  /** token.credits_low: the share (20, 10 or 0 percent) of `creditsBase` the balance fell to. */
  threshold?: number;
  /** token.credits_low: the balance after the spend that crossed the threshold. */
  remaining?: number;
  /** token.credits_low: the refill amount, or the credits the token was last given. */
  creditsBase?: number;
  /** token.rate_limited: the limit that refused a verification, and when its window ends. */
  ratelimit?: { name: string; limit: number; duration: number; reset: string };
}
