// What every end-to-end test of the console shares: Debian's Chromium driven by
// playwright-core (never a downloaded browser), a page that refuses other origins and
// records page errors and CSP violations, sign-in, a bearer `api` call, and axe-core.
// Without /usr/bin/chromium the browser tests report themselves skipped.
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer as startLiveServer, type LiveServer } from '../../../client/test/live-server.js';

export type Server = LiveServer;

const chromiumPath = '/usr/bin/chromium';
const consoleIndex = fileURLToPath(new URL('../../dist/index.html', import.meta.url));

export const startServer = (t: TestContext, options?: Parameters<typeof startLiveServer>[2]) =>
  startLiveServer(t, { email: 'console@example.com', password: 'console password', applicationName: 'Greenhouse' }, options);

/** Chromium, or null after marking the test skipped when it is not installed. */
export async function launchBrowser(t: TestContext): Promise<Browser | null> {
  if (!existsSync(chromiumPath)) {
    t.skip('Chromium not installed at /usr/bin/chromium');
    return null;
  }
  assert.ok(existsSync(consoleIndex), 'packages/console/dist is missing: run `npm run build` first');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(() => browser.close());
  return browser;
}

export interface Watched {
  page: Page;
  /** Requests the page tried to send to any other origin (all refused). */
  foreign: string[];
  /** Uncaught page errors and Content-Security-Policy violations. */
  problems: string[];
}

export async function openPage(browser: Browser, server: Server, viewport = { width: 1280, height: 820 }): Promise<Watched> {
  const context = await browser.newContext({ viewport, colorScheme: 'light', locale: 'en-US', timezoneId: 'UTC' });
  const foreign: string[] = [];
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${server.url}/`) || url.startsWith('data:')) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  return { page, foreign, problems };
}

export async function api(server: Server, token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: await response.json() };
}

/** Opens the console and signs in with the server's first user. */
export async function signIn(
  page: Page,
  server: Server,
  { email, password } = { email: server.email, password: server.password },
): Promise<void> {
  if (!page.url().includes('/console/')) await page.goto(`${server.url}/console/`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Applications' }).waitFor();
}

/** A table row by the text of its row header. */
export function rowOf(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: false }) });
}

/**
 * Runs axe-core on what the page shows now (an open dialog included) and fails on
 * any serious or critical violation, naming the rule and the elements.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert.deepEqual(
    bad.map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join('; ')})`,
    ),
    [],
    `axe-core on ${where}`,
  );
}

/** Nothing wider than the viewport (narrow screens stay usable without sideways scrolling). */
export async function expectFitsWidth(page: Page, where: string): Promise<void> {
  assert.equal(
    await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    true,
    `${where} is wider than the viewport`,
  );
}

/**
 * Saves a screenshot for the README under docs/, only when LATCHKEY_SCREENSHOTS=1
 * (`npm run screenshots -w @latchkey/console`), so a test run leaves the tree as it was.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.LATCHKEY_SCREENSHOTS !== '1') return;
  const path = fileURLToPath(new URL(`../../../../docs/${name}`, import.meta.url));
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}
