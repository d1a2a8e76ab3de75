// The application's Usage tab end to end, on usage made for real (POST /verify until
// VALID, RATE_LIMITED, USAGE_EXCEEDED and DISABLED happen; helpers/usage-data.ts): the
// totals per outcome, the stacked chart drawn in each outcome's colour, the range
// picker's queries to the API, the top tokens and their links, at 1280 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usageCodes, type ApplicationUsage, type UsageCounts } from '@latchkey/contract';
import type { Page } from 'playwright-core';
import {
  api,
  expectAccessible,
  expectFitsWidth,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  startServer,
  type Server,
} from './helpers/browser.js';
import { introspectionSecret, makeUsage } from './helpers/usage-data.js';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** The expected totals table: one row per outcome present, in usageCodes order, then the total. */
function totalsRows(totals: UsageCounts, total: number): string[][] {
  const rows = usageCodes.filter((code) => totals[code]).map((code) => [code, String(totals[code])]);
  return [...rows, ['Total', String(total)]];
}

async function shownTotals(page: Page): Promise<string[][]> {
  const table = page.getByRole('table', { name: /^Verifications by outcome/ });
  await table.waitFor();
  const rows = table.locator('tbody tr, tfoot tr');
  const shown: string[][] = [];
  for (const row of await rows.all()) shown.push((await row.locator('th, td').allInnerTexts()).map((text) => text.trim()));
  return shown;
}

/** The usage queries the page sent since `from` (an index into server.requests). */
function usageQueries(server: Server, from: number): URLSearchParams[] {
  const path = `/applications/${server.applicationId}/usage?`;
  return server.requests
    .slice(from)
    .filter((line) => line.startsWith(`GET ${path}`))
    .map((line) => new URLSearchParams(line.slice(`GET ${path}`.length)));
}

/** The newest usage query asks for `resolution` over `spanMs` ending between `before` and `after`. */
function assertQuery(query: URLSearchParams | undefined, resolution: string, spanMs: number, before: number, after: number) {
  assert.ok(query, 'a usage request was sent');
  assert.equal(query.get('resolution'), resolution);
  const start = Date.parse(query.get('start') ?? '');
  const end = Date.parse(query.get('end') ?? '');
  assert.equal(end - start, spanMs, `the range spans ${spanMs} ms`);
  assert.ok(end >= before && end <= after, 'the range ends when it was asked for');
}

/** How many canvas pixels have each code's colour (its CSS custom property). */
async function pixelsPerCode(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    (codes) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.usage-canvas canvas')!;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const probe = document.createElement('span');
      document.body.append(probe);
      const counts: Record<string, number> = {};
      for (const code of codes) {
        probe.style.color = `var(--usage-${code})`;
        const [r, g, b] = getComputedStyle(probe).color.match(/\d+/g)!.map(Number);
        let n = 0;
        for (let i = 0; i < pixels.length; i += 4)
          if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b && pixels[i + 3] === 255) n++;
        counts[code] = n;
      }
      probe.remove();
      return counts;
    },
    usageCodes as readonly string[],
  );
}

async function pickRange(page: Page, label: string, server: Server): Promise<{ before: number; after: number; from: number }> {
  const from = server.requests.length;
  const before = Date.now();
  await page.getByLabel('Range').selectOption({ label });
  await page
    .getByRole('status')
    .filter({ hasText: `Showing ${label.toLowerCase()}` })
    .waitFor();
  return { before, after: Date.now(), from };
}

test('usage tab: totals per outcome, a stacked chart, ranges sent to the API, top tokens linking to their pages', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t, { introspectionSecret });
  const data = await makeUsage(server);
  const present = usageCodes.filter((code) => data.totals[code]);
  assert.deepEqual(present, ['VALID', 'DISABLED', 'RATE_LIMITED', 'USAGE_EXCEEDED']);

  const { page, foreign, problems } = await openPage(browser, server);
  await signIn(page, server);
  let from = server.requests.length;
  let before = Date.now();
  await page.goto(`${server.url}/console/#/applications/${server.applicationId}/usage`);
  await page.getByRole('heading', { name: "Verifications of this application's tokens" }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Showing last 24 hours, per hour' }).waitFor();
  assertQuery(usageQueries(server, from).at(-1), 'hour', dayMs, before, Date.now());
  assert.equal(usageQueries(server, from).length, 1, 'one request serves the chart, the totals and the top tokens');

  // The totals, exactly as made.
  assert.deepEqual(await shownTotals(page), totalsRows(data.totals, data.total));

  // The chart: named with its summary, drawn (a canvas with a size), each present
  // outcome in its colour and no other, and a legend naming those outcomes.
  const chart = page.getByRole('img', { name: /^Verifications per hour over the last 24 hours/ });
  assert.equal(
    await chart.getAttribute('aria-label'),
    `Verifications per hour over the last 24 hours, stacked by outcome: ${data.total} in all, ${present.map((code) => `${code} ${data.totals[code]}`).join(', ')}`,
  );
  const box = await page.locator('.usage-canvas canvas').boundingBox();
  assert.ok(box && box.width > 300 && box.height > 100, `canvas drawn at ${JSON.stringify(box)}`);
  const pixels = await pixelsPerCode(page);
  for (const code of usageCodes) {
    if (present.includes(code)) assert.ok(pixels[code]! > 0, `${code} is drawn`);
    else assert.equal(pixels[code], 0, `${code} is not drawn`);
  }
  assert.deepEqual(await page.getByRole('list', { name: 'Outcomes' }).getByRole('listitem').allInnerTexts(), present);

  // Top tokens, most verified first; a deleted token counts but has no link.
  const top = page.getByRole('table', { name: /^Most verified tokens/ });
  const topRow = (name: string) => top.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const expectedTop = [data.limited, data.metered, data.deleted, data.disabled];
  const names = await top.locator('tbody th').allInnerTexts();
  assert.deepEqual(
    names.map((name) => name.trim()),
    expectedTop.map((token) => (token === data.deleted ? 'deleted token' : token.name)),
  );
  for (const token of [data.limited, data.metered, data.disabled]) {
    const row = topRow(token.name);
    assert.equal(await row.getByRole('cell').first().innerText(), String(token.total));
    const breakdown = await row.getByRole('listitem').allInnerTexts();
    assert.deepEqual(
      breakdown.map((text) => text.trim()),
      usageCodes.filter((code) => token.totals[code]).map((code) => `${code} ${token.totals[code]}`),
    );
    assert.equal(
      await row.getByRole('link', { name: token.name }).getAttribute('href'),
      `#/applications/${server.applicationId}/tokens/${token.id}`,
    );
  }
  assert.equal(await topRow('deleted token').getByRole('link').count(), 0);
  await expectAccessible(page, 'the usage tab');
  await screenshot(page, 'console-usage.png');

  // Each range asks the API for its resolution and span, ending now; the totals stay
  // (every verification was made in the last minutes).
  for (const [label, resolution, span] of [
    ['Last hour, per minute', 'minute', hourMs],
    ['Last 7 days, per hour', 'hour', 7 * dayMs],
    ['Last 30 days, per day', 'day', 30 * dayMs],
  ] as const) {
    const picked = await pickRange(page, label, server);
    assertQuery(usageQueries(server, picked.from).at(-1), resolution, span, picked.before, picked.after);
    assert.deepEqual(await shownTotals(page), totalsRows(data.totals, data.total), `totals for ${label}`);
    await page.getByRole('img', { name: new RegExp(`^Verifications per ${resolution}`) }).waitFor();
  }

  // Pointing at the last bar (today's bucket) reads its counts out: those the API
  // answers for the same query.
  const query = usageQueries(server, 0).at(-1)!;
  const same = await api(server, server.token, `/applications/${server.applicationId}/usage?${query}`);
  const today = Math.floor(Date.parse(query.get('end')!) / dayMs) * dayMs;
  const todays = (same.body as ApplicationUsage).items.find((item) => Date.parse(item.time) === today);
  const overlay = page.locator('.usage-canvas .u-over');
  const plot = (await overlay.boundingBox())!;
  await overlay.hover({ position: { x: plot.width - 2, y: plot.height / 2 } });
  const readout = todays
    ? usageCodes
        .filter((code) => todays.counts[code])
        .map((code) => `${code} ${todays.counts[code]}`)
        .join(', ')
    : 'no verifications';
  await page.getByText(new RegExp(`^\\w{3} \\d{1,2}, \\d{4} UTC: ${readout}$`)).waitFor();

  // In the dark colour scheme the chart is drawn again in the dark colours.
  await page.emulateMedia({ colorScheme: 'dark' });
  // (The redraw follows the media query's change event: look until it has happened.)
  let dark = await pixelsPerCode(page);
  for (let tries = 0; tries < 50 && !present.every((code) => dark[code]! > 0); tries++) {
    await page.waitForTimeout(100);
    dark = await pixelsPerCode(page);
  }
  for (const code of present) assert.ok(dark[code]! > 0, `${code} is drawn in its dark colour`);
  assert.notDeepEqual(dark, pixels);
  await expectAccessible(page, 'the usage tab, dark');
  if (process.env.LATCHKEY_SCREENSHOTS === '1') await page.screenshot({ path: '/tmp/usage-dark.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // The picker works from the keyboard: ArrowUp on the focused select picks the range above.
  from = server.requests.length;
  before = Date.now();
  await page.getByLabel('Range').focus();
  await page.keyboard.press('ArrowUp');
  await page.getByRole('status').filter({ hasText: 'Showing last 7 days, per hour' }).waitFor();
  assertQuery(usageQueries(server, from).at(-1), 'hour', 7 * dayMs, before, Date.now());

  // Refresh asks again, ending later.
  from = server.requests.length;
  before = Date.now();
  await page.getByRole('button', { name: 'Refresh' }).click();
  for (let tries = 0; tries < 50 && usageQueries(server, from).length === 0; tries++) await page.waitForTimeout(100);
  await page.waitForFunction(() => document.querySelector('.usage[aria-busy="true"]') === null);
  assertQuery(usageQueries(server, from).at(-1), 'hour', 7 * dayMs, before, Date.now());

  // A top token's link opens its token page.
  await topRow(data.metered.name).getByRole('link', { name: data.metered.name }).click();
  await page.waitForURL(`**/console/#/applications/${server.applicationId}/tokens/${data.metered.id}`);
  await page.waitForFunction(() => document.title === 'Token · latchkey console');
  // There, the same panel charts that token's own verifications.
  await page.getByRole('img', { name: /^Verifications per hour/ }).waitFor();
  assert.deepEqual(await shownTotals(page), totalsRows(data.metered.totals, data.metered.total));
  await expectAccessible(page, "a token's page with its usage");
  await screenshot(page, 'console-token-usage.png');

  // 390 px: the chart follows the width, nothing overflows.
  const narrow = await openPage(browser, server, { width: 390, height: 844 });
  await signIn(narrow.page, server);
  await narrow.page.goto(`${server.url}/console/#/applications/${server.applicationId}/usage`);
  await narrow.page.getByRole('img', { name: /^Verifications per hour/ }).waitFor();
  assert.deepEqual(await shownTotals(narrow.page), totalsRows(data.totals, data.total));
  const narrowBox = await narrow.page.locator('.usage-canvas canvas').boundingBox();
  assert.ok(narrowBox && narrowBox.width > 200 && narrowBox.x + narrowBox.width <= 390, `canvas at ${JSON.stringify(narrowBox)}`);
  await expectFitsWidth(narrow.page, 'the usage tab at 390 px');
  if (process.env.LATCHKEY_SCREENSHOTS === '1') await narrow.page.screenshot({ path: '/tmp/usage-narrow.png', fullPage: true });
  await expectAccessible(narrow.page, 'the usage tab at 390 px');

  assert.deepEqual([...foreign, ...narrow.foreign], []);
  assert.deepEqual([...problems, ...narrow.problems], []);
});

test('usage tab: an application without verifications says so; an unknown application shows the server’s error', async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const server = await startServer(t);
  const created = await api(server, server.token, '/applications', { method: 'POST', body: JSON.stringify({ name: 'Quiet' }) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const quiet = (created.body as { id: string }).id;
  const { page, foreign, problems } = await openPage(browser, server);
  await signIn(page, server);

  await page.goto(`${server.url}/console/#/applications/${quiet}/usage`);
  await page.getByText('No verifications in this range.').waitFor();
  assert.deepEqual(await shownTotals(page), [['Total', '0']]);
  assert.equal(await page.locator('.usage-canvas').count(), 0, 'no chart without verifications');
  await page
    .getByRole('table', { name: /^Most verified tokens/ })
    .getByText('No token was verified in this range.')
    .waitFor();
  await expectAccessible(page, 'the usage tab without verifications');

  const unknown = 'ffffffffffffffffffffffff';
  assert.equal((await api(server, server.token, `/applications/${unknown}/usage`)).status, 404);
  await page.goto(`${server.url}/console/#/applications/${unknown}/usage`);
  await page.getByRole('alert').filter({ hasText: 'NotFound' }).waitFor();

  assert.deepEqual(foreign, []);
  assert.deepEqual(problems, []);
});
