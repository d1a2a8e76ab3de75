// Applications in the console, end to end in Chromium against a server in process:
// create one for the signed-in user and one for an organization, open one by id,
// rename it (client and server validation), delete it by typing its name, and a
// refusal (a View member may not delete) shown with the server's message. Every
// result is checked through the API too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  api,
  expectAccessible,
  expectFitsWidth,
  launchBrowser,
  openPage,
  rowOf,
  signIn,
  startServer,
  type Server,
} from './helpers/browser.js';

interface ApplicationBody {
  id: string;
  name: string;
  description?: string;
  ownerType: string;
  ownerId: string;
}

async function createOrg(server: Server, name: string): Promise<string> {
  const created = await api(server, server.token, '/orgs', { method: 'POST', body: JSON.stringify({ name }) });
  assert.equal(created.status, 201);
  return (created.body as { id: string }).id;
}

/** Fills and submits the create dialog; answers the new application's id (from the address it opens). */
async function createApplication(page: Page, fields: { name: string; description?: string; owner: string }): Promise<string> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Applications' }).click();
  await page.getByRole('heading', { name: 'Applications', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Create application' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an application' });
  await dialog.waitFor();
  await dialog.getByLabel('Name', { exact: true }).fill(fields.name);
  if (fields.description) await dialog.getByLabel('Description', { exact: true }).fill(fields.description);
  // The organizations are loaded into the owner list; wait for the one wanted.
  const owner = dialog.getByRole('combobox', { name: /^Owner/ });
  await owner.locator('option', { hasText: fields.owner }).waitFor({ state: 'attached' });
  await owner.selectOption({ label: fields.owner });
  await expectAccessible(page, 'the create application dialog');
  await dialog.getByRole('button', { name: 'Create application' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('heading', { name: fields.name, level: 1, exact: true }).waitFor();
  const match = /#\/applications\/([0-9a-f]{24})$/.exec(page.url());
  assert.ok(match, `the new application's page opens (${page.url()})`);
  return match[1]!;
}

test('create applications for me and for an organization, rename, delete with typed confirmation', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const orgId = await createOrg(server, 'Nursery');
  const { page, foreign, problems } = await openPage(browser, server);
  await signIn(page, server);
  await rowOf(page, 'Greenhouse').waitFor();
  await expectAccessible(page, 'the applications list');

  // For me.
  const orchardId = await createApplication(page, { name: 'Orchard', description: 'fruit trees', owner: 'Me' });
  const orchard = (await api(server, server.token, `/applications/${orchardId}`)).body as ApplicationBody;
  assert.deepEqual(
    { name: orchard.name, description: orchard.description, ownerType: orchard.ownerType, ownerId: orchard.ownerId },
    { name: 'Orchard', description: 'fruit trees', ownerType: 'user', ownerId: server.userId },
  );
  await page.getByText('Owned by you').waitFor();

  // For an organization.
  const seedlingsId = await createApplication(page, { name: 'Seedlings', owner: 'Organization: Nursery' });
  const seedlings = (await api(server, server.token, `/applications/${seedlingsId}`)).body as ApplicationBody;
  assert.deepEqual({ ownerType: seedlings.ownerType, ownerId: seedlings.ownerId }, { ownerType: 'organization', ownerId: orgId });
  await page.getByText('Organization: Nursery').waitFor();

  // The list shows both, with their owners.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Applications' }).click();
  await page.getByText('3 applications').waitFor();
  await rowOf(page, 'Orchard').getByRole('cell', { name: 'You', exact: true }).waitFor();
  await rowOf(page, 'Seedlings').getByRole('cell', { name: 'Organization: Nursery' }).waitFor();

  // Open by ID still works.
  await page.getByLabel('Open an application by ID').fill(orchardId);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('heading', { name: 'Orchard', level: 1, exact: true }).waitFor();

  // Settings: rename and describe.
  await page.getByRole('navigation', { name: 'Application sections' }).getByRole('link', { name: 'Settings' }).click();
  const name = page.getByLabel('Name', { exact: true });
  await name.waitFor();
  assert.equal(await name.inputValue(), 'Orchard');
  await expectAccessible(page, 'the application settings');
  // A name of spaces alone: said before asking the server.
  await name.fill('   ');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Enter a name' }).waitFor();
  // What the server refuses is shown with its own message: a name longer than 255
  // (the form's maxlength is taken off to get there; the API's answer is the expectation).
  const tooLong = 'x'.repeat(256);
  const refusedRename = await api(server, server.token, `/applications/${orchardId}`, {
    method: 'PATCH',
    body: JSON.stringify({ name: tooLong }),
  });
  assert.equal(refusedRename.status, 400);
  const refusal = refusedRename.body as { type: string; message: string };
  await name.evaluate((input) => input.removeAttribute('maxlength'));
  await name.fill(tooLong);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const renameAlert = page.getByRole('alert').filter({ hasText: refusal.message });
  await renameAlert.waitFor();
  assert.equal((await renameAlert.textContent())?.trim(), `${refusal.type}: ${refusal.message}`);
  // Then a good one.
  await name.fill('Orchard West');
  await page.getByLabel('Description', { exact: true }).fill('fruit trees, west slope');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'The application is saved.' }).waitFor();
  await page.getByRole('heading', { name: 'Orchard West', level: 1, exact: true }).waitFor();
  const renamed = (await api(server, server.token, `/applications/${orchardId}`)).body as ApplicationBody;
  assert.deepEqual(
    { name: renamed.name, description: renamed.description },
    { name: 'Orchard West', description: 'fruit trees, west slope' },
  );

  // Delete: Cancel keeps it; the button waits for the exact name.
  await page.getByRole('button', { name: 'Delete application' }).click();
  let confirm = page.getByRole('dialog', { name: 'Delete “Orchard West”?' });
  await confirm.waitFor();
  await expectAccessible(page, 'the delete application dialog');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  assert.equal((await api(server, server.token, `/applications/${orchardId}`)).status, 200);
  await page.getByRole('button', { name: 'Delete application' }).click();
  confirm = page.getByRole('dialog', { name: 'Delete “Orchard West”?' });
  const deleteButton = confirm.getByRole('button', { name: 'Delete application' });
  const typed = confirm.getByLabel('Type Orchard West to confirm');
  await typed.fill('Orchard');
  assert.equal(await deleteButton.isDisabled(), true);
  await typed.fill('Orchard West');
  await deleteButton.click();
  await page.getByRole('heading', { name: 'Applications', exact: true }).waitFor();
  assert.equal(new URL(page.url()).hash, '#/applications');
  await page.getByText('2 applications').waitFor();
  assert.equal(await rowOf(page, 'Orchard West').count(), 0);
  assert.equal((await api(server, server.token, `/applications/${orchardId}`)).status, 404);

  // A refusal: a View member of Nursery may open Seedlings but not delete it.
  const viewer = await server.addUser('viewer@example.com');
  const added = await api(server, server.token, `/orgs/${orgId}/member`, {
    method: 'PATCH',
    body: JSON.stringify({ userId: viewer.userId, role: 'view' }),
  });
  assert.equal(added.status, 200);
  // (No JSON content type: a DELETE has no body.)
  const refusedDelete = await api(server, viewer.token, `/applications/${seedlingsId}`, {
    method: 'DELETE',
    headers: { 'content-type': 'text/plain' },
  });
  assert.equal(refusedDelete.status, 403, JSON.stringify(refusedDelete.body));
  const forbidden = refusedDelete.body as { type: string; message: string };
  const viewerPage = await openPage(browser, server);
  await signIn(viewerPage.page, server, { email: 'viewer@example.com', password: 'another password' });
  await rowOf(viewerPage.page, 'Seedlings').getByRole('link').click();
  await viewerPage.page.getByRole('navigation', { name: 'Application sections' }).getByRole('link', { name: 'Settings' }).click();
  await viewerPage.page.getByRole('button', { name: 'Delete application' }).click();
  const viewerConfirm = viewerPage.page.getByRole('dialog', { name: 'Delete “Seedlings”?' });
  await viewerConfirm.getByLabel('Type Seedlings to confirm').fill('Seedlings');
  await viewerConfirm.getByRole('button', { name: 'Delete application' }).click();
  const forbiddenAlert = viewerConfirm.getByRole('alert');
  await forbiddenAlert.filter({ hasText: forbidden.message }).waitFor();
  assert.equal((await forbiddenAlert.textContent())?.trim(), `${forbidden.type}: ${forbidden.message}`);
  await expectAccessible(viewerPage.page, 'the delete dialog showing a refusal');
  await viewerConfirm.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await api(server, server.token, `/applications/${seedlingsId}`)).status, 200);

  for (const watched of [{ foreign, problems }, viewerPage]) {
    assert.deepEqual(watched.foreign, [], 'the console requested another origin');
    assert.deepEqual(watched.problems, []);
  }
});

test('applications at 390 px: the list, the create dialog and the settings fit; the owner list is paged and filtered', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  await createOrg(server, 'A rather long organization name for a narrow screen');
  // More organizations than the owner list loads at once (100).
  for (let i = 0; i <= 100; i++) await createOrg(server, `org ${String(i).padStart(3, '0')}`);
  const { page, foreign, problems } = await openPage(browser, server, { width: 390, height: 844 });
  await signIn(page, server);
  await rowOf(page, 'Greenhouse').waitFor();
  await expectFitsWidth(page, 'the applications list');
  await expectAccessible(page, 'the applications list at 390 px');
  await page.getByRole('button', { name: 'Create application' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an application' });
  await dialog
    .getByRole('combobox', { name: /^Owner/ })
    .locator('option', { hasText: 'A rather long' })
    .waitFor({ state: 'attached' });
  await dialog.getByRole('status').filter({ hasText: 'Showing 100 of 102 organizations.' }).waitFor();
  const owner = dialog.getByRole('combobox', { name: /^Owner/ });
  assert.equal(await owner.locator('option', { hasText: 'org 100' }).count(), 0);
  await expectFitsWidth(page, 'the create application dialog');
  await expectAccessible(page, 'the create application dialog at 390 px');
  // The filter box asks the API for the matching names.
  await dialog.getByRole('searchbox', { name: /^Find an organization/ }).fill('100');
  await owner.locator('option', { hasText: 'org 100' }).waitFor({ state: 'attached' });
  assert.equal(await owner.locator('option').count(), 2);
  const orgRequests = server.requests.filter((r) => r.startsWith('GET /orgs?'));
  assert.ok(
    orgRequests.every((r) => r.includes('perPage=100')),
    orgRequests.join('\n'),
  );
  assert.ok(
    orgRequests.some((r) => r.includes('filter=*100*') || r.includes('filter=%2A100%2A')),
    orgRequests.join('\n'),
  );
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await rowOf(page, 'Greenhouse').getByRole('link').click();
  await page.getByRole('navigation', { name: 'Application sections' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Name', { exact: true }).waitFor();
  await expectFitsWidth(page, 'the application settings');
  await page.getByRole('button', { name: 'Delete application' }).click();
  await page.getByRole('dialog', { name: 'Delete “Greenhouse”?' }).waitFor();
  await expectFitsWidth(page, 'the delete application dialog');
  await expectAccessible(page, 'the delete application dialog at 390 px');
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
