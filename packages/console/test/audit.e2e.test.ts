// The audit log end to end: real changes made through the API (tokens created,
// renamed, deleted; an organization given a member), then the application's audit
// tab and the "Audit log" page (the signed-in user's own trail) in Chromium, with the
// filters (actor, action, time range) and paging applied by the API, as the server's
// request log shows, and an entry opened to every field. The organization's trail is
// checked through the API here (its page belongs to OrganizationPage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@latchkey/client';
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

/** The query of the newest audit-log request the server served on this path. */
function lastAuditQuery(server: Server, path: string): URLSearchParams {
  const request = server.requests.filter((line) => line.startsWith(`GET ${path}?`) || line === `GET ${path}`).at(-1);
  assert.ok(request, `no request to ${path}`);
  return new URL(request.slice(4), 'http://x').searchParams;
}

/** The table's entry rows (the opened details rows have no row header). */
const entryRows = (page: Page) =>
  page
    .getByRole('table')
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader') });

async function shown(page: Page, count: RegExp): Promise<void> {
  await page.getByRole('status').filter({ hasText: count }).waitFor();
}

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);

test("audit log: an application's tab and my own trail, filtered, paged and opened", async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const { applicationId, token } = server;
  const json = async (path: string, init?: RequestInit) => {
    const answer = await api(server, token, path, init);
    assert.ok(answer.status < 300, `${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Record<string, unknown> & { id: string };
  };
  const before = Date.now();

  // Changes through the API, by the bootstrap token.
  const bootstrapTokenId = ((await json('/me/tokens')).items as Array<{ id: string }>)[0]!.id;
  const sensor = await json(`/applications/${applicationId}/tokens`, { method: 'POST', body: JSON.stringify({ name: 'sensor' }) });
  await json(`/applications/${applicationId}/tokens/${sensor.id}`, { method: 'PATCH', body: JSON.stringify({ name: 'sensor 2' }) });
  await createClient({ url: server.url, accessToken: token }).applicationApiToken.delete({ applicationId, apiTokenId: sensor.id });
  for (let i = 0; i < 11; i++)
    await json(`/applications/${applicationId}/tokens`, { method: 'POST', body: JSON.stringify({ name: `device ${i}` }) });
  const script = await json('/me/tokens', { method: 'POST', body: JSON.stringify({ name: 'script', scope: ['all.User.read'] }) });
  await json(`/me/tokens/${script.id}`, { method: 'PATCH', body: JSON.stringify({ status: 'inactive' }) });
  const org = await json('/orgs', { method: 'POST', body: JSON.stringify({ name: 'Growers' }) });
  const member = await server.addUser('member@example.com');
  await json(`/orgs/${org.id}/member`, { method: 'PATCH', body: JSON.stringify({ userId: member.userId, role: 'view' }) });

  // The organization's trail, through the API: its creation and its new member, readable by the member.
  const orgTrail = await api(server, member.token, `/orgs/${org.id}/audit-logs`);
  assert.equal(orgTrail.status, 200);
  assert.deepEqual(
    (orgTrail.body as { items: Array<{ action: string }> }).items.map((e) => e.action),
    ['org.modifyMember', 'org.create'],
  );

  const { page, foreign, problems } = await openPage(browser, server);
  await signIn(page, server);

  // The application's audit tab: 14 token entries and the application's creation.
  const appPath = `/applications/${applicationId}/audit-logs`;
  await page.goto(`${server.url}/console/#/applications/${applicationId}/audit`);
  await shown(page, /^15 entries$/);
  assert.equal(await entryRows(page).count(), 15);
  await rowOf(page, 'applicationApiToken.delete').waitFor();
  await expectAccessible(page, 'the application audit tab');

  // An entry opens to every field.
  const deleted = rowOf(page, 'applicationApiToken.delete');
  const details = deleted.getByRole('button', { name: /details of applicationApiToken\.delete/ });
  assert.equal(await details.getAttribute('aria-expanded'), 'false');
  await details.click();
  assert.equal(await details.getAttribute('aria-expanded'), 'true');
  const fields = page.locator(`#${await details.getAttribute('aria-controls')}`);
  for (const [name, value] of [
    ['Target id', sensor.id],
    ['Actor id', bootstrapTokenId],
    ['Source address', '127.0.0.1'],
    ['Outcome', 'success'],
    ['Application', applicationId],
  ]) {
    await fields.getByRole('term').filter({ hasText: name }).waitFor();
    assert.equal(
      await fields
        .locator('div')
        .filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${name}$`) }) })
        .locator('dd')
        .textContent(),
      value,
    );
  }
  await expectAccessible(page, 'the application audit tab with an entry opened');
  await details.click();
  assert.equal(await details.getAttribute('aria-expanded'), 'false');
  assert.equal(await fields.count(), 0);

  // Paging: 10 a page, the second page from the API.
  await page.getByLabel('Per page').selectOption('10');
  await page.getByText('Page 1 of 2').waitFor();
  assert.equal(await entryRows(page).count(), 10);
  await page.getByRole('navigation', { name: 'Audit log pages' }).getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Page 2 of 2').waitFor();
  assert.equal(await entryRows(page).count(), 5);
  let query = lastAuditQuery(server, appPath);
  assert.equal(query.get('page'), '1');
  assert.equal(query.get('perPage'), '10');
  // The oldest entry, last on the last page: the bootstrap's application.create by the operator.
  await rowOf(page, 'application.create').getByText('Operator').waitFor();
  await expectAccessible(page, 'the second page of the application audit tab');

  // Action glob: back to the first page, from the API.
  const filters = page.getByRole('search', { name: 'Filter the audit log' });
  await filters.getByLabel(/^Action/).fill('applicationApiToken.up*');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await shown(page, /^1 entry match the filters$/);
  await rowOf(page, 'applicationApiToken.update').waitFor();
  query = lastAuditQuery(server, appPath);
  assert.deepEqual([query.get('filterField'), query.get('filter'), query.get('page')], ['action', 'applicationApiToken.up*', '0']);

  // Actor: the bootstrap token made every token entry; the operator only the application.
  await filters.getByLabel(/^Action/).fill('');
  await filters.getByLabel('Actor type').selectOption('apiToken');
  await filters.getByLabel('Actor id').fill(bootstrapTokenId);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await shown(page, /^14 entries match the filters$/);
  query = lastAuditQuery(server, appPath);
  assert.deepEqual([query.get('actorType'), query.get('actorId'), query.get('filter')], ['apiToken', bootstrapTokenId, null]);
  await filters.getByLabel('Actor type').selectOption('operator');
  await filters.getByLabel('Actor id').fill('');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await shown(page, /^1 entry match the filters$/);
  await rowOf(page, 'application.create').waitFor();

  // Time range: a range in the future holds nothing (the empty state); one around the changes holds them all.
  // The browser runs in UTC, so a datetime-local value is the instant's UTC minute.
  const future = minute(Date.now() + 3_600_000);
  await filters.getByLabel('Actor type').selectOption('');
  await filters.getByLabel('From', { exact: true }).fill(future);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByText('No entries match these filters').waitFor();
  assert.equal(lastAuditQuery(server, appPath).get('start'), `${future}:00.000Z`);
  await expectAccessible(page, 'the application audit tab with no entry matching');
  const [from, to] = [minute(before - 60_000), minute(Date.now() + 60_000)];
  await filters.getByLabel('From', { exact: true }).fill(from);
  await filters.getByLabel('To', { exact: true }).fill(to);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await shown(page, /^15 entries match the filters$/);
  query = lastAuditQuery(server, appPath);
  assert.equal(query.get('start'), `${from}:00.000Z`);
  // The "to" minute is included whole.
  assert.equal(query.get('end'), `${to}:59.999Z`);

  // A start after the end: the server's 400, shown as it says it.
  await filters.getByLabel('From', { exact: true }).fill(minute(Date.now() + 120_000));
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: /Validation.*no later than the end/ })
    .waitFor();
  assert.equal(await page.getByRole('table').count(), 0);
  await expectAccessible(page, 'the application audit tab showing a refused range');
  await filters.getByRole('button', { name: 'Clear filters' }).click();
  await shown(page, /^15 entries$/);
  assert.equal(await page.getByRole('alert').count(), 0);

  // My own trail ("Audit log" in the navigation): my sign-in, my tokens' entries; not the member's doings.
  const mePath = '/me/audit-logs';
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log', exact: true }).click();
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  await rowOf(page, 'auth.login').waitFor();
  await rowOf(page, 'userApiToken.update').waitFor();
  await expectAccessible(page, 'my audit log');
  await page.getByRole('search', { name: 'Filter the audit log' }).getByLabel('Actor type').selectOption('user');
  await page.getByRole('search', { name: 'Filter the audit log' }).getByRole('button', { name: 'Apply filters' }).click();
  await shown(page, /^1 entry match the filters$/);
  await rowOf(page, 'auth.login').getByText(`User (signed in) ${server.userId}`).waitFor();
  assert.equal(lastAuditQuery(server, mePath).get('actorType'), 'user');
  await rowOf(page, 'auth.login')
    .getByRole('button', { name: /details/ })
    .click();
  await page.getByRole('term').filter({ hasText: 'Target type' }).waitFor();
  await expectAccessible(page, 'my audit log with an entry opened');

  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});

test('audit log at 390 px: the member sees being added to the organization in their own trail', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const org = (await api(server, server.token, '/orgs', { method: 'POST', body: JSON.stringify({ name: 'Growers' }) })).body as {
    id: string;
  };
  const member = await server.addUser('member@example.com');
  const added = await api(server, server.token, `/orgs/${org.id}/member`, {
    method: 'PATCH',
    body: JSON.stringify({ userId: member.userId, role: 'view' }),
  });
  assert.equal(added.status, 200);

  const { page, foreign, problems } = await openPage(browser, server, { width: 390, height: 844 });
  await signIn(page, server, { email: 'member@example.com', password: 'another password' });
  await page.goto(`${server.url}/console/#/audit`);
  await rowOf(page, 'org.modifyMember').waitFor();
  await rowOf(page, 'userApiToken.create').waitFor();
  await rowOf(page, 'auth.login').waitFor();
  await shown(page, /^3 entries$/);
  await expectFitsWidth(page, 'my audit log at 390 px');
  await expectAccessible(page, 'my audit log at 390 px');
  await rowOf(page, 'org.modifyMember')
    .getByRole('button', { name: /details/ })
    .click();
  const fields = page.locator('.audit-fields');
  await fields.getByText(org.id).waitFor();
  await fields.getByText(member.userId).waitFor();
  await expectFitsWidth(page, 'my audit log at 390 px with an entry opened');
  await expectAccessible(page, 'my audit log at 390 px with an entry opened');
  // The signed-in member, a view-role member, reads the organization's trail too.
  assert.equal((await api(server, member.token, `/orgs/${org.id}/audit-logs`)).status, 200);

  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
