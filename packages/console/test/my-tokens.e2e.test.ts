// "My tokens", end to end in Chromium at phone width (390 px): the signed-in user's
// own API tokens in the same table as an application's, with the user's scope
// presets (all.User, all.User.read, …) and the catalogue: listed, filtered, created
// (the secret works through the API with the scopes picked), opened on the token
// page, and deleted (the API answers 404, the secret 401).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, expectAccessible, expectFitsWidth, launchBrowser, openPage, rowOf, signIn, startServer } from './helpers/browser.js';

/** Creates a user token through the dialog (checking it and its one-time view for accessibility) and returns its secret. */
async function createToken(page: Page, name: string, permission: string, customScope?: { search: string; scope: string }): Promise<string> {
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a token' });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByRole('radio', { name: permission, exact: true }).check();
  if (customScope) {
    await dialog.getByLabel('Search scopes').fill(customScope.search);
    await dialog.getByRole('checkbox', { name: customScope.scope }).check();
  }
  await expectAccessible(page, `the create dialog (${permission})`);
  await expectFitsWidth(page, 'the create dialog');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const created = page.getByRole('dialog', { name: 'Token created' });
  const secret = await created.getByLabel(`New token “${name}”`).inputValue();
  assert.match(secret, /^lku_/);
  await expectAccessible(page, 'the one-time token view');
  await created.getByRole('button', { name: 'Done' }).click();
  await created.waitFor({ state: 'detached' });
  await rowOf(page, name).waitFor();
  return secret;
}

test('My tokens: list, filter, create with user scopes, open, delete; at 390 px', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const { page, foreign, problems } = await openPage(browser, server, { width: 390, height: 844 });
  await signIn(page, server);

  // The navigation's "My tokens": the bootstrap's own all.User token is listed there.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tokens' }).click();
  await page.getByRole('heading', { name: 'My tokens', level: 1 }).waitFor();
  await page.getByText('1 token', { exact: true }).waitFor();
  assert.equal(await page.getByRole('rowheader').count(), 1);
  await expectAccessible(page, 'My tokens');
  await expectFitsWidth(page, 'My tokens');

  // The user's presets: "Read only" is all.User.read; it reads, but may not create.
  const reader = await createToken(page, 'laptop cli', 'Read only');
  await rowOf(page, 'laptop cli').getByRole('cell', { name: 'Read only', exact: true }).waitFor();
  assert.equal((await api(server, reader, '/me/tokens')).status, 200);
  const refused = await api(server, reader, '/me/tokens', { method: 'POST', body: JSON.stringify({ name: 'stronger' }) });
  assert.equal(refused.status, 403);
  // A catalogue scope on a user token reaches the user's applications.
  const lister = await createToken(page, 'token lister', 'Custom', { search: 'applicationApiTokens', scope: 'applicationApiTokens.get' });
  assert.equal((await api(server, lister, `/applications/${server.applicationId}/tokens`)).status, 200);
  assert.equal((await api(server, lister, '/me/tokens')).status, 403);
  const listed = (await api(server, server.token, '/me/tokens')).body as {
    totalCount: number;
    items: Array<{ name: string; scope: string[] }>;
  };
  assert.equal(listed.totalCount, 3);
  assert.deepEqual(listed.items.find((item) => item.name === 'laptop cli')?.scope, ['all.User.read']);
  assert.deepEqual(listed.items.find((item) => item.name === 'token lister')?.scope, ['applicationApiTokens.get']);
  await page.getByText('3 tokens', { exact: true }).waitFor();

  // The filter goes through the API's glob.
  await page.getByRole('searchbox', { name: /^Filter/ }).fill('lap*');
  await page.getByText('1 token matches the filter').waitFor();
  assert.deepEqual(
    (await page.getByRole('rowheader').allTextContents()).map((s) => s.trim()),
    ['laptop cli'],
  );
  assert.ok(server.requests.some((r) => r.startsWith('GET /me/tokens?') && r.includes('filter=lap*')));

  // Open it: the same token page, owned by the user, with the way back.
  await rowOf(page, 'laptop cli').getByRole('link', { name: 'laptop cli' }).click();
  await page.getByRole('heading', { name: 'Token “laptop cli”', level: 1 }).waitFor();
  assert.match(page.url(), /#\/me\/tokens\/[^/]+$/);
  const id = decodeURIComponent(page.url().split('/').pop()!);
  await page
    .getByRole('definition')
    .filter({ hasText: `User ${server.userId}` })
    .waitFor();
  await page.getByRole('definition').filter({ hasText: 'Read only:all.User.read' }).waitFor();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'My tokens' })
    .and(page.locator('[aria-current="page"]'))
    .waitFor();
  await expectAccessible(page, 'a user token page');
  await expectFitsWidth(page, 'a user token page');
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await expectFitsWidth(page, 'the rotate dialog');
  await page.getByRole('dialog', { name: 'Rotate “laptop cli”' }).getByRole('button', { name: 'Cancel' }).click();
  await page.locator('.breadcrumb').getByRole('link', { name: 'My tokens' }).click();
  await page.getByRole('heading', { name: 'My tokens', level: 1 }).waitFor();

  // Delete from the list, confirmed.
  await page.getByRole('button', { name: 'Delete laptop cli' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete “laptop cli”?' });
  await expectAccessible(page, 'the delete confirmation');
  await confirm.getByRole('button', { name: 'Delete token' }).click();
  await page.getByRole('status').filter({ hasText: '“laptop cli” deleted.' }).waitFor();
  await rowOf(page, 'laptop cli').waitFor({ state: 'detached' });
  assert.equal((await api(server, server.token, `/me/tokens/${id}`)).status, 404);
  assert.equal((await api(server, reader, '/me/tokens')).status, 401);
  await expectFitsWidth(page, 'My tokens after the delete');

  assert.deepEqual(foreign, [], 'the console requested another origin');
  assert.deepEqual(problems, []);
});
