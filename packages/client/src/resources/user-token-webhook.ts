// latchkey's resource "User Token Webhook": one of the calling user's webhooks, its secret's rotation, its deliveries.
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
import type { ClientQuery, DeliveryIdParam, WebhookIdParam } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

type Params = WebhookIdParam & ClientQuery;

export interface UserTokenWebhookResource {
  /** `GET /me/webhooks/{webhookId}` (never its secret) */
  get: (params: Params, options?: RequestOptions) => Promise<Webhook>;
  /** `PATCH /me/webhooks/{webhookId}`: url, events, enabled, description. */
  patch: (params: Params & { webhook: WebhookPatch }, options?: RequestOptions) => Promise<Webhook>;
  /** `DELETE /me/webhooks/{webhookId}`: with its deliveries. */
  delete: (params: Params, options?: RequestOptions) => Promise<Success>;
  /** `POST /me/webhooks/{webhookId}/rotate-secret`: a new signing secret, answered this once. */
  rotateSecret: (params: Params, options?: RequestOptions) => Promise<CreatedWebhook>;
  /** `GET /me/webhooks/{webhookId}/deliveries`: one page of its deliveries, each with its attempts. */
  deliveries: (params: WebhookIdParam & WebhookDeliveriesQuery, options?: RequestOptions) => Promise<WebhookDeliveries>;
  /** `POST /me/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver`: sends the delivery again now (the same webhook-id). */
  redeliver: (params: Params & DeliveryIdParam, options?: RequestOptions) => Promise<WebhookDelivery>;
}

export function userTokenWebhookResource(send: Send): UserTokenWebhookResource {
  return {
    get: endpoint(send, routeEndpoints['userTokenWebhook.get']),
    patch: endpoint(send, routeEndpoints['userTokenWebhook.patch'], 'webhook'),
    delete: endpoint(send, routeEndpoints['userTokenWebhook.delete']),
    rotateSecret: endpoint(send, routeEndpoints['userTokenWebhook.rotateSecret']),
    deliveries: endpoint(send, routeEndpoints['userTokenWebhookDeliveries.get']),
    redeliver: endpoint(send, routeEndpoints['userTokenWebhookDelivery.redeliver']),
  };
}
