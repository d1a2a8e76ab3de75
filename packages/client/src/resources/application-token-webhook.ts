// latchkey's resource "Application Token Webhook": one webhook of an application, its secret's rotation, its deliveries.
import {
  routeEndpoints,
  type CreatedWebhook,
  type Success,
  type Webhook,
  type WebhookDeliveries,
  type WebhookDeliveriesQuery,
  type WebhookDelivery,
  type WebhookPatch,
} from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import type { ApplicationWebhookIdParams, ClientQuery, DeliveryIdParam } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

type Params = ApplicationWebhookIdParams & ClientQuery;

export interface ApplicationTokenWebhookResource {
  /** `GET /applications/{applicationId}/webhooks/{webhookId}` (never its secret) */
  get: (params: Params, options?: RequestOptions) => Promise<Webhook>;
  /** `PATCH /applications/{applicationId}/webhooks/{webhookId}`: url, events, enabled, description. */
  patch: (params: Params & { webhook: WebhookPatch }, options?: RequestOptions) => Promise<Webhook>;
  /** `DELETE /applications/{applicationId}/webhooks/{webhookId}`: with its deliveries. */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
  /** `POST .../webhooks/{webhookId}/rotate-secret`: a new signing secret, answered this once. */
  rotateSecret: (params: Params, options?: RequestOptions) => Promise<CreatedWebhook>;
  /** `GET .../webhooks/{webhookId}/deliveries`: one page of its deliveries, each with its attempts. */
  deliveries: (params: ApplicationWebhookIdParams & WebhookDeliveriesQuery, options?: RequestOptions) => Promise<WebhookDeliveries>;
  /** `POST .../deliveries/{deliveryId}/redeliver`: sends the delivery again now (the same webhook-id). */
  redeliver: (params: Params & DeliveryIdParam, options?: RequestOptions) => Promise<WebhookDelivery>;
}

export function applicationTokenWebhookResource(send: Send): ApplicationTokenWebhookResource {
  return {
    get: endpoint(send, routeEndpoints['applicationTokenWebhook.get']),
    patch: endpoint(send, routeEndpoints['applicationTokenWebhook.patch'], 'webhook'),
    delete: endpoint(send, routeEndpoints['applicationTokenWebhook.delete']),
    rotateSecret: endpoint(send, routeEndpoints['applicationTokenWebhook.rotateSecret']),
    deliveries: endpoint(send, routeEndpoints['applicationTokenWebhookDeliveries.get']),
    redeliver: endpoint(send, routeEndpoints['applicationTokenWebhookDelivery.redeliver']),
  };
}
