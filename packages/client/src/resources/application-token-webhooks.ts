// latchkey's resource "Application Token Webhooks": an application's webhooks on its token events, as a collection.
import { routeEndpoints, type CreatedWebhook, type Webhook, type WebhookPost, type Webhooks, type WebhooksQuery } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import { paginate } from '../paginate.js';
import type { ApplicationIdParam, ClientQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export type ApplicationTokenWebhooksGetParams = ApplicationIdParam & WebhooksQuery;

export interface ApplicationTokenWebhooksResource {
  /** `GET /applications/{applicationId}/webhooks`: one page of the application's webhooks (never their secrets). */
  get: (params: ApplicationTokenWebhooksGetParams, options?: RequestOptions) => Promise<Webhooks>;
  /** `POST /applications/{applicationId}/webhooks`: creates a webhook; the answer is the only one carrying `secret` (until a rotation). */
  post: (params: ApplicationIdParam & ClientQuery & { webhook: WebhookPost }, options?: RequestOptions) => Promise<CreatedWebhook>;
  /** Every webhook of the list, fetched page by page as iteration proceeds. */
  iterate: (params: ApplicationTokenWebhooksGetParams, options?: RequestOptions) => AsyncGenerator<Webhook, void, undefined>;
}

export function applicationTokenWebhooksResource(send: Send): ApplicationTokenWebhooksResource {
  const get: ApplicationTokenWebhooksResource['get'] = endpoint(send, routeEndpoints['applicationTokenWebhooks.get']);
  return {
    get,
    post: endpoint(send, routeEndpoints['applicationTokenWebhooks.post'], 'webhook'),
    iterate: (params, options) => paginate((page) => get(page, options), params),
  };
}
