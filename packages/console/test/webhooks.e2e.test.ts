// An application's webhooks in the console, end to end: a real receiver on
// 127.0.0.1 (the server allows private webhook addresses for it) records what
// latchkey sends, and every delivery's signature is checked with the
// standardwebhooks package and the secret the console showed once. Token events are
// made through the API; what the console shows is checked against the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import {
  api,
  expectAccessible,
  expectFitsWidth,
  launchBrowser,
  openPage,
  rowOf,
  screenshot,
  signIn,
  startServer,
  type Server,
} from './helpers/browser.js';

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface Delivery {
  id: string;
  eventType: string;
  status: string;
  attempts: Array<{ statusCode?: number; latencyMs: number }>;
}

/** A receiver that records every request and answers 204, or 500 while `failing`. */
async function startReceiver(t: { after: (fn: () => unknown) => void }) {
  const received: Received[] = [];
  const state = { failing: false };
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: flatten(request.headers), body });
      response.writeHead(state.failing ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, state };
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]),
  );
}

/** Waits (polling) until `check` holds; fails naming `what` after 15 s. */
async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createToken(server: Server, name: string): Promise<string> {
  const created = await api(server, server.token, `/applications/${server.applicationId}/tokens`, {
    method: 'POST',
    body: JSON.stringify({ name, scope: ['all.Application.read'] }),
  });
  assert.equal(created.status, 201);
  return (created.body as { id: string }).id;
}

async function deleteToken(server: Server, apiTokenId: string): Promise<void> {
  const response = await fetch(`${server.url}/applications/${server.applicationId}/tokens/${apiTokenId}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${server.token}` },
  });
  assert.equal(response.status, 200);
}

async function openWebhooks(page: Page, server: Server): Promise<void> {
  await page.goto(`${server.url}/console/`);
  await signIn(page, server);
  await page.getByRole('link', { name: 'Greenhouse' }).click();
  await page.getByRole('navigation', { name: 'Application sections' }).getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
}

/** The event a delivery carried, after checking its signature with `secret`. */
function verified(secret: string, request: Received): { type: string; data: { apiTokenId: string; name?: string } } {
  return new StandardWebhook(secret).verify(request.body, request.headers) as { type: string; data: { apiTokenId: string; name?: string } };
}

test('webhooks: create (secret shown once), deliveries verified, a failure redelivered, edit, disable, enable, rotate, delete', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const receiver = await startReceiver(t);
  const server = await startServer(t, { allowPrivateWebhooks: true });
  const { page, foreign, problems } = await openPage(browser, server);
  const base = `/applications/${server.applicationId}/webhooks`;
  const deliveries = async (webhookId: string) => {
    const answer = await api(server, server.token, `${base}/${webhookId}/deliveries?perPage=100`);
    assert.equal(answer.status, 200);
    return answer.body as { totalCount: number; items: Delivery[] };
  };

  await openWebhooks(page, server);
  await page.getByText('No webhooks yet.').waitFor();
  await expectAccessible(page, 'the webhooks tab, empty');

  // Create: what is wrong is said before anything is sent.
  await page.getByRole('button', { name: 'Create webhook' }).click();
  const create = page.getByRole('dialog', { name: 'Create a webhook' });
  await expectAccessible(page, 'the create dialog');
  const submit = create.getByRole('button', { name: 'Create webhook' });
  const url = create.getByRole('textbox', { name: /^URL/ });
  await submit.click();
  await create.getByRole('alert').filter({ hasText: 'Enter the URL latchkey should POST events to' }).waitFor();
  await url.fill('hooks.example.com/latchkey');
  await submit.click();
  await create.getByRole('alert').filter({ hasText: 'The URL must be absolute, starting with https://' }).waitFor();
  await url.fill('ftp://hooks.example.com/latchkey');
  await submit.click();
  await create.getByRole('alert').filter({ hasText: 'The URL must start with https:// (not ftp://)' }).waitFor();
  const hookUrl = `${receiver.url}/hooks`;
  await url.fill(hookUrl);
  await create.getByText('http:// sends events unencrypted').waitFor();
  await submit.click();
  await create.getByRole('alert').filter({ hasText: 'Pick at least one event' }).waitFor();
  await expectAccessible(page, 'the create dialog with its validation messages');
  // "All events" checks every one, and clears them.
  const all = create.getByRole('checkbox', { name: 'All events' });
  await all.check();
  await create.getByText('All events selected').waitFor();
  assert.equal(await create.getByRole('checkbox', { checked: true }).count(), 10);
  await all.uncheck();
  assert.equal(await create.getByRole('checkbox', { checked: true }).count(), 0);
  for (const type of ['token.created', 'token.updated', 'token.deleted']) await create.getByRole('checkbox', { name: type }).check();
  await create.getByText('3 events selected').waitFor();
  await create.getByRole('textbox', { name: /^Description/ }).fill('test receiver');
  await submit.click();

  // The secret, once.
  const createdDialog = page.getByRole('dialog', { name: 'Webhook created' });
  await createdDialog.getByText('it will not be shown again').waitFor();
  await expectAccessible(page, 'the new signing secret');
  const secret = await createdDialog.getByLabel(`Signing secret of ${hookUrl}`).inputValue();
  assert.match(secret, /^whsec_/);
  await createdDialog.getByRole('button', { name: 'Copy signing secret' }).click();
  await createdDialog
    .getByRole('status')
    .filter({ hasText: /Copied|copy it by hand/ })
    .waitFor();
  await createdDialog.getByRole('button', { name: 'Done' }).click();
  await createdDialog.waitFor({ state: 'detached' });

  const row = rowOf(page, hookUrl);
  await row.getByText('test receiver').waitFor();
  await row.getByRole('cell', { name: /^token\.created\s*token\.updated\s*token\.deleted$/ }).waitFor();
  await row.getByRole('cell', { name: 'enabled', exact: true }).waitFor();
  await row.getByRole('cell', { name: /^[A-Z][a-z]{2} \d{1,2}, \d{4}/ }).waitFor();
  const listed = await api(server, server.token, base);
  const [webhook] = (listed.body as { items: Array<{ id: string; url: string; events: string[]; enabled: boolean }> }).items;
  assert.ok(webhook);
  assert.deepEqual(webhook.events, ['token.created', 'token.updated', 'token.deleted']);
  // Never read back: the secret was in the create's answer only.
  assert.equal(JSON.stringify(listed.body).includes(secret), false);
  await expectAccessible(page, 'the webhooks list');

  // A token event reaches the receiver, signed with the secret the console showed.
  const first = await createToken(server, 'first device');
  await until('the first delivery', () => receiver.received.length >= 1);
  const event = verified(secret, receiver.received[0]!);
  assert.equal(event.type, 'token.created');
  assert.equal(event.data.apiTokenId, first);
  assert.equal(receiver.received[0]!.path, '/hooks');
  await until('the first delivery recorded', async () => (await deliveries(webhook.id)).items[0]?.status === 'delivered');

  // Its delivery in the console: status, HTTP status, latency, attempts.
  await page.getByRole('button', { name: `Deliveries of ${hookUrl}` }).click();
  const section = page.getByRole('region', { name: `Deliveries to ${hookUrl}` });
  // Focus moves to what the button opened.
  await section.getByRole('heading').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), `Deliveries to ${hookUrl}`);
  const delivered = section.getByRole('row').filter({ hasText: 'token.created' });
  await delivered.getByRole('cell', { name: /^delivered\s*HTTP 204/ }).waitFor();
  await delivered.getByRole('cell', { name: /^\d+ ms$/ }).waitFor();
  await delivered.getByText('1 attempt', { exact: true }).click();
  await delivered
    .getByRole('listitem')
    .filter({ hasText: /HTTP 204, \d+ ms/ })
    .waitFor();
  await expectAccessible(page, 'the deliveries');

  // One pass at 390 px: the list and the deliveries fit.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectFitsWidth(page, 'webhooks and deliveries at 390 px');
  await expectAccessible(page, 'webhooks and deliveries at 390 px');
  await page.setViewportSize({ width: 1280, height: 820 });
  await screenshot(page, 'console-webhooks.png');

  // A failed attempt (the receiver answers 500), then a redelivery from the console.
  receiver.state.failing = true;
  const second = await createToken(server, 'second device');
  await until('the failing delivery', () => receiver.received.length >= 2);
  const failedDelivery = await until('the failed attempt recorded', async () =>
    (await deliveries(webhook.id)).items.find((d) => d.attempts.length === 1 && d.attempts[0]!.statusCode === 500),
  );
  assert.equal(failedDelivery.status, 'pending'); // retried later, with backoff
  receiver.state.failing = false;
  await section.getByRole('button', { name: 'Refresh deliveries' }).click();
  const failedRow = section.getByRole('row').filter({ hasText: 'HTTP 500' });
  await failedRow.getByRole('cell', { name: /^retrying\s*HTTP 500\s*next attempt/ }).waitFor();
  await expectAccessible(page, 'a failed delivery');
  await failedRow.getByRole('button', { name: /^Redeliver token\.created/ }).click();
  await section
    .getByRole('status')
    .filter({ hasText: /^Redelivered token\.created: delivered \(HTTP 204, \d+ ms\)\.$/ })
    .waitFor();
  assert.equal(receiver.received.length, 3);
  // The same webhook-id as the failed attempt (receivers deduplicate on it), signed again.
  assert.equal(receiver.received[2]!.headers['webhook-id'], receiver.received[1]!.headers['webhook-id']);
  assert.equal(receiver.received[2]!.headers['webhook-id'], failedDelivery.id);
  assert.equal(verified(secret, receiver.received[2]!).data.apiTokenId, second);
  const redelivered = section.getByRole('row').filter({ hasText: '2 attempts' });
  await redelivered.getByRole('cell', { name: /^delivered\s*HTTP 204/ }).waitFor();
  assert.equal((await deliveries(webhook.id)).items.find((d) => d.id === failedDelivery.id)?.status, 'delivered');
  await expectAccessible(page, 'a redelivered delivery');

  // Edit: another URL, token.deleted only.
  await page.getByRole('button', { name: `Edit ${hookUrl}` }).click();
  const edit = page.getByRole('dialog', { name: 'Edit webhook' });
  await expectAccessible(page, 'the edit dialog');
  const v2Url = `${receiver.url}/v2`;
  assert.equal(await edit.getByRole('textbox', { name: /^URL/ }).inputValue(), hookUrl);
  await edit.getByRole('textbox', { name: /^URL/ }).fill(v2Url);
  await edit.getByRole('checkbox', { name: 'token.created' }).uncheck();
  await edit.getByRole('checkbox', { name: 'token.updated' }).uncheck();
  await edit.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'The webhook is saved.' }).waitFor();
  const v2Row = rowOf(page, v2Url);
  await v2Row.getByRole('cell', { name: 'token.deleted', exact: true }).waitFor();
  await page.getByRole('heading', { name: `Deliveries to ${v2Url}` }).waitFor();
  const edited = (await api(server, server.token, `${base}/${webhook.id}`)).body as { url: string; events: string[] };
  assert.deepEqual([edited.url, edited.events], [v2Url, ['token.deleted']]);
  // token.created is no longer subscribed: nothing is enqueued (enqueuing is part of the token's write).
  const third = await createToken(server, 'third device');
  assert.equal((await deliveries(webhook.id)).totalCount, 2);
  await deleteToken(server, third);
  await until('the token.deleted delivery', () => receiver.received.length >= 4);
  assert.equal(receiver.received[3]!.path, '/v2');
  assert.deepEqual(
    [verified(secret, receiver.received[3]!).type, verified(secret, receiver.received[3]!).data.apiTokenId],
    ['token.deleted', third],
  );

  // Disable: a new event is not delivered; enable: it is again.
  await page.getByRole('button', { name: `Disable ${v2Url}` }).click();
  await page.getByRole('status').filter({ hasText: 'is disabled' }).waitFor();
  await v2Row.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
  await expectAccessible(page, 'a disabled webhook');
  assert.equal(((await api(server, server.token, `${base}/${webhook.id}`)).body as { enabled: boolean }).enabled, false);
  await deleteToken(server, first);
  assert.equal((await deliveries(webhook.id)).totalCount, 3);
  await page.getByRole('button', { name: `Enable ${v2Url}` }).click();
  await v2Row.getByRole('cell', { name: 'enabled', exact: true }).waitFor();
  await deleteToken(server, second);
  await until('the delivery after enabling', () => receiver.received.length >= 5);
  assert.equal(verified(secret, receiver.received[4]!).data.apiTokenId, second);
  assert.equal((await deliveries(webhook.id)).totalCount, 4);

  // Rotate the secret: shown once; deliveries are signed with the new one only.
  await page.getByRole('button', { name: `Rotate the signing secret of ${v2Url}` }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
  await expectAccessible(page, 'the rotate confirmation');
  await rotate.getByRole('button', { name: 'Rotate secret' }).click();
  const rotated = page.getByRole('dialog', { name: 'Signing secret rotated' });
  await rotated.getByText('it will not be shown again').waitFor();
  await expectAccessible(page, 'the rotated signing secret');
  const newSecret = await rotated.getByLabel(`Signing secret of ${v2Url}`).inputValue();
  assert.match(newSecret, /^whsec_/);
  assert.notEqual(newSecret, secret);
  await rotated.getByRole('button', { name: 'Done' }).click();
  await rotated.waitFor({ state: 'detached' });
  await deleteToken(server, await createToken(server, 'fourth device'));
  await until('the delivery after rotating', () => receiver.received.length >= 6);
  assert.equal(verified(newSecret, receiver.received[5]!).type, 'token.deleted');
  assert.throws(() => verified(secret, receiver.received[5]!));

  // Deliveries are paged by the API: 8 more make 13, two pages of 10.
  for (let n = 0; n < 8; n++) await deleteToken(server, await createToken(server, `batch ${n}`));
  await until(
    'the batch delivered',
    async () => (await deliveries(webhook.id)).items.filter((d) => d.status === 'delivered').length === 13,
  );
  const v2Section = page.getByRole('region', { name: `Deliveries to ${v2Url}` });
  await v2Section.getByRole('button', { name: 'Refresh deliveries' }).click();
  await v2Section.getByText('13 deliveries, newest first').waitFor();
  const deliveryPages = v2Section.getByRole('navigation', { name: 'Delivery pages' });
  await deliveryPages.getByText('Page 1 of 2').waitFor();
  assert.equal(await v2Section.getByRole('rowheader').count(), 10);
  await deliveryPages.getByRole('button', { name: 'Next page' }).click();
  await deliveryPages.getByText('Page 2 of 2').waitFor();
  assert.equal(await v2Section.getByRole('rowheader').count(), 3);
  const served = server.requests.filter((r) => r.startsWith(`GET ${base}/${webhook.id}/deliveries?`) && !r.includes('perPage=100'));
  assert.ok(served.some((r) => r.includes('page=1')));
  assert.ok(served.every((r) => r.includes('perPage=10')));

  // Delete, confirmed: gone from the list and from the API.
  await page.getByRole('button', { name: `Delete ${v2Url}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete this webhook?' });
  await expectAccessible(page, 'the delete confirmation');
  await confirm.getByRole('button', { name: 'Delete webhook' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `The webhook to ${v2Url} is deleted.` })
    .waitFor();
  await page.getByText('No webhooks yet.').waitFor();
  assert.equal(await page.getByRole('region', { name: /^Deliveries to/ }).count(), 0);
  await expectAccessible(page, 'the webhooks tab after the delete');
  assert.equal((await api(server, server.token, `${base}/${webhook.id}`)).status, 404);

  assert.deepEqual(foreign, [], 'the console requested another origin');
  assert.deepEqual(problems, []);
});

test('webhooks at 390 px: the server refuses a loopback URL (its 400 shown); a public one is created', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t); // private webhook addresses refused
  const { page, foreign, problems } = await openPage(browser, server, { width: 390, height: 844 });
  await openWebhooks(page, server);
  await page.getByText('No webhooks yet.').waitFor();
  await expectFitsWidth(page, 'the webhooks tab at 390 px');

  const loopback = 'http://127.0.0.1:9/hook';
  const expected = await api(server, server.token, `/applications/${server.applicationId}/webhooks`, {
    method: 'POST',
    body: JSON.stringify({ url: loopback, events: ['token.created'] }),
  });
  assert.equal(expected.status, 400);
  const { type, message } = expected.body as { type: string; message: string };
  assert.match(message, /loopback/);

  await page.getByRole('button', { name: 'Create webhook' }).click();
  const create = page.getByRole('dialog', { name: 'Create a webhook' });
  await create.getByRole('textbox', { name: /^URL/ }).fill(loopback);
  await create.getByRole('checkbox', { name: 'All events' }).check();
  await create.getByRole('button', { name: 'Create webhook' }).click();
  const alert = create.getByRole('alert').filter({ hasText: message });
  await alert.waitFor();
  assert.equal((await alert.textContent())?.trim(), `${type}: ${message}`);
  await expectFitsWidth(page, 'the create dialog at 390 px');
  await expectAccessible(page, 'the create dialog with the server’s 400 at 390 px');

  // A public address (an IP literal: nothing to resolve, and no event is made, so nothing is sent).
  const publicUrl = 'https://93.184.216.34/latchkey';
  await create.getByRole('textbox', { name: /^URL/ }).fill(publicUrl);
  await create.getByRole('button', { name: 'Create webhook' }).click();
  const createdDialog = page.getByRole('dialog', { name: 'Webhook created' });
  await createdDialog.getByText('it will not be shown again').waitFor();
  await expectFitsWidth(page, 'the new signing secret at 390 px');
  await createdDialog.getByRole('button', { name: 'Done' }).click();
  await rowOf(page, publicUrl).getByRole('cell', { name: 'All events', exact: true }).waitFor();
  await page.getByRole('button', { name: `Deliveries of ${publicUrl}` }).click();
  await page.getByText('No deliveries yet').waitFor();
  await expectFitsWidth(page, 'the webhooks list and its deliveries at 390 px');
  await expectAccessible(page, 'the webhooks list at 390 px');

  // The list is paged by the API: 11 more webhooks make two pages of 10.
  for (let n = 0; n < 11; n++) {
    const created = await api(server, server.token, `/applications/${server.applicationId}/webhooks`, {
      method: 'POST',
      body: JSON.stringify({ url: `${publicUrl}/${n}`, events: ['token.leaked'] }),
    });
    assert.equal(created.status, 201);
  }
  await page.reload();
  const webhookPages = page.getByRole('navigation', { name: 'Webhook pages' });
  await webhookPages.getByText('Page 1 of 2').waitFor();
  await webhookPages.getByRole('button', { name: 'Next page' }).click();
  await webhookPages.getByText('Page 2 of 2').waitFor();
  assert.deepEqual(await page.getByRole('rowheader').allTextContents(), [`${publicUrl}/9`, `${publicUrl}/10`]);
  await expectFitsWidth(page, 'the second page of webhooks at 390 px');
  assert.ok(server.requests.some((r) => r.startsWith(`GET /applications/${server.applicationId}/webhooks?`) && r.includes('page=1')));

  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
