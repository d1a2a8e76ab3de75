// Organizations in the console, end to end in Chromium against a server in process:
// create one, add members by email (an unknown one: the server's 404) and change
// their roles, the last-admin guard (the server's exact message), remove a member,
// edit the token policy (client and server validation), rename, and delete (refused
// while it owns an application). Every result is checked through the API too.
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
  screenshot,
  signIn,
  startServer,
} from './helpers/browser.js';

interface OrgBody {
  id: string;
  name: string;
  description?: string;
  members: Array<{ userId: string; email?: string; role: string }>;
  tokenPolicy?: Record<string, unknown>;
}

const noBody = { 'content-type': 'text/plain' };

function roles(org: OrgBody): Record<string, string> {
  return Object.fromEntries(org.members.map((member) => [member.email ?? member.userId, member.role]));
}

async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Organization sections' }).getByRole('link', { name }).click();
}

/** Adds a member by the email typed (any case); the notice names them by the email the server keeps. */
async function addMember(page: Page, typed: string, role: string, label: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(typed);
  await page.getByRole('combobox', { name: 'Role', exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Add member' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `${typed.toLowerCase()} is a member now, as ${label}.` })
    .waitFor();
}

test('an organization: members and roles, the last admin, token policy, rename, delete', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const grower = await server.addUser('grower@example.com');
  const picker = await server.addUser('picker@example.com');
  const { page, foreign, problems } = await openPage(browser, server);
  await signIn(page, server);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
  await page.getByText('No organizations yet.').waitFor();
  await expectAccessible(page, 'the organizations list');

  // Create.
  await page.getByRole('button', { name: 'Create organization' }).click();
  const create = page.getByRole('dialog', { name: 'Create an organization' });
  await create.getByLabel('Name', { exact: true }).fill('Growers');
  await create.getByLabel('Description', { exact: true }).fill('the growing team');
  await expectAccessible(page, 'the create organization dialog');
  await create.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('heading', { name: 'Growers', level: 1, exact: true }).waitFor();
  const orgId = /#\/organizations\/([0-9a-f]{24})$/.exec(page.url())?.[1];
  assert.ok(orgId, page.url());
  await page.getByText('Your role: Admin').waitFor();
  await rowOf(page, server.email)
    .getByRole('combobox', { name: `Role of ${server.email}` })
    .waitFor();
  const get = async () => (await api(server, server.token, `/orgs/${orgId}`)).body as OrgBody;
  assert.deepEqual(roles(await get()), { [server.email]: 'admin' });
  assert.equal((await get()).description, 'the growing team');

  // Add two members by email. One no user has: the server's 404, as it says it.
  const emailField = page.getByLabel('Email', { exact: true });
  assert.equal(await emailField.getAttribute('type'), 'email');
  assert.equal(await emailField.getAttribute('required'), '');
  await emailField.fill('nobody@example.com');
  await page.getByRole('button', { name: 'Add member' }).click();
  const unknown = page.getByRole('alert').filter({ hasText: 'No user has the email nobody@example.com' });
  await unknown.waitFor();
  assert.equal(
    (await unknown.textContent())?.trim(),
    'NotFound: No user has the email nobody@example.com: they must have an account first',
  );
  assert.deepEqual(roles(await get()), { [server.email]: 'admin' });
  await addMember(page, 'grower@example.com', 'view', 'View');
  await rowOf(page, 'grower@example.com').waitFor();
  // Typed in another case, matched as sign-in matches it.
  await addMember(page, 'Picker@Example.com', 'collaborate', 'Collaborate');
  await rowOf(page, 'picker@example.com').waitFor();
  assert.equal(await page.getByRole('alert').count(), 0);
  assert.equal(await emailField.inputValue(), '');
  const added = await get();
  assert.deepEqual(roles(added), { [server.email]: 'admin', 'grower@example.com': 'view', 'picker@example.com': 'collaborate' });
  assert.deepEqual(Object.fromEntries(added.members.map((member) => [member.email, member.userId])), {
    [server.email]: server.userId,
    'grower@example.com': grower.userId,
    'picker@example.com': picker.userId,
  });
  await page.getByText('3 members.').waitFor();
  await expectAccessible(page, 'the members tab');
  await screenshot(page, 'console-organization.png');

  // Change a role.
  await page.getByRole('combobox', { name: 'Role of grower@example.com' }).selectOption('edit');
  await page.getByRole('button', { name: 'Save role of grower@example.com' }).click();
  await page.getByRole('status').filter({ hasText: 'grower@example.com is now Edit.' }).waitFor();
  assert.equal(roles(await get())['grower@example.com'], 'edit');

  // The last admin can be neither demoted nor removed: the server's exact message.
  const demote = await api(server, server.token, `/orgs/${orgId}/member`, {
    method: 'PATCH',
    body: JSON.stringify({ userId: server.userId, role: 'edit' }),
  });
  assert.equal(demote.status, 400);
  const lastAdmin = demote.body as { type: string; message: string };
  await page.getByRole('combobox', { name: `Role of ${server.email}` }).selectOption('edit');
  await page.getByRole('button', { name: `Save role of ${server.email}` }).click();
  const demoteAlert = page.getByRole('alert').filter({ hasText: lastAdmin.message });
  await demoteAlert.waitFor();
  assert.equal((await demoteAlert.textContent())?.trim(), `${lastAdmin.type}: ${lastAdmin.message}`);
  await page.getByRole('button', { name: `Remove ${server.email}` }).click();
  const removeSelf = page.getByRole('dialog', { name: `Remove ${server.email}?` });
  await removeSelf.getByRole('button', { name: 'Remove member' }).click();
  const removeAlert = removeSelf.getByRole('alert');
  await removeAlert.filter({ hasText: lastAdmin.message }).waitFor();
  assert.equal((await removeAlert.textContent())?.trim(), `${lastAdmin.type}: ${lastAdmin.message}`);
  await expectAccessible(page, 'the remove member dialog showing the refusal');
  await removeSelf.getByRole('button', { name: 'Cancel' }).click();
  await removeSelf.waitFor({ state: 'detached' });
  assert.equal(roles(await get())[server.email], 'admin');

  // Remove a member.
  await page.getByRole('button', { name: 'Remove picker@example.com' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove picker@example.com?' });
  await expectAccessible(page, 'the remove member dialog');
  await remove.getByRole('button', { name: 'Remove member' }).click();
  await page.getByRole('status').filter({ hasText: 'picker@example.com is no longer a member.' }).waitFor();
  await rowOf(page, 'picker@example.com').waitFor({ state: 'detached' });
  assert.deepEqual(roles(await get()), { [server.email]: 'admin', 'grower@example.com': 'edit' });

  // Token policy: what the form can say, then what only the server can, then a good one.
  await tab(page, 'Token policy');
  await page.getByRole('heading', { name: 'Token policy' }).waitFor();
  await expectAccessible(page, 'the token policy tab');
  const lifetime = page.getByLabel(/^Longest lifetime/);
  const cidrs = page.getByLabel(/^Default allowed CIDRs/);
  const save = page.getByRole('button', { name: 'Save policy' });
  await lifetime.fill('thirty');
  await cidrs.fill('10.0.0.0/8\nthe office');
  await save.click();
  const invalid = page.getByRole('alert');
  await invalid.filter({ hasText: 'Max lifetime: enter a whole number of days from 1 to 36500' }).waitFor();
  assert.match((await invalid.textContent()) ?? '', /line 2: “the office” is not an address or range; give one per line/);
  const badRange = ['10.0.0.0/8', '10.0.0.300/24'];
  const serverRefusal = await api(server, server.token, `/orgs/${orgId}`, {
    method: 'PATCH',
    body: JSON.stringify({ tokenPolicy: { maxLifetime: 30 * 86_400, defaultAllowedCidrs: badRange } }),
  });
  assert.equal(serverRefusal.status, 400);
  const notACidr = serverRefusal.body as { type: string; message: string };
  await lifetime.fill('30');
  await cidrs.fill(badRange.join('\n'));
  await save.click();
  await invalid.filter({ hasText: notACidr.message }).waitFor();
  assert.equal((await invalid.textContent())?.trim(), `${notACidr.type}: ${notACidr.message}`);
  await cidrs.fill('10.0.0.0/8\n 2001:db8::/32 \n');
  await page.getByRole('checkbox', { name: 'Require an expiration date on new tokens' }).check();
  await page.getByRole('radio', { name: 'Revoke' }).check();
  await save.click();
  await page.getByRole('status').filter({ hasText: 'The token policy is saved.' }).waitFor();
  assert.deepEqual((await get()).tokenPolicy, {
    maxLifetime: 30 * 86_400,
    requireExpiration: true,
    defaultAllowedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
    leakPolicy: 'revoke',
  });
  // Shown as saved after a reload.
  await page.reload();
  await page.getByRole('heading', { name: 'Token policy' }).waitFor();
  assert.equal(await page.getByLabel(/^Longest lifetime/).inputValue(), '30');
  assert.equal(await page.getByRole('combobox', { name: 'Unit' }).inputValue(), 'days');
  assert.equal(await page.getByLabel(/^Default allowed CIDRs/).inputValue(), '10.0.0.0/8\n2001:db8::/32');
  assert.equal(await page.getByRole('radio', { name: 'Revoke' }).isChecked(), true);

  // The audit tab shows the organization's own trail: its creation, the members added and the policy saved above.
  await tab(page, 'Audit log');
  await page
    .getByRole('navigation', { name: 'Organization sections' })
    .locator('a[aria-current="page"]', { hasText: 'Audit log' })
    .waitFor();
  for (const action of ['org.create', 'org.modifyMember', 'org.removeMember', 'org.update']) await rowOf(page, action).first().waitFor();
  await expectAccessible(page, 'the audit tab');

  // Rename.
  await tab(page, 'Settings');
  const name = page.getByLabel('Name', { exact: true });
  await name.waitFor();
  await expectAccessible(page, 'the organization settings');
  await name.fill('Growers Cooperative');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'The organization is saved.' }).waitFor();
  await page.getByRole('heading', { name: 'Growers Cooperative', level: 1, exact: true }).waitFor();
  assert.equal((await get()).name, 'Growers Cooperative');

  // Delete: refused while it owns an application (the server's message), then done.
  const owned = await api(server, server.token, '/applications', { method: 'POST', body: JSON.stringify({ name: 'Co-op app', orgId }) });
  assert.equal(owned.status, 201);
  const applicationId = (owned.body as { id: string }).id;
  const refusedDelete = await api(server, server.token, `/orgs/${orgId}`, { method: 'DELETE', headers: noBody });
  assert.equal(refusedDelete.status, 400, JSON.stringify(refusedDelete.body));
  const ownsApplications = refusedDelete.body as { type: string; message: string };
  await page.getByRole('button', { name: 'Delete organization' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete “Growers Cooperative”?' });
  await expectAccessible(page, 'the delete organization dialog');
  const typed = confirm.getByLabel('Type Growers Cooperative to confirm');
  const deleteButton = confirm.getByRole('button', { name: 'Delete organization' });
  await typed.fill('Growers');
  assert.equal(await deleteButton.isDisabled(), true);
  await typed.fill('Growers Cooperative');
  await deleteButton.click();
  const refusal = confirm.getByRole('alert');
  await refusal.filter({ hasText: ownsApplications.message }).waitFor();
  assert.equal((await refusal.textContent())?.trim(), `${ownsApplications.type}: ${ownsApplications.message}`);
  assert.equal((await api(server, server.token, `/orgs/${orgId}`)).status, 200);
  assert.equal((await api(server, server.token, `/applications/${applicationId}`, { method: 'DELETE', headers: noBody })).status, 200);
  await deleteButton.click();
  await page.getByRole('heading', { name: 'Organizations', exact: true }).waitFor();
  assert.equal(new URL(page.url()).hash, '#/organizations');
  await page.getByText('No organizations yet.').waitFor();
  assert.equal((await api(server, server.token, `/orgs/${orgId}`)).status, 404);

  assert.deepEqual(foreign, [], 'the console requested another origin');
  assert.deepEqual(problems, []);
});

test('organizations at 390 px: the list with roles and member counts, members, policy, settings', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const created = await api(server, server.token, '/orgs', { method: 'POST', body: JSON.stringify({ name: 'Field crew' }) });
  const orgId = (created.body as { id: string }).id;
  const worker = await server.addUser('a.rather.long.address.for.a.field.worker@example.com');
  await api(server, server.token, `/orgs/${orgId}/member`, {
    method: 'PATCH',
    body: JSON.stringify({ userId: worker.userId, role: 'view' }),
  });
  // The list shows the signed-in user's role and the member count.
  const { page, foreign, problems } = await openPage(browser, server, { width: 390, height: 844 });
  await signIn(page, server);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
  const row = rowOf(page, 'Field crew');
  await row.getByRole('cell', { name: 'Admin', exact: true }).waitFor();
  await row.getByRole('cell', { name: '2', exact: true }).waitFor();
  await expectFitsWidth(page, 'the organizations list');
  await expectAccessible(page, 'the organizations list at 390 px');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByRole('dialog', { name: 'Create an organization' }).waitFor();
  await expectFitsWidth(page, 'the create organization dialog');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await row.getByRole('link').click();
  await rowOf(page, 'a.rather.long.address').waitFor();
  await expectFitsWidth(page, 'the members tab');
  await expectAccessible(page, 'the members tab at 390 px');
  await tab(page, 'Token policy');
  await page.getByRole('button', { name: 'Save policy' }).waitFor();
  await expectFitsWidth(page, 'the token policy tab');
  await tab(page, 'Settings');
  await page.getByRole('button', { name: 'Delete organization' }).click();
  await page.getByRole('dialog', { name: 'Delete “Field crew”?' }).waitFor();
  await expectFitsWidth(page, 'the delete organization dialog');
  await expectAccessible(page, 'the delete organization dialog at 390 px');
  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
