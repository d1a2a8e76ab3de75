// The webhook operations shared by an application's webhooks
// (/applications/{id}/webhooks) and a user's own (/me/webhooks): one
// implementation, two resources. Every write is audited; the signing secret is
// answered only by the create and the rotation.
import {
  maxWebhooksPerOwner,
  type CreatedWebhook,
  type Success,
  type Webhook,
  type WebhookDeliveries,
  type WebhookDeliveriesQuery,
  type WebhookDelivery,
  type WebhookPatch,
  type WebhookPost,
  type Webhooks,
  type WebhooksQuery,
} from '@latchkey/contract';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { errors } from '../errors.js';
import type { WebhookOwnerType } from '../storage/port.js';
import { newWebhook, newWebhookSecret, toCreatedWebhook, toDelivery, toWebhook, webhookPatch } from '../webhooks/webhook-wire.js';
import { auditEntry } from './audit-entry.js';
import { paging, pagingMeta } from './page-query.js';

export type WebhookOwner = { ownerType: WebhookOwnerType; ownerId: string };

type Verb = 'create' | 'update' | 'delete' | 'rotateSecret';

/** The audit entry of a webhook write, by owner. */
function audit(request: FastifyRequest, at: number, owner: WebhookOwner, action: string, id: string) {
  return auditEntry(request, at, action, {
    targetType: 'webhook',
    targetId: id,
    ...(owner.ownerType === 'application' ? { applicationId: owner.ownerId } : {}),
  });
}

const resourceOf = (owner: WebhookOwner) => (owner.ownerType === 'application' ? 'applicationTokenWebhook' : 'userTokenWebhook');
const webhookAudit = (request: FastifyRequest, at: number, owner: WebhookOwner, verb: Verb, id: string) =>
  audit(request, at, owner, `${resourceOf(owner)}.${verb}`, id);

const notFound = () => errors.notFound('Webhook');

async function existing(ctx: AppContext, owner: WebhookOwner, id: string) {
  const webhook = await ctx.store.getWebhook(owner.ownerType, owner.ownerId, id);
  if (!webhook) throw notFound();
  return webhook;
}

export async function listWebhooks(ctx: AppContext, owner: WebhookOwner, params: WebhooksQuery): Promise<Webhooks> {
  const query = paging(params, 'creationDate', 'asc');
  const { items, totalCount } = await ctx.store.listWebhooks(owner.ownerType, owner.ownerId, query);
  return { items: items.map(toWebhook), ...pagingMeta(query, items.length, totalCount) };
}

export async function createWebhook(
  ctx: AppContext,
  request: FastifyRequest,
  owner: WebhookOwner,
  body: WebhookPost,
): Promise<CreatedWebhook> {
  const url = await ctx.checkWebhookUrl(body.url);
  const { totalCount } = await ctx.store.listWebhooks(owner.ownerType, owner.ownerId, {
    sortField: 'id',
    sortDirection: 'asc',
    page: 0,
    perPage: 1,
  });
  if (totalCount >= maxWebhooksPerOwner) {
    throw errors.validation(`There are already ${maxWebhooksPerOwner} webhooks here, the most allowed; delete one first`);
  }
  const at = ctx.now();
  const record = newWebhook({
    owner,
    url,
    events: body.events,
    enabled: body.enabled ?? true,
    description: body.description ?? '',
    at,
  });
  // Deleted since the request was authorized (on any node): nothing was stored.
  if (!(await ctx.store.createWebhook(record, webhookAudit(request, at, owner, 'create', record.id)))) {
    throw errors.notFound(owner.ownerType === 'application' ? 'Application' : 'User');
  }
  return toCreatedWebhook(record);
}

export async function getWebhook(ctx: AppContext, owner: WebhookOwner, id: string): Promise<Webhook> {
  return toWebhook(await existing(ctx, owner, id));
}

export async function patchWebhook(
  ctx: AppContext,
  request: FastifyRequest,
  owner: WebhookOwner,
  id: string,
  patch: WebhookPatch,
): Promise<Webhook> {
  const current = await existing(ctx, owner, id);
  const url = patch.url === undefined ? undefined : await ctx.checkWebhookUrl(patch.url);
  // lastUpdated always moves forward, even within one millisecond of the last write.
  const at = Math.max(ctx.now(), current.updatedAt + 1);
  const updated = await ctx.store.updateWebhook(
    owner.ownerType,
    owner.ownerId,
    id,
    webhookPatch(patch, url),
    at,
    webhookAudit(request, at, owner, 'update', id),
  );
  if (!updated) throw notFound();
  return toWebhook(updated);
}

export async function deleteWebhook(ctx: AppContext, request: FastifyRequest, owner: WebhookOwner, id: string): Promise<Success> {
  const at = ctx.now();
  if (!(await ctx.store.deleteWebhook(owner.ownerType, owner.ownerId, id, webhookAudit(request, at, owner, 'delete', id)))) {
    throw notFound();
  }
  return { success: true };
}

/** A new secret, answered once; every attempt from now on is signed with it. */
export async function rotateWebhookSecret(
  ctx: AppContext,
  request: FastifyRequest,
  owner: WebhookOwner,
  id: string,
): Promise<CreatedWebhook> {
  const current = await existing(ctx, owner, id);
  const at = Math.max(ctx.now(), current.updatedAt + 1);
  const updated = await ctx.store.updateWebhook(
    owner.ownerType,
    owner.ownerId,
    id,
    { secret: newWebhookSecret() },
    at,
    webhookAudit(request, at, owner, 'rotateSecret', id),
  );
  if (!updated) throw notFound();
  return toCreatedWebhook(updated);
}

export async function listDeliveries(
  ctx: AppContext,
  owner: WebhookOwner,
  id: string,
  params: WebhookDeliveriesQuery,
): Promise<WebhookDeliveries> {
  await existing(ctx, owner, id);
  const query = paging(params, 'creationDate', 'desc');
  const { items, totalCount } = await ctx.store.listWebhookDeliveries(id, query);
  return { items: items.map(toDelivery), ...pagingMeta(query, items.length, totalCount), webhookId: id };
}

/** Due again now, with the same webhook-id; its attempts counted afresh. */
export async function redeliver(
  ctx: AppContext,
  request: FastifyRequest,
  owner: WebhookOwner,
  id: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  await existing(ctx, owner, id);
  const at = ctx.now();
  const action = `${owner.ownerType === 'application' ? 'applicationTokenWebhookDelivery' : 'userTokenWebhookDelivery'}.redeliver`;
  const delivery = await ctx.store.redeliverWebhookDelivery(id, deliveryId, at, audit(request, at, owner, action, id));
  if (!delivery) throw errors.notFound('Delivery');
  return toDelivery(delivery);
}
