// The web console end to end, in real headless Chromium (Debian's `chromium` package,
// driven by playwright-core; never a downloaded browser), against a latchkey server
// in process. Locators go by role and label, so passing also proves the controls are
// labelled. Without /usr/bin/chromium the browser tests report themselves skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import type { Page } from 'playwright-core';
import consoleRoutes from '../../server/src/routes/console.js';
import { sessionKey } from '../src/session.js';
import { api, launchBrowser, openPage, rowOf, screenshot, signIn, startServer } from './helpers/browser.js';

/** Creates a token through the dialog and returns its secret from the one-time view. */
async function createToken(
  page: Page,
  fields: {
    name: string;
    description?: string;
    permission: string;
    expiresAt?: string;
    customScopes?: { search: string; scopes: string[] };
  },
): Promise<string> {
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create a token' });
  await dialog.getByLabel('Name', { exact: true }).fill(fields.name);
  if (fields.description) await dialog.getByLabel('Description', { exact: true }).fill(fields.description);
  if (fields.expiresAt) {
    await dialog.getByRole('radio', { name: 'On a date' }).check();
    await dialog.getByLabel(/^Expires at/).fill(fields.expiresAt);
  }
  await dialog.getByRole('radio', { name: fields.permission, exact: true }).check();
  if (fields.customScopes) {
    await dialog.getByLabel('Search scopes').fill(fields.customScopes.search);
    for (const scope of fields.customScopes.scopes) await dialog.getByRole('checkbox', { name: scope }).check();
  }
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const created = page.getByRole('dialog', { name: 'Token created' });
  await created.getByText('it will not be shown again').waitFor();
  const token = await created.getByLabel(`New token “${fields.name}”`).inputValue();
  assert.match(token, /^lka_/);
  await created.getByRole('button', { name: 'Copy token' }).click();
  await created
    .getByRole('status')
    .filter({ hasText: /Copied|copy it by hand/ })
    .waitFor();
  await created.getByRole('button', { name: 'Done' }).click();
  await created.waitFor({ state: 'detached' });
  await rowOf(page, fields.name).waitFor();
  return token;
}

async function storedSession(page: Page): Promise<string | null> {
  return page.evaluate((key) => sessionStorage.getItem(key), sessionKey);
}

test('sign in, create a token, use it, deactivate it, delete it; attenuation; sign out', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const { page, foreign, problems } = await openPage(browser, server);

  // GET / sends a browser to the console.
  await page.goto(`${server.url}/`);
  assert.equal(new URL(page.url()).pathname, '/console/');
  await page.getByRole('heading', { name: 'Sign in to latchkey' }).waitFor();
  assert.equal(await storedSession(page), null);

  // A wrong password shows the server's {type, message}.
  await page.getByLabel('Email', { exact: true }).fill(server.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Unauthorized' }).waitFor();

  await signIn(page, server);
  const session = JSON.parse((await storedSession(page)) ?? 'null') as { token: string; email: string };
  assert.match(session.token, /^lks_/);
  assert.equal(session.email, server.email);
  await page.getByText(`Signed in as ${server.email}`).waitFor();

  // Applications -> the application's tokens (the bootstrap's user token is not listed: it is a user token).
  await page.getByRole('link', { name: 'Greenhouse' }).click();
  await page.getByRole('heading', { name: 'Tokens of “Greenhouse”' }).waitFor();
  await page.getByText('No tokens yet.').waitFor();

  // A Device token, expiring, with a description.
  const deviceToken = await createToken(page, {
    name: 'sensor fleet',
    description: 'greenhouse sensors',
    permission: 'Device',
    expiresAt: '2030-06-01T12:00',
  });
  const fleetRow = rowOf(page, 'sensor fleet');
  await fleetRow.getByRole('cell', { name: 'Device', exact: true }).waitFor();
  await fleetRow.getByRole('cell', { name: 'Jun 1, 2030, 12:00 PM' }).waitFor();
  await fleetRow.getByRole('cell', { name: 'active' }).waitFor();
  // Device actions only: it authenticates, but may not list tokens.
  assert.equal((await api(server, deviceToken, `/applications/${server.applicationId}/tokens`)).status, 403);

  // A custom token from the scope picker: the one scope that creates tokens.
  const minterToken = await createToken(page, {
    name: 'token minter',
    permission: 'Custom',
    customScopes: { search: 'applicationApiTokens', scopes: ['applicationApiTokens.post'] },
  });
  const minterRow = rowOf(page, 'token minter');
  await minterRow.getByText('1 scope', { exact: true }).click();
  await minterRow.getByText('applicationApiTokens.post', { exact: true }).waitFor();

  // An "All" token: it lists tokens (200).
  const opsToken = await createToken(page, { name: 'ops', permission: 'All' });
  await rowOf(page, 'ops').getByRole('cell', { name: 'All', exact: true }).waitFor();
  const listed = await api(server, opsToken, `/applications/${server.applicationId}/tokens`);
  assert.equal(listed.status, 200);
  assert.equal((listed.body as { totalCount: number }).totalCount, 3);
  // lastUsed is written without blocking the request that authenticated.
  await page.waitForTimeout(200);

  // Edit name and description.
  await page.getByRole('button', { name: 'Edit sensor fleet' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit “sensor fleet”' });
  await edit.getByLabel('Description', { exact: true }).fill('greenhouse sensors, east wing');
  await edit.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: '“sensor fleet” saved.' }).waitFor();
  await rowOf(page, 'sensor fleet').getByText('greenhouse sensors, east wing').waitFor();

  // Deactivate in the console: the next call is refused (401).
  await page.getByRole('button', { name: 'Deactivate ops' }).click();
  await page.getByRole('status').filter({ hasText: '“ops” is now inactive.' }).waitFor();
  await page.getByRole('button', { name: 'Activate ops' }).waitFor();
  await rowOf(page, 'ops').getByRole('cell', { name: 'inactive' }).waitFor();
  const refused = await api(server, opsToken, `/applications/${server.applicationId}/tokens`);
  assert.equal(refused.status, 401);
  assert.equal((refused.body as { type: string }).type, 'Unauthorized');

  // The tokens page, for the README.
  await screenshot(page, 'console.png');

  // Delete, with confirmation: Cancel keeps it, Delete token removes it.
  await page.getByRole('button', { name: 'Delete ops' }).click();
  let confirm = page.getByRole('dialog', { name: 'Delete “ops”?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  await rowOf(page, 'ops').waitFor();
  await page.getByRole('button', { name: 'Delete ops' }).click();
  confirm = page.getByRole('dialog', { name: 'Delete “ops”?' });
  await confirm.getByRole('button', { name: 'Delete token' }).click();
  await page.getByRole('status').filter({ hasText: '“ops” deleted.' }).waitFor();
  await rowOf(page, 'ops').waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('rowheader').count(), 2);
  assert.equal((await api(server, opsToken, `/applications/${server.applicationId}/tokens`)).status, 401);

  // Keyboard: the create dialog opens from the keyboard, starts on its first field, and Escape closes it.
  await page.getByRole('button', { name: 'Create token' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Create a token' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.closest('dialog') !== null), true);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  // Sign out ends the session on the server (the API refuses it from then on) and clears sessionStorage.
  assert.equal((await api(server, session.token, '/me')).status, 200);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to latchkey' }).waitFor();
  assert.equal(await storedSession(page), null);
  const ended = await api(server, session.token, '/me');
  assert.equal(ended.status, 401);
  assert.equal((ended.body as { type: string }).type, 'Unauthorized');
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in to latchkey' }).waitFor();

  // Attenuation: signed in with the token that may only create tokens, asking for
  // "All" is refused, and the console shows the server's own message.
  const expected = await api(server, minterToken, `/applications/${server.applicationId}/tokens`, {
    method: 'POST',
    body: JSON.stringify({ name: 'too strong', scope: ['all.Application'] }),
  });
  assert.equal(expected.status, 403);
  const { message } = expected.body as { type: string; message: string };
  await page.getByLabel('API token', { exact: true }).fill(minterToken);
  await page.getByRole('textbox', { name: /^Application ID/ }).fill(server.applicationId);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByText(/Signed in with token lka_/).waitFor();
  // It may not list tokens: that refusal is shown too.
  await page.getByRole('alert').filter({ hasText: 'Forbidden' }).waitFor();
  await page.getByRole('button', { name: 'Create token' }).click();
  const refusedDialog = page.getByRole('dialog', { name: 'Create a token' });
  await refusedDialog.getByLabel('Name', { exact: true }).fill('too strong');
  await refusedDialog.getByRole('radio', { name: 'All', exact: true }).check();
  await refusedDialog.getByRole('button', { name: 'Create token' }).click();
  const alert = refusedDialog.getByRole('alert');
  await alert.filter({ hasText: message }).waitFor();
  assert.equal((await alert.textContent())?.trim(), `Forbidden: ${message}`);
  await refusedDialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to latchkey' }).waitFor();
  assert.equal(await storedSession(page), null);
  // A pasted API token is only forgotten: signing out never revokes it.
  assert.equal((await api(server, minterToken, `/applications/${server.applicationId}/tokens`)).status, 403);

  assert.deepEqual(foreign, [], 'the console requested another origin');
  assert.deepEqual(problems, []);
});

test('sorting, filtering and paging go through the API; narrow screens fit', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
  for (const name of names) {
    const created = await api(server, server.token, `/applications/${server.applicationId}/tokens`, {
      method: 'POST',
      body: JSON.stringify({ name: `${name} token`, scope: ['all.Application.read'] }),
    });
    assert.equal(created.status, 201);
  }
  const { page, foreign, problems } = await openPage(browser, server, { width: 390, height: 844 });
  await page.goto(`${server.url}/console/`);
  await signIn(page, server);
  await page.getByRole('link', { name: 'Greenhouse' }).click();
  await page.getByText('12 tokens').waitFor();
  await rowOf(page, 'alpha token').getByRole('cell', { name: 'Read only', exact: true }).waitFor();

  // Narrow screen: nothing wider than the viewport.
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);

  const served = () => server.requests.filter((r) => r.startsWith(`GET /applications/${server.applicationId}/tokens?`));
  const rowNames = async () => (await page.getByRole('rowheader').allTextContents()).map((s) => s.trim());

  // Sort by name, ascending then descending.
  const nameHeader = page.getByRole('columnheader', { name: 'Name' });
  await nameHeader.getByRole('button').click();
  await page.locator('th[aria-sort="ascending"]', { hasText: 'Name' }).waitFor();
  await page.waitForFunction(() => document.querySelector('tbody th')?.textContent?.trim() === 'alpha token');
  await nameHeader.getByRole('button').click();
  await page.locator('th[aria-sort="descending"]', { hasText: 'Name' }).waitFor();
  await page.waitForFunction(() => document.querySelector('tbody th')?.textContent?.trim() === 'lima token');
  assert.ok(served().some((r) => r.includes('sortField=name') && r.includes('sortDirection=desc')));

  // Pages of 10.
  await page.getByLabel('Per page').selectOption('10');
  await page.getByText('Page 1 of 2').waitFor();
  assert.equal((await rowNames()).length, 10);
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Page 2 of 2').waitFor();
  assert.deepEqual(await rowNames(), ['bravo token', 'alpha token']);
  assert.ok(served().some((r) => r.includes('page=1') && r.includes('perPage=10')));

  // The filter box sends the glob.
  await page.getByRole('searchbox', { name: /^Filter/ }).fill('*LI*');
  await page.getByText('3 tokens match the filter').waitFor();
  assert.deepEqual((await rowNames()).sort(), ['charlie token', 'juliet token', 'lima token']);
  assert.ok(served().some((r) => r.includes('filterField=name') && r.includes('filter=*LI*')));
  // Never everything at once.
  assert.ok(served().every((r) => /perPage=(10|25)\b/.test(r)));

  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true);
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});

test('GET / answers non-browsers with a 404 in the error shape; the console assets are same-origin', async (t) => {
  const server = await startServer(t);
  const root = await fetch(`${server.url}/`, { headers: { accept: 'application/json' }, redirect: 'manual' });
  assert.equal(root.status, 404);
  assert.deepEqual(Object.keys((await root.json()) as object).sort(), ['message', 'type']);
  const browserRoot = await fetch(`${server.url}/`, { headers: { accept: 'text/html' }, redirect: 'manual' });
  assert.equal(browserRoot.status, 302);
  assert.equal(browserRoot.headers.get('location'), '/console/');

  const index = await fetch(`${server.url}/console/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const html = await index.text();
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(urls.length >= 2);
  for (const url of urls) assert.ok(url.startsWith('/console/') || url.startsWith('data:'), url);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  for (const url of urls.filter((u) => u.startsWith('/console/'))) {
    const asset = await fetch(`${server.url}${url}`);
    assert.equal(asset.status, 200, url);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable', url);
  }
  const missing = await fetch(`${server.url}/console/assets/missing.js`);
  assert.equal(missing.status, 404);
  assert.equal(((await missing.json()) as { type: string }).type, 'NotFound');
  const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
  assert.deepEqual(
    Object.keys(openapi.paths).filter((p) => p === '/' || p.startsWith('/console')),
    [],
  );
});

test('without a built console, /console/ answers 404 with a clear message', async () => {
  const app = Fastify();
  await consoleRoutes(app, fileURLToPath(new URL('./no-such-dist/', import.meta.url)));
  for (const url of ['/console/', '/console', '/console/assets/index.js']) {
    const response = await app.inject({ url });
    assert.equal(response.statusCode, 404, url);
    assert.match(response.json<{ message: string }>().message, /console is not built.*npm run build/, url);
  }
  await app.close();
});
