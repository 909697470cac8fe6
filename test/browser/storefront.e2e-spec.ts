import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { Role } from '../../src/common/access/roles';
import { assertExchange } from '../support/contract/contract-registry';
import type { Exchange } from '../support/contract/openapi-contract';
import { actorWithRole, createProduct } from '../support/products';
import { createTestApp, type TestApp } from '../support/test-app';
import { registerUser } from '../support/users';
import { launchChromium, recordExchanges } from './chromium';
import { serveFiles, type StaticServer } from './static-server';

/** Where a failing step leaves its screenshot. */
const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'storefront');
const ROOT = join(__dirname, '..', '..');
const PAGE_TIMEOUT_MS = 20_000;

/**
 * A static storefront page, on its own origin, uses the generated client in cookie mode against
 * the real app, in Debian's Chromium: CORS with credentials, `__Host-` cookies with SameSite,
 * CSRF on every write, ETag revalidation; every exchange is checked against the OpenAPI document.
 */
describe('Storefront page in Chromium (cookie mode, through the generated client)', () => {
  let sut: TestApp;
  let site: StaticServer;
  let browser: Browser;
  let page: Page;
  let apiOrigin: string;
  let exchanges: () => Promise<Exchange[]>;

  beforeAll(async () => {
    // The page imports the client's ES modules; compile them (a second or two) so the test never runs stale ones.
    execFileSync('npx', ['--no-install', 'tsc', '-p', 'clients/typescript/tsconfig.json'], { cwd: ROOT });
    site = await serveFiles({
      '/': join(__dirname, 'storefront', 'index.html'),
      '/storefront.js': join(__dirname, 'storefront', 'storefront.js'),
      '/client/index.js': join(ROOT, 'clients', 'typescript', 'dist', 'index.js'),
      '/vendor/openapi-fetch.mjs': join(ROOT, 'node_modules', 'openapi-fetch', 'dist', 'index.mjs'),
    });
    sut = await createTestApp({ env: { CORS_ORIGINS: site.origin } });
    await sut.app.listen(0, '127.0.0.1');
    apiOrigin = `http://localhost:${(sut.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    page = await browser.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    exchanges = recordExchanges(page, apiOrigin);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await site?.close();
  });

  /** Runs one step; a failure leaves `test-results/storefront/<step>.png` behind. */
  async function step(name: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      throw error;
    }
  }

  it('signs in, lists, opens (304 on revalidation), orders with CSRF, refreshes and signs out', async () => {
    const staff = await actorWithRole(sut, Role.Staff);
    const product = await createProduct(sut, staff, { name: 'Storefront mug', stock: 5 });
    const customer = await registerUser(sut);

    await step('sign-in', async () => {
      await signIn(customer);
      const cookies = await page.context().cookies(apiOrigin);
      const access = cookies.find((cookie) => cookie.name === '__Host-access_token');
      expect(access).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    });

    await step('open-product', async () => {
      await page.click(`#products button[data-id="${product.id}"]`);
      await page.waitForSelector('#product-name:text-is("Storefront mug")');
      await page.waitForSelector('#product-revalidation:text-is("revalidated: 304")');
    });

    await step('order', async () => {
      await page.click('#order');
      await page.waitForSelector('#order-status:text-is("completed")');
    });

    await step('refresh', async () => {
      await page.click('#refresh');
      await page.waitForSelector('#status:text-is("session refreshed")');
    });

    await step('sign-out', async () => {
      await page.click('#sign-out');
      await page.waitForSelector('#status:text-is("signed out (then 401)")');
    });

    const seen = await exchanges();
    expect(seen.length).toBeGreaterThanOrEqual(9);
    for (const exchange of seen) assertExchange(sut.contract, exchange);
  }, 90_000);

  it('refuses a cookie-authenticated write without the CSRF token (403 CSRF_INVALID)', async () => {
    const customer = await registerUser(sut);
    await signIn(customer);
    const answer = await page.evaluate(async (api) => {
      const response = await fetch(`${api}/api/v1/auth/logout`, { method: 'POST', credentials: 'include' });
      return { status: response.status, body: (await response.json()) as { error: { code: string } } };
    }, apiOrigin);
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('CSRF_INVALID');
  }, 60_000);

  it('gives a page on an origin that is not configured nothing to read, even with the session cookie', async () => {
    const customer = await registerUser(sut);
    await signIn(customer);
    const foreign = await serveFiles({ '/': join(__dirname, 'storefront', 'index.html') });
    try {
      await page.goto(`${foreign.origin}/`);
      const outcome = await page.evaluate(async (api) => {
        try {
          const response = await fetch(`${api}/api/v1/users/me`, { credentials: 'include' });
          return `read ${response.status}`;
        } catch {
          return 'blocked';
        }
      }, apiOrigin);
      expect(outcome).toBe('blocked');
    } finally {
      await foreign.close();
    }
  }, 60_000);

  async function signIn(user: { email: string; password: string }): Promise<void> {
    await page.goto(`${site.origin}/?api=${encodeURIComponent(apiOrigin)}`);
    await page.fill('input[name=email]', user.email);
    await page.fill('input[name=password]', user.password);
    await page.click('#sign-in button');
    await page.waitForSelector('#status:text-is("signed in")');
  }
});
