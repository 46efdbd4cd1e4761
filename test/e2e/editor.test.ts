import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, SHOTS } from '../support/browser.js';
import { spawnServer } from '../support/process.js';
import { totpNow } from '../../server/src/auth/totp.js';
import { ADMIN_PASSWORD, TEST_SETUP_TOKEN } from '../support/client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'medflow-e2e-'));
let server: Awaited<ReturnType<typeof spawnServer>>;
let browser: Browser;
let page: Page;

async function connect(from: string, fromPort: string, to: string, toPort: string) {
  const source = page.locator(`[data-testid="node-${from}"] .react-flow__handle.source[data-handleid="${fromPort}"]`);
  const target = page.locator(`[data-testid="node-${to}"] .react-flow__handle.target[data-handleid="${toPort}"]`);
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

async function dropNode(type: string, x: number, y: number) {
  await page.dragAndDrop(`[data-testid="palette-${type}"]`, '[data-testid="canvas"]', { targetPosition: { x, y } });
}

describe.runIf(browserAvailable)('editor in Chromium against a real server (embedded store)', () => {
  beforeAll(async () => {
    server = await spawnServer({ MEDFLOW_DATA_DIR: dataDir, MEDFLOW_SETUP_TOKEN: TEST_SETUP_TOKEN });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => { throw e; });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('walks the first administrator through setup with a second factor, signs out, and signs in again', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('heading', { name: /初期設定/ }).waitFor();
    await page.getByLabel('セットアップコード').fill(TEST_SETUP_TOKEN);
    await page.getByRole('button', { name: '次へ' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
    await page.getByLabel('氏名（表示名）').fill('山田 管理者');
    await page.locator('input[name="password"]').fill(ADMIN_PASSWORD);
    await page.locator('input[name="totpCode"]').fill(totpNow(secret));
    await page.getByRole('button', { name: '作成' }).click();
    await page.getByText('山田 管理者').waitFor();
    await page.screenshot({ path: `${SHOTS}/00-signed-in-after-setup.png` });

    await page.getByRole('button', { name: 'ログアウト' }).click();
    await page.getByLabel('ユーザー名').fill('admin');
    await page.getByLabel('パスワード').fill('wrong-Password-1');
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('パスワード').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByLabel('確認コード（6桁）').waitFor();
    // A new step, so the code is not a replay of the one used at setup.
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
    await page.getByLabel('確認コード（6桁）').fill(totpNow(secret));
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('navigation', { name: 'main' }).getByText('監査ログ').waitFor();
  }, 60_000);

  it('builds a 3-node flow by drag and drop, configures it, runs it, shows per-node results, and finds it saved after a reload', async () => {
    await page.goto(`${server.url}/#/`);
    await page.getByRole('button', { name: '新規作成' }).click();
    await page.waitForSelector('[data-testid="canvas"]');

    await dropNode('core/text-input', 120, 200);
    await dropNode('core/template', 420, 200);
    await dropNode('core/json-output', 720, 200);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);

    await connect('textInput', 'text', 'template', 'vars');
    await connect('template', 'text', 'jsonOutput', 'value');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);

    await page.locator('[data-testid="node-template"]').click();
    const templateField = page.getByLabel('テンプレート本文');
    await templateField.fill('主訴: ');
    await page.getByRole('button', { name: '{{textInput}}' }).click();
    await expect.poll(() => templateField.inputValue()).toBe('主訴: {{textInput}}');
    await expect.poll(() => page.getByTestId('problems').textContent()).toBe('問題なし');
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('保存済み');
    await page.screenshot({ path: join(SHOTS, '01-built.png') });

    await page.locator('#run-input-text').fill('昨夜から３８度の発熱');
    await page.getByRole('button', { name: '実行開始' }).click();
    await expect.poll(() => page.getByTestId('run-status').textContent(), { timeout: 15_000 }).toBe('完了');
    for (const id of ['textInput', 'template', 'jsonOutput']) await expect.poll(() => page.locator(`[data-testid="node-${id}"]`).getAttribute('data-status')).toBe('completed');
    await page.locator('[data-testid="node-template"]').click();
    await expect.poll(() => page.getByTestId('node-detail').textContent()).toContain('主訴: 昨夜から３８度の発熱');
    await expect.poll(() => page.locator('.run-status').textContent()).toContain('主訴: 昨夜から３８度の発熱');
    await page.screenshot({ path: join(SHOTS, '02-run.png') });

    await page.reload();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(3);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await page.locator('[data-testid="node-template"]').click();
    await expect.poll(() => page.getByLabel('テンプレート本文').inputValue()).toBe('主訴: {{textInput}}');
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('完了');
  });

  it('refuses an incompatible connection with the reason, and undoes with Ctrl+Z', async () => {
    await dropNode('core/file-input', 120, 420);
    await dropNode('core/normalize-text', 420, 420);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
    const edges = await page.locator('.react-flow__edge').count();
    await connect('fileInput', 'image', 'normalizeText', 'text');
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('接続できません: image → text');
    expect(await page.locator('.react-flow__edge').count()).toBe(edges);
    await page.screenshot({ path: join(SHOTS, '03-refused.png') });

    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(4);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(5);
  });

  it('switches the interface to English', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Start' }).waitFor();
    await page.getByRole('button', { name: '日本語' }).click();
  });

  it('lets the administrator rotate the data key and re-encrypt from the security page', async () => {
    await page.getByRole('navigation', { name: 'main' }).getByText('セキュリティ').click();
    const before = await page.getByTestId('active-key').textContent();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: '鍵を更新' }).click();
    await page.getByRole('status').getByText(/新しい鍵 .+ を使用しています/).waitFor();
    await expect.poll(() => page.getByTestId('active-key').textContent()).not.toBe(before);
    await page.getByRole('button', { name: '既存データを再暗号化' }).click();
    await page.getByRole('status').getByText(/再暗号化しました/).waitFor();
    await page.screenshot({ path: join(SHOTS, '05-security.png') });
  });
});
