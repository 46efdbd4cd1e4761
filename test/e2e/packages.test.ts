import { cp, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackageDir } from '@medflow/create-node';
import { browserAvailable, launchBrowser, SHOTS } from '../support/browser.js';
import { startTestServer } from '../support/server.js';

const EDITOR_DIR = fileURLToPath(new URL('../../editor/dist', import.meta.url));
const EXAMPLE_DIR = fileURLToPath(new URL('../../nodes/examples/jp-date/', import.meta.url));
// Its own folder: the integration tests pack the same example at the same time.
const OUT = fileURLToPath(new URL('../../test-output/e2e-packages/', import.meta.url));

/** Hospital IT adds the example package in the admin screen, checks its capabilities, approves it, and finds the node in the palette. */
describe.runIf(browserAvailable)('node packages in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  let tarball: string;

  beforeAll(async () => {
    tarball = (await packPackageDir(EXAMPLE_DIR, OUT)).file;
    server = await startTestServer({ MEDFLOW_EDITOR_DIR: EDITOR_DIR });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // The administrator's session from the API client (its TOTP code of this half-minute is already spent).
    await context.addCookies([{ name: 'medflow_session', value: server.admin.cookie!.split('=')[1]!, url: server.url }]);
    page = await context.newPage();
    page.on('pageerror', (e) => { throw e; });
  }, 60_000);
  afterAll(async () => { await browser?.close(); await server?.stop(); });

  it('uploads the .tgz, shows it pending with its capabilities, approves it, and the node appears in the palette', async () => {
    await page.goto(`${server.url}/#/packages`);
    await page.getByRole('heading', { name: 'ノードパッケージ' }).waitFor();
    await page.getByText('インストールされたパッケージはありません').waitFor();
    await page.getByLabel('.tgz をアップロード').setInputFiles(tarball);
    const card = page.getByTestId('package-medflow-node-jp-date@1.0.0');
    await card.getByText('承認待ち').waitFor();
    await expect(card.getByText('なし（ネットワーク・ファイル・AI を使わない）').isVisible()).resolves.toBe(true);
    await expect(card.getByText('example/jp-date@1').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}/30-package-pending.png` });
    let confirmText = '';
    page.once('dialog', (dialog) => { confirmText = dialog.message(); void dialog.accept(); });
    await card.getByRole('button', { name: 'この権限を承認して有効化' }).click();
    await card.getByText('有効', { exact: true }).waitFor();
    expect(confirmText).toContain('medflow-node-jp-date@1.0.0');
    expect(confirmText).toContain('なし');
    await page.screenshot({ path: `${SHOTS}/31-package-enabled.png` });

    const wf = await server.admin.api('POST', '/api/workflows', { document: { name: '日付', nodes: [], edges: [] } });
    await page.goto(`${server.url}/#/workflows/${wf.body.workflow.id}`);
    const item = page.getByTestId('palette-example/jp-date');
    await item.waitFor();
    await expect(item.getByText('外部').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}/32-palette-third-party.png` });

    // A workflow pinned to 1.0.0; version 1.1.0 gets installed; the author moves the node to it explicitly.
    await page.dragAndDrop('[data-testid="palette-example/jp-date"]', '[data-testid="canvas"]', { targetPosition: { x: 300, y: 200 } });
    await page.getByText('保存済み').waitFor();
    const saved = (await server.admin.api('GET', `/api/workflows/${wf.body.workflow.id}`)).body.workflow.draft;
    expect(saved.nodes[0].package).toBe('medflow-node-jp-date@1.0.0');
    const dir2 = `${OUT}jp-date-1.1.0`;
    await cp(EXAMPLE_DIR, dir2, { recursive: true, filter: (src) => !src.includes('node_modules') && !src.includes('/dist') });
    const pj = JSON.parse(await readFile(`${dir2}/package.json`, 'utf8'));
    await writeFile(`${dir2}/package.json`, JSON.stringify({ ...pj, version: '1.1.0' }));
    const up = await server.admin.api('POST', '/api/admin/packages', await readFile((await packPackageDir(dir2, OUT)).file));
    await server.admin.api('POST', `/api/admin/packages/${encodeURIComponent(up.body.id)}/approve`, { integrity: up.body.integrity, capabilities: up.body.manifest.capabilities });
    await page.reload();
    await page.locator('[data-testid^="node-"]').first().click();
    const pin = page.getByTestId('package-pin');
    await expect(pin.getByText('medflow-node-jp-date@1.0.0').isVisible()).resolves.toBe(true);
    await pin.getByRole('button', { name: 'v1.1.0 に更新' }).click();
    await page.getByText('保存済み').waitFor();
    await page.screenshot({ path: `${SHOTS}/33-package-updated.png` });
    const moved = (await server.admin.api('GET', `/api/workflows/${wf.body.workflow.id}`)).body.workflow.draft;
    expect(moved.nodes[0].package).toBe('medflow-node-jp-date@1.1.0');
  });
});
