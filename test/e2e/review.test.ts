import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, SHOTS } from '../support/browser.js';
import { createUser, USER_PASSWORD } from '../support/client.js';
import { gateFlow, gateInputs } from '../support/review-flows.js';
import { startTestServer } from '../support/server.js';

const EDITOR_DIR = fileURLToPath(new URL('../../editor/dist', import.meta.url));

/** A physician works through the review inbox by keyboard: open, check the flagged fields, correct one, approve. */
describe.runIf(browserAvailable)('review inbox and review screen in Chromium', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser;
  let page: Page;
  let runId: string;
  let workflowId: string;

  beforeAll(async () => {
    server = await startTestServer({ MEDFLOW_EDITOR_DIR: EDITOR_DIR });
    await createUser(server.admin, 'dr-suzuki', ['reviewer']);
    const wf = await server.admin.api('POST', '/api/workflows', { document: gateFlow() });
    workflowId = wf.body.workflow.id;
    // The gate names the 確認医 role, which reviews workflows shared with it.
    await server.admin.api('PUT', `/api/workflows/${wf.body.workflow.id}/shares`, { shares: [{ principal: 'role:reviewer', access: 'run' }] });
    const run = await server.admin.api('POST', `/api/workflows/${wf.body.workflow.id}/runs?wait=true`, { inputs: gateInputs, version: 'draft' });
    runId = run.body.run.id;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => { throw e; });
  }, 60_000);
  afterAll(async () => { await browser?.close(); await server?.stop(); });

  it('opens the waiting draft from the inbox, flags fields without evidence, and approves a correction with Ctrl+Enter', async () => {
    await page.goto(`${server.url}/#/reviews`);
    await page.getByLabel('ユーザー名').fill('dr-suzuki');
    await page.getByLabel('パスワード').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('navigation', { name: 'main' }).getByText('確認待ち').click();
    await page.getByRole('link', { name: '発生届の確認' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/10-review-inbox.png` });
    await page.keyboard.press('Enter');

    await page.getByRole('heading', { name: /発生届の確認/ }).waitFor();
    await expect.poll(() => page.getByTestId('source-text').textContent()).toContain('胸部X線');
    await expect.poll(() => page.getByTestId('field-diagnosis').textContent()).toContain('根拠なし');
    await page.getByLabel(/発病日/).fill('2026-11-20');
    await page.getByTestId('field-onset').getByText('修正済み').waitFor();
    await page.screenshot({ path: `${SHOTS}/11-review-screen.png` });
    await page.keyboard.press('Control+Enter');
    await page.getByRole('status').getByText('承認しました').waitFor();

    let outputs: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !outputs.final; i++) {
      outputs = (await server.admin.api('GET', `/api/runs/${runId}`)).body.run.outputs;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(outputs.final).toBe('確定: 肺炎（発病 2026-11-20）');
    // The physician who approved sees what the run made of it (they did not start the run), with the export.
    const result = page.getByRole('region', { name: '実行結果' });
    await result.getByText('確定: 肺炎（発病 2026-11-20）').waitFor();
    await result.getByText('完了').waitFor();
    await page.getByText('確認ゲート · 承認済み').waitFor();
    expect(await result.getByRole('link', { name: 'JSONで書き出し' }).getAttribute('href')).toBe(`/api/runs/${runId}/export`);
    await page.screenshot({ path: `${SHOTS}/12-review-result.png` });
    await page.keyboard.press('Escape');
    await page.getByText('確認待ちの実行はありません').waitFor();
  }, 60_000);

  it('gives a date written as a date the date picker, and keeps one the model wrote otherwise as text', async () => {
    const run = await server.admin.api('POST', `/api/workflows/${workflowId}/runs?wait=true`, { inputs: { ...gateInputs, onset: '2026-11-19' }, version: 'draft' });
    const [review] = (await server.admin.api('GET', `/api/reviews?workflowId=${workflowId}`)).body.reviews.filter((r: { runId: string }) => r.runId === run.body.run.id);
    await page.goto(`${server.url}/#/reviews/${review.id}`);
    const onset = page.getByLabel(/発病日/);
    await onset.waitFor();
    expect([await onset.getAttribute('type'), await onset.inputValue()]).toEqual(['date', '2026-11-19']);
    expect(await page.getByLabel(/診断名/).getAttribute('type')).toBe('text');
    // A count of what is still to check; Alt+Enter accepts the focused value as drafted and moves to the next one.
    await expect.poll(() => page.getByTestId('to-check').textContent()).toContain('未確認 2 / 2 項目');
    await page.getByLabel(/診断名/).focus();
    await page.keyboard.press('Alt+Enter');
    await expect.poll(() => page.getByTestId('to-check').textContent()).toContain('未確認 1 / 2 項目');
    await page.getByTestId('field-diagnosis').getByText('確認済み').waitFor();
    expect(await page.locator(':focus').getAttribute('name')).toBe('field-onset');
    await page.getByTestId('field-onset').getByRole('button', { name: /この値で確認/ }).click();
    await page.getByTestId('to-check').getByText('すべての項目を確認しました').waitFor();
    await page.screenshot({ path: `${SHOTS}/13-review-date-field.png` });
  }, 60_000);

  it('tells someone who may only look why, and who may decide (the administrator of a role-named gate)', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      // The administrator's own session (signed in through the API by the test setup).
      const [name, value] = server.admin.cookie!.split(';')[0]!.split('=') as [string, string];
      await context.addCookies([{ name, value, url: server.url }]);
      const admin = await context.newPage();
      await admin.goto(`${server.url}/#/reviews`);
      const hint = admin.getByTestId('view-only').first();
      await hint.waitFor();
      expect(await hint.textContent()).toContain('閲覧のみ — 確認できるのは: 確認医');
      await admin.getByRole('link', { name: '発生届の確認' }).first().click();
      await expect.poll(() => admin.getByTestId('view-only-hint').textContent()).toContain('確認ゲートの「確認できるユーザー」にあなたを加える');
      await admin.screenshot({ path: `${SHOTS}/14-review-view-only.png` });
    } finally { await context.close(); }
  }, 60_000);
});
