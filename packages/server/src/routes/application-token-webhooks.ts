// latchkey's own resource "Application Token Webhooks": signed webhooks on an
// application's token events, their deliveries and redeliveries.
import type {
  ApplicationIdParams,
  ApplicationWebhookDeliveryParams,
  ApplicationWebhookParams,
  CreatedWebhook,
  RouteName,
  Success,
  Webhook,
  WebhookDeliveries,
  WebhookDeliveriesQuery,
  WebhookDelivery,
  WebhookPatch,
  WebhookPost,
  Webhooks,
  WebhooksQuery,
} from '@latchkey/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
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

const owner = (applicationId: string) => ({ ownerType: 'application' as const, ownerId: applicationId });

export default function applicationTokenWebhooksHandlers(
  ctx: AppContext,
): Handlers<Extract<RouteName, `applicationTokenWebhook${string}`>> {
  return {
    'applicationTokenWebhooks.get': async (
      request: FastifyRequest<{ Params: ApplicationIdParams; Querystring: WebhooksQuery }>,
    ): Promise<Webhooks> => {
      const { applicationId } = request.params;
      await ctx.authorizeApplication(request, 'applicationTokenWebhooks.get', applicationId);
      return listWebhooks(ctx, owner(applicationId), request.query);
    },

    'applicationTokenWebhooks.post': async (
      request: FastifyRequest<{ Params: ApplicationIdParams; Body: WebhookPost }>,
      reply: FastifyReply,
    ): Promise<CreatedWebhook> => {
      const { applicationId } = request.params;
      await ctx.authorizeApplication(request, 'applicationTokenWebhooks.post', applicationId);
      const created = await createWebhook(ctx, request, owner(applicationId), request.body);
      reply.code(201);
      return created;
    },

    'applicationTokenWebhook.get': async (request: FastifyRequest<{ Params: ApplicationWebhookParams }>): Promise<Webhook> => {
      const { applicationId, webhookId } = request.params;
      await ctx.authorizeApplication(request, 'applicationTokenWebhook.get', applicationId);
      return getWebhook(ctx, owner(applicationId), webhookId);
    },

    'applicationTokenWebhook.patch': async (
      request: FastifyRequest<{ Params: ApplicationWebhookParams; Body: WebhookPatch }>,
    ): Promise<Webhook> => {
      const { applicationId, webhookId } = request.params;
      await ctx.authorizeApplication(request, 'applicationTokenWebhook.patch', applicationId);
      return patchWebhook(ctx, request, owner(applicationId), webhookId, request.body);
    },

    'applicationTokenWebhook.delete': async (request: FastifyRequest<{ Params: ApplicationWebhookParams }>): Promise<Success> => {
      const { applicationId, webhookId } = request.params;
      await ctx.authorizeApplication(request, 'applicationTokenWebhook.delete', applicationId);
      return deleteWebhook(ctx, request, owner(applicationId), webhookId);
    },

    'applicationTokenWebhook.rotateSecret': async (
      request: FastifyRequest<{ Params: ApplicationWebhookParams }>,
      reply: FastifyReply,
    ): Promise<CreatedWebhook> => {
      const { applicationId, webhookId } = request.params;
      await ctx.authorizeApplication(request, 'applicationTokenWebhook.rotateSecret', applicationId);
      const rotated = await rotateWebhookSecret(ctx, request, owner(applicationId), webhookId);
      reply.code(201);
      return rotated;
    },

    'applicationTokenWebhookDeliveries.get': async (
      request: FastifyRequest<{ Params: ApplicationWebhookParams; Querystring: WebhookDeliveriesQuery }>,
    ): Promise<WebhookDeliveries> => {
      const { applicationId, webhookId } = request.params;
      await ctx.authorizeApplication(request, 'applicationTokenWebhookDeliveries.get', applicationId);
      return listDeliveries(ctx, owner(applicationId), webhookId, request.query);
    },

    'applicationTokenWebhookDelivery.redeliver': async (
      request: FastifyRequest<{ Params: ApplicationWebhookDeliveryParams }>,
    ): Promise<WebhookDelivery> => {
      const { applicationId, webhookId, deliveryId } = request.params;
      await ctx.authorizeApplication(request, 'applicationTokenWebhookDelivery.redeliver', applicationId);
      return redeliver(ctx, request, owner(applicationId), webhookId, deliveryId);
    },
  };
}
