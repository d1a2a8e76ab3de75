// latchkey's own resource "User Token Webhooks": signed webhooks on the calling
// user's own token events (/me/webhooks), as an application's are.
import type {
  CreatedWebhook,
  RouteName,
  Success,
  Webhook,
  WebhookDeliveries,
  WebhookDeliveriesQuery,
  WebhookDelivery,
  WebhookDeliveryParams,
  WebhookIdParams,
  WebhookPatch,
  WebhookPost,
  Webhooks,
  WebhooksQuery,
} from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizeUser } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { Handlers } from './handlers.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  patchWebhook,
  redeliver,
  rotateWebhookSecret,
} from './webhook-actions.js';

const owner = (userId: string) => ({ ownerType: 'user' as const, ownerId: userId });

export default function userTokenWebhooksHandlers(ctx: AppContext): Handlers<Extract<RouteName, `userTokenWebhook${string}`>> {
  return {
    'userTokenWebhooks.get': async (request: FastifyRequest<{ Querystring: WebhooksQuery }>): Promise<Webhooks> => {
      const user = authorizeUser(request.principal, 'userTokenWebhooks.get');
      return listWebhooks(ctx, owner(user.userId), request.query);
    },

    'userTokenWebhooks.post': async (request: FastifyRequest<{ Body: WebhookPost }>, reply: FastifyReply): Promise<CreatedWebhook> => {
      const user = authorizeUser(request.principal, 'userTokenWebhooks.post');
      const created = await createWebhook(ctx, request, owner(user.userId), request.body);
      reply.code(201);
      return created;
    },

    'userTokenWebhook.get': async (request: FastifyRequest<{ Params: WebhookIdParams }>): Promise<Webhook> => {
      const user = authorizeUser(request.principal, 'userTokenWebhook.get');
      return getWebhook(ctx, owner(user.userId), request.params.webhookId);
    },

    'userTokenWebhook.patch': async (request: FastifyRequest<{ Params: WebhookIdParams; Body: WebhookPatch }>): Promise<Webhook> => {
      const user = authorizeUser(request.principal, 'userTokenWebhook.patch');
      return patchWebhook(ctx, request, owner(user.userId), request.params.webhookId, request.body);
    },

    'userTokenWebhook.delete': async (request: FastifyRequest<{ Params: WebhookIdParams }>): Promise<Success> => {
      const user = authorizeUser(request.principal, 'userTokenWebhook.delete');
      return deleteWebhook(ctx, request, owner(user.userId), request.params.webhookId);
    },

    'userTokenWebhook.rotateSecret': async (
      request: FastifyRequest<{ Params: WebhookIdParams }>,
      reply: FastifyReply,
    ): Promise<CreatedWebhook> => {
      const user = authorizeUser(request.principal, 'userTokenWebhook.rotateSecret');
      const rotated = await rotateWebhookSecret(ctx, request, owner(user.userId), request.params.webhookId);
      reply.code(201);
      return rotated;
    },

    'userTokenWebhookDeliveries.get': async (
      request: FastifyRequest<{ Params: WebhookIdParams; Querystring: WebhookDeliveriesQuery }>,
    ): Promise<WebhookDeliveries> => {
      const user = authorizeUser(request.principal, 'userTokenWebhookDeliveries.get');
      return listDeliveries(ctx, owner(user.userId), request.params.webhookId, request.query);
    },

    'userTokenWebhookDelivery.redeliver': async (request: FastifyRequest<{ Params: WebhookDeliveryParams }>): Promise<WebhookDelivery> => {
      const user = authorizeUser(request.principal, 'userTokenWebhookDelivery.redeliver');
      return redeliver(ctx, request, owner(user.userId), request.params.webhookId, request.params.deliveryId);
    },
  };
}
