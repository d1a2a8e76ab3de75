// latchkey's resource "User Token Webhooks": the calling user's webhooks on their own token events, as a collection.
import { routeEndpoints, type CreatedWebhook, type Webhook, type WebhookPost, type Webhooks, type WebhooksQuery } from '@latchkey/contract';
import type { RequestOptions } from '../options.js';
import { paginate } from '../paginate.js';
import type { ClientQuery } from '../params.js';
import { endpoint } from '../endpoint.js';
import type { Send } from '../request.js';

export interface UserTokenWebhooksResource {
  /** `GET /me/webhooks`: one page of the user's webhooks (never their secrets). */
  get: (params?: WebhooksQuery, options?: RequestOptions) => Promise<Webhooks>;
  /** `POST /me/webhooks`: creates a webhook; the answer is the only one carrying `secret` (until a rotation). */
  post: (params: ClientQuery & { webhook: WebhookPost }, options?: RequestOptions) => Promise<CreatedWebhook>;
  /** Every webhook of the list, fetched page by page as iteration proceeds. */
  iterate: (params?: WebhooksQuery, options?: RequestOptions) => AsyncGenerator<Webhook, void, undefined>;
}

export function userTokenWebhooksResource(send: Send): UserTokenWebhooksResource {
  const get: UserTokenWebhooksResource['get'] = endpoint(send, routeEndpoints['userTokenWebhooks.get']);
  return {
    get,
    post: endpoint(send, routeEndpoints['userTokenWebhooks.post'], 'webhook'),
    iterate: (params = {}, options) => paginate((page) => get(page, options), params),
  };
}
