// The token page of an application token, end to end in Chromium: opened from its
// row, every field of the API Token shown; limits and credits edited (a validation
// error first, then saved); meta refused client-side when it is not a JSON object
// (the server never sees that PATCH), then saved; rotation with a grace period (the
// new and the old secret both authenticate, and the page tells when the old one was
// last used); deactivate; delete (the API answers 404 afterwards).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, expectAccessible, launchBrowser, openPage, rowOf, signIn, startServer, type Server } from './helpers/browser.js';

/** The page's field list (dt → dd text), as a reader meets it. */
async function fields(page: Page): Promise<Record<string, string>> {
  const terms = await page.getByRole('term').allTextContents();
  const definitions = await page.getByRole('definition').allTextContents();
  assert.equal(terms.length, definitions.length);
  return Object.fromEntries(terms.map((term, i) => [term.trim(), definitions[i]!.replace(/\s+/g, ' ').trim()]));
}

const patches = (server: Server, tokenId: string) =>
  server.requests.filter((r) => r.startsWith('PATCH ') && r.includes(`/tokens/${tokenId}`));

test('token page: every field, limits and credits, meta, rotation with a grace period, deactivate, delete', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const tokensPath = `/applications/${server.applicationId}/tokens`;
  const created = await api(server, server.token, tokensPath, {
    method: 'POST',
    body: JSON.stringify({
      name: 'gateway',
      description: 'edge gateway',
      scope: ['all.Application'],
      expirationDate: '2031-01-01T00:00:00.000Z',
      ratelimits: [{ name: 'burst', limit: 1000, duration: 60_000 }],
      credits: { remaining: 500, refill: { amount: 500, interval: 'monthly', refillDay: 15 } },
      meta: { team: 'ops' },
      allowedCidrs: ['127.0.0.0/8'],
    }),
  });
  assert.equal(created.status, 201);
  const { id, token: firstSecret } = created.body as { id: string; token: string };
  const tokenPath = `${tokensPath}/${id}`;

  const { page, foreign, problems } = await openPage(browser, server);
  await signIn(page, server);
  await page.getByRole('link', { name: 'Greenhouse' }).click();
  await page.getByRole('heading', { name: 'Tokens of “Greenhouse”' }).waitFor();
  await rowOf(page, 'gateway').getByRole('link', { name: 'gateway' }).click();
  await page.getByRole('heading', { name: 'Token “gateway”', level: 1 }).waitFor();
  assert.match(page.url(), new RegExp(`#/applications/${server.applicationId}/tokens/${id}$`));
  await page.getByRole('link', { name: 'Tokens of “Greenhouse”' }).waitFor();
  await expectAccessible(page, 'the token page');

  // Every field of the API Token object.
  const shown = await fields(page);
  assert.equal(shown['ID'], id);
  assert.equal(shown['Name'], 'gateway');
  assert.equal(shown['Description'], 'edge gateway');
  assert.equal(shown['Status'], 'active');
  assert.equal(shown['Scope'], 'All:all.Application');
  assert.equal(shown['Owner'], `Application ${server.applicationId}`);
  assert.match(shown['Creator']!, /\S/);
  assert.match(shown['Created']!, /\d{4}/);
  assert.match(shown['Last updated']!, /\d{4}/);
  assert.equal(shown['Expires'], 'Jan 1, 2031, 12:00 AM');
  assert.equal(shown['Last used'], 'Never');
  assert.equal(shown['Allowed networks'], '127.0.0.0/8');
  assert.equal(shown['Last rotated'], 'Never');
  assert.equal(shown['Rate limits'], 'burst: 1000 per minute (applied to every verification)');
  assert.equal(shown['Credits'], '500 remaining; refill of 500 monthly on day 15');
  assert.deepEqual(JSON.parse(await page.getByLabel(/^Meta \(JSON object\)/).inputValue()), { team: 'ops' });
  await page.getByRole('heading', { name: 'Usage', level: 2 }).waitFor();
  await page.getByText('Only the current secret authenticates.').waitFor();

  // Limits and credits: a name the API would refuse is caught here, and says what to fix.
  await page.getByRole('button', { name: 'Edit limits and credits' }).click();
  const first = page.getByRole('group', { name: 'Rate limit 1' });
  await first.getByLabel(/^Name/).fill('Burst Limit');
  await page.getByRole('button', { name: 'Add a rate limit' }).click();
  const second = page.getByRole('group', { name: 'Rate limit 2' });
  await second.getByLabel(/^Name/).fill('daily');
  await second.getByLabel('Limit', { exact: true }).fill('10000');
  await second.getByLabel('Per (seconds)').fill('86400');
  await second.getByLabel('Apply to every verification').uncheck();
  await page.getByLabel('Remaining credits').fill('200');
  await page.getByRole('combobox', { name: /^Refill/ }).selectOption('daily');
  await page.getByLabel('Refill amount').fill('100');
  const before = patches(server, id).length;
  await page.getByRole('button', { name: 'Save limits and credits' }).click();
  await page.getByRole('alert').filter({ hasText: 'Rate limit 1: the name must be 1 to 32 lowercase letters' }).waitFor();
  await expectAccessible(page, 'the limits form with a validation error');
  assert.equal(patches(server, id).length, before, 'an invalid form is never sent');
  await first.getByLabel(/^Name/).fill('burst');
  await first.getByLabel('Limit', { exact: true }).fill('50');
  await page.getByRole('button', { name: 'Save limits and credits' }).click();
  await page.getByRole('status').filter({ hasText: 'Limits and credits saved.' }).waitFor();
  const limits = await fields(page);
  assert.equal(
    limits['Rate limits'],
    'burst: 50 per minute (applied to every verification)daily: 10000 per day (only when a verification names it)',
  );
  assert.equal(limits['Credits'], '200 remaining; refill of 100 daily');
  const afterLimits = (await api(server, server.token, tokenPath)).body as { ratelimits: unknown; credits: unknown };
  assert.deepEqual(afterLimits.ratelimits, [
    { name: 'burst', limit: 50, duration: 60_000, autoApply: true },
    { name: 'daily', limit: 10_000, duration: 86_400_000, autoApply: false },
  ]);
  assert.deepEqual(afterLimits.credits, { remaining: 200, refill: { amount: 100, interval: 'daily' } });

  // Meta: not JSON, then not an object: refused before sending, saying where it fails.
  const meta = page.getByLabel(/^Meta \(JSON object\)/);
  const beforeMeta = patches(server, id).length;
  await meta.fill('{"team": "platform",}');
  await page.getByRole('button', { name: 'Save meta' }).click();
  const metaAlert = page.getByRole('alert').filter({ hasText: 'Meta is not valid JSON' });
  await metaAlert.waitFor();
  assert.match((await metaAlert.textContent()) ?? '', /position \d+/);
  await expectAccessible(page, 'the meta editor with invalid JSON');
  await meta.fill('["platform"]');
  await page.getByRole('button', { name: 'Save meta' }).click();
  await page.getByRole('alert').filter({ hasText: 'Meta must be a JSON object' }).waitFor();
  assert.equal(patches(server, id).length, beforeMeta, 'refused meta is never sent');
  await meta.fill('{"team": "platform", "tier": 2}');
  await page.getByRole('button', { name: 'Save meta' }).click();
  await page.getByRole('status').filter({ hasText: 'Meta saved.' }).waitFor();
  assert.equal(patches(server, id).length, beforeMeta + 1);
  assert.deepEqual(((await api(server, server.token, tokenPath)).body as { meta: unknown }).meta, { team: 'platform', tier: 2 });

  // Rotation with a grace period of one hour: the new secret is shown once.
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate “gateway”' });
  await rotate.getByLabel('Grace period').selectOption({ label: '1 hour' });
  await expectAccessible(page, 'the rotate dialog');
  await rotate.getByRole('button', { name: 'Rotate secret' }).click();
  const rotated = page.getByRole('dialog', { name: 'Token rotated' });
  await rotated.getByText('it will not be shown again').waitFor();
  const newSecret = await rotated.getByLabel('New secret of “gateway”').inputValue();
  assert.match(newSecret, /^lka_/);
  assert.notEqual(newSecret, firstSecret);
  await expectAccessible(page, 'the rotated secret');
  await rotated.getByRole('button', { name: 'Copy token' }).click();
  await rotated
    .getByRole('status')
    .filter({ hasText: /Copied|copy it by hand/ })
    .waitFor();
  await rotated.getByRole('button', { name: 'Done' }).click();
  await rotated.waitFor({ state: 'detached' });
  await page.getByText('The old secret has not been used since the rotation.').waitFor();
  await page.getByText(/The old secret still authenticates until/).waitFor();
  const { previousSecretExpiresAt } = (await api(server, server.token, tokenPath)).body as { previousSecretExpiresAt: string };
  const graceSeconds = (Date.parse(previousSecretExpiresAt) - Date.now()) / 1000;
  assert.ok(graceSeconds > 3_500 && graceSeconds <= 3_600, `grace period of ${graceSeconds} s`);

  // Both secrets authenticate during the grace period.
  assert.equal((await api(server, newSecret, tokensPath)).status, 200);
  assert.equal((await api(server, firstSecret, tokensPath)).status, 200);
  // The old secret's last use is written without blocking the request: wait for it, then reload.
  let lastUsed: string | undefined;
  for (let i = 0; i < 50 && !lastUsed; i++) {
    lastUsed = ((await api(server, server.token, tokenPath)).body as { previousSecretLastUsed?: string }).previousSecretLastUsed;
    if (!lastUsed) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(lastUsed, 'previousSecretLastUsed is recorded');
  await page.reload();
  await page.getByText(/Old secret last used \w{3} \d+, \d{4}/).waitFor();
  assert.notEqual((await fields(page))['Last rotated'], 'Never');

  // Deactivate: both secrets are refused from then on.
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await page.getByRole('status').filter({ hasText: '“gateway” is now inactive.' }).waitFor();
  assert.equal((await fields(page))['Status'], 'inactive');
  assert.equal((await api(server, newSecret, tokensPath)).status, 401);
  assert.equal((await api(server, firstSecret, tokensPath)).status, 401);

  // Delete, confirmed: back to the list, and the API no longer knows the token.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete “gateway”?' });
  await expectAccessible(page, 'the delete confirmation');
  await confirm.getByRole('button', { name: 'Delete token' }).click();
  await page.getByRole('heading', { name: 'Tokens of “Greenhouse”' }).waitFor();
  await page.getByText('No tokens yet.').waitFor();
  assert.equal((await api(server, server.token, tokenPath)).status, 404);

  assert.deepEqual(foreign, [], 'the console requested another origin');
  assert.deepEqual(problems, []);
});

test("token page: a limits change beyond the caller's own is refused with the server's message", async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const tokensPath = `/applications/${server.applicationId}/tokens`;
  const burst = { name: 'burst', limit: 100, duration: 60_000 };
  const limited = await api(server, server.token, tokensPath, {
    method: 'POST',
    body: JSON.stringify({ name: 'limited', scope: ['all.Application'], ratelimits: [burst] }),
  });
  assert.equal(limited.status, 201);
  const limitedSecret = (limited.body as { token: string }).token;
  // A token the limited one made: it must carry the same limit.
  const child = await api(server, limitedSecret, tokensPath, {
    method: 'POST',
    body: JSON.stringify({ name: 'child', scope: ['all.Application.read'], ratelimits: [burst] }),
  });
  assert.equal(child.status, 201);
  const childId = (child.body as { id: string }).id;
  // What the server answers to dropping that limit, asked directly.
  const expected = await api(server, limitedSecret, `${tokensPath}/${childId}`, {
    method: 'PATCH',
    body: JSON.stringify({ ratelimits: [] }),
  });
  assert.equal(expected.status, 403);
  const { message } = expected.body as { message: string };

  const { page, foreign, problems } = await openPage(browser, server);
  await page.goto(`${server.url}/console/`);
  await page.getByLabel('API token', { exact: true }).fill(limitedSecret);
  await page.getByRole('textbox', { name: /^Application ID/ }).fill(server.applicationId);
  await page.getByRole('button', { name: 'Use token' }).click();
  await rowOf(page, 'child').getByRole('link', { name: 'child' }).click();
  await page.getByRole('heading', { name: 'Token “child”', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Edit limits and credits' }).click();
  await page.getByRole('button', { name: 'Remove rate limit 1' }).click();
  await page.getByRole('button', { name: 'Save limits and credits' }).click();
  const alert = page.getByRole('alert').filter({ hasText: message });
  await alert.waitFor();
  assert.equal((await alert.textContent())?.trim(), `Forbidden: ${message}`);
  await expectAccessible(page, 'the limits form with the server refusal');
  const stored = (await api(server, server.token, `${tokensPath}/${childId}`)).body as { ratelimits: unknown };
  assert.deepEqual(stored.ratelimits, [{ ...burst, autoApply: true }]);

  assert.deepEqual(foreign, [], 'the console requested another origin');
  assert.deepEqual(problems, []);
});
