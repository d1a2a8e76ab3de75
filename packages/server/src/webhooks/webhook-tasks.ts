// The webhooks' background work of one app: the outbox's sender and the expiry scan,
// started with the app and closed before its store (an onClose hook added after the
// store's runs before it).
import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../app-options.js';
import type { Store } from '../storage/port.js';
import { DeliveryWorker } from './delivery-worker.js';
import { ExpiryScan } from './expiry-scan.js';

export function startWebhookTasks(
  app: FastifyInstance,
  store: Store,
  now: () => number,
  options: Pick<AppOptions, 'allowPrivateWebhooks' | 'webhooks' | 'metrics'>,
): void {
  const { expiryScan: expiryScanOptions, ...deliveryOptions } = options.webhooks ?? {};
  const deliveryWorker = new DeliveryWorker(store, now, app.log, options.allowPrivateWebhooks ?? false, deliveryOptions, options.metrics);
  options.metrics?.watchWebhookOutbox(() => store.webhookOutboxDepth(), now);
  const expiryScan = new ExpiryScan(store, now, app.log, expiryScanOptions);
  app.addHook('onClose', async () => {
    await expiryScan.close();
    await deliveryWorker.close();
  });
  deliveryWorker.start();
  expiryScan.start();
}
