import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { browserAvailable, launchBrowser, SHOTS } from '../support/browser.js';
import { TestIdentityProvider } from '../support/oidc-provider.js';
import { startTestServer } from '../support/server.js';

const EDITOR_DIR = fileURLToPath(new URL('../../editor/dist', import.meta.url));

/**
 * Single sign-on as a physician meets it: the sign-in page offers the hospital account, the browser goes
 * to the provider (another site: "localhost" against the server's 127.0.0.1) and comes back signed in.
 */
describe.runIf(browserAvailable)('single sign-on in Chromium', () => {
  let idp: TestIdentityProvider;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;

  beforeAll(async () => {
    idp = await new TestIdentityProvider({ browserHost: 'localhost' }).start();
    server = await startTestServer({
      MEDFLOW_EDITOR_DIR: EDITOR_DIR, MEDFLOW_OIDC_ISSUER: idp.issuer, MEDFLOW_OIDC_CLIENT_ID: idp.clientId,
      MEDFLOW_OIDC_CLIENT_SECRET: idp.clientSecret, MEDFLOW_OIDC_ROLE_MAP: 'physicians=reviewer+runner+author',
    });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => { await browser?.close(); await server?.stop(); await idp?.stop(); });

  it('signs a physician in with the hospital account and lands in the app', async () => {
    idp.nextUser = { sub: 'e2e-1', preferred_username: 'kato', name: '加藤 医師', groups: ['physicians'] };
    const page = await browser.newPage();
    page.on('pageerror', (e) => { throw e; });
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: '病院のアカウントでログイン（SSO）' }).click();
    await page.getByText('加藤 医師').waitFor();
    await page.getByRole('navigation', { name: 'main' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/sso-signed-in.png` });
    await page.close();
  }, 30_000);

  it('explains in Japanese why a sign-in was refused', async () => {
    idp.nextUser = { sub: 'e2e-2', preferred_username: 'uketsuke', groups: ['front-desk'] };
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: '病院のアカウントでログイン（SSO）' }).click();
    await page.getByRole('alert').getByText('このアカウントには MedFlow の役割が割り当てられていません').waitFor();
    // The reason is shown once; the address bar is clean again.
    if (page.url() !== `${server.url}/`) throw new Error(`address not cleaned: ${page.url()}`);
    await page.close();
  }, 30_000);
});
