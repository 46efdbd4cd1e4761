import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTablesDir } from '@medflow/data';
import { browserAvailable, launchBrowser, SHOTS } from '../support/browser.js';
import { createUser, USER_PASSWORD } from '../support/client.js';
import { startTestServer } from '../support/server.js';

const EDITOR_DIR = fileURLToPath(new URL('../../editor/dist', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('../../templates/clinical/dpc-diagnosis-coding/workflow.json', import.meta.url));
const tables = completeTablesDir();

/** A physician corrects a proposed code in the DPC template's review by searching for it in kana and picking it. */
describe.runIf(browserAvailable && tables)('code picker in the review screen (Chromium, complete code tables)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  let runId: string;
  let workflowId: string;

  beforeAll(async () => {
    server = await startTestServer({ MEDFLOW_EDITOR_DIR: EDITOR_DIR, MEDFLOW_CODE_TABLES_DIR: tables! });
    await createUser(server.admin, 'dr-coder', ['reviewer']);
    const author = await createUser(server.admin, 'it-author', ['author', 'runner']);
    const wf = await author.api('POST', '/api/workflows', { document: JSON.parse(readFileSync(TEMPLATE, 'utf8')) });
    expect(wf.status).toBe(201);
    workflowId = wf.body.workflow.id;
    await author.api('PUT', `/api/workflows/${workflowId}/shares`, { shares: [{ principal: 'role:reviewer', access: 'run' }] });
    const run = await author.api('POST', `/api/workflows/${workflowId}/runs?wait=true`, { inputs: { text: '#1 肺炎\n#2 高血圧症' }, version: 'draft' });
    runId = run.body.run.id;
    expect(run.body.run.status).toBe('waiting_review');
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => { throw e; });
  }, 90_000);
  afterAll(async () => { await browser?.close(); await server?.stop(); });

  it('searches by kana reading, shows title, ICD-11 counterparts and hierarchy, and approves the picked code', async () => {
    await page.goto(`${server.url}/#/reviews`);
    await page.getByLabel('ユーザー名').fill('dr-coder');
    await page.getByLabel('パスワード').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('link', { name: '診断名のICD-10コード確認' }).click();
    const field = page.getByRole('combobox', { name: /コード1/ });
    await expect.poll(() => field.inputValue()).toMatch(/^(J18\.9|I10)/);
    await field.fill('しんぼうさいどう');
    await page.getByRole('option').first().waitFor();
    expect(await page.getByRole('option').first().textContent()).toMatch(/^I48/);
    await page.keyboard.press('Enter');
    await expect.poll(() => field.inputValue()).toMatch(/^I48\.\d 心房細動/);
    const detail = page.getByTestId('field-code1').getByTestId('code-detail');
    await expect.poll(() => detail.textContent()).toMatch(/ICD-11: BC81/);
    expect(await detail.textContent()).toContain('I48');
    await page.screenshot({ path: `${SHOTS}/20-review-code-picker.png` });
    await page.keyboard.press('Control+Enter');
    await page.getByRole('status').getByText('承認しました').waitFor();

    let outputs: Record<string, any> = {};
    for (let i = 0; i < 100 && !outputs.approved; i++) {
      outputs = (await server.admin.api('GET', `/api/runs/${runId}`)).body.run.outputs;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(JSON.stringify(outputs.approved)).toMatch(/I48\.\d 心房細動/);
  }, 90_000);

  it('picks a code in the inspector: the coder\'s 「提案しないコード」 setting, saved as the bare code', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const editor = await context.newPage();
    editor.on('pageerror', (e) => { throw e; });
    await editor.goto(`${server.url}/#/workflows/${workflowId}`);
    await editor.getByLabel('ユーザー名').fill('it-author');
    await editor.getByLabel('パスワード').fill(USER_PASSWORD);
    await editor.getByRole('button', { name: 'ログイン' }).click();
    await editor.locator('[data-testid="node-coder"]').click();
    const setting = editor.getByRole('group', { name: '提案しないコード' });
    await setting.getByRole('button', { name: '+ 追加' }).click();
    await setting.getByRole('combobox').fill('こうけつあつ');
    await setting.getByRole('listbox').getByRole('option').first().waitFor();
    await editor.keyboard.press('Enter');
    await expect.poll(() => setting.getByRole('combobox').inputValue()).toBe('I10');
    await editor.screenshot({ path: `${SHOTS}/21-inspector-code-picker.png` });
    await expect.poll(async () => {
      const wf = await server.admin.api('GET', `/api/workflows/${workflowId}`);
      return wf.body.workflow?.draft.nodes.find((n: { id: string }) => n.id === 'coder')?.config.excludeCodes;
    }, { timeout: 10_000 }).toEqual(['I10']);
    await context.close();
  }, 60_000);
});
