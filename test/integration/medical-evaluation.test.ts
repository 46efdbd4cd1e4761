import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeTablesDir, NO_COMPLETE_TABLES } from '@medflow/data';
import { createUser, type Client } from '../support/client.js';
import { startTestServer } from '../support/server.js';

const CLI = join(import.meta.dirname, '../../server/dist/cli/main.js');
const DATA = join(import.meta.dirname, '../fixtures/datasets');
const dir = mkdtempSync(join(tmpdir(), 'medflow-eval-'));
const evalCli = (flow: string, dataset: string, out: string) => {
  const r = spawnSync(process.execPath, [CLI, 'eval', join(DATA, flow), join(DATA, dataset), '--quiet', '--out', join(dir, out)], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(readFileSync(join(dir, out), 'utf8'));
};
const readFlow = (name: string) => JSON.parse(readFileSync(join(DATA, name), 'utf8'));

let server: Awaited<ReturnType<typeof startTestServer>>;
let runner: Client;
beforeAll(async () => {
  server = await startTestServer();
  runner = await createUser(server.admin, 'eval-runner', ['runner']);
});
afterAll(async () => { await server.stop(); rmSync(dir, { recursive: true, force: true }); });

// The issue's targets, measured on the development sets in test/fixtures/datasets (the dictionary and
// the datasets were written by the same team: these guard against regressions, they are no external benchmark).
describe('medical nodes on the development datasets (medflow eval)', () => {
  // The gold codes follow MEDIS 標準病名 (the coder's first source), which only the complete tables carry.
  it.skipIf(!completeTablesDir())(`ICD coder, dictionary mode: ICD-10 3-character accuracy ≥ 0.9 over ≥ 300 snippets${completeTablesDir() ? '' : ` (skipped: ${NO_COMPLETE_TABLES})`}`, () => {
    const report = evalCli('icd-dictionary.flow.json', 'icd-snippets.jsonl', 'icd.json');
    expect(report.dataset.records).toBeGreaterThanOrEqual(300);
    expect(report.failedRuns).toBe(0);
    const m = report.metrics.codeList;
    expect(m.category.exactMatch).toBeGreaterThanOrEqual(0.9);
    expect(m.micro.f1).toBeGreaterThanOrEqual(0.9);
    // Suspected, ruled-out and past diagnoses are where coders go wrong: each is scored on its own.
    for (const tag of ['suspected', 'ruled_out', 'history', 'family', 'external']) expect(report.byTag[tag].exactMatch).toBeGreaterThanOrEqual(0.8);
  });

  it('PHI redaction: recall ≥ 0.99 for structured identifiers and ≥ 0.95 for names and addresses over ≥ 200 notes', () => {
    const report = evalCli('phi.flow.json', 'phi-notes.jsonl', 'phi.json');
    expect(report.dataset.records).toBeGreaterThanOrEqual(200);
    const byType = report.metrics.spans.byType;
    for (const type of ['phone', 'mynumber', 'postal', 'insurance', 'date', 'birthdate']) expect(byType[type].recall, type).toBeGreaterThanOrEqual(0.99);
    for (const type of ['name', 'address']) expect(byType[type].recall, type).toBeGreaterThanOrEqual(0.95);
    expect(report.metrics.spans.precision).toBeGreaterThanOrEqual(0.9);
  });
});

describe('evaluation API', () => {
  it('evaluates a saved workflow in the background, stores the report by version, and lists it for comparison', async () => {
    const wf = (await server.admin.api('POST', '/api/workflows', { document: readFlow('phi.flow.json') })).body.workflow;
    const jsonl = readFileSync(join(DATA, 'phi-notes.jsonl'), 'utf8').split('\n').slice(0, 25).join('\n');
    const started = await server.admin.api('POST', `/api/workflows/${wf.id}/evaluations`, { dataset: { name: 'phi-25', jsonl } });
    expect(started.status).toBe(202);
    const id = started.body.evaluation.id;
    let evaluation;
    for (let i = 0; i < 100; i++) {
      evaluation = (await server.admin.api('GET', `/api/evaluations/${id}`)).body.evaluation;
      if (evaluation.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(evaluation).toMatchObject({ status: 'completed', version: 'draft', dataset: { name: 'phi-25', records: 25 } });
    expect(evaluation.report.metrics.spans.recall).toBeGreaterThan(0.9);
    expect(evaluation.report.records).toHaveLength(25);
    const list = (await server.admin.api('GET', `/api/workflows/${wf.id}/evaluations`)).body.evaluations;
    expect(list[0]).toMatchObject({ id, status: 'completed', report: { metrics: { spans: expect.any(Object) } } });
    expect(list[0].report.records).toBeUndefined();
  });

  it('refuses a bad dataset naming the line and field, and users without edit access', async () => {
    const wf = (await server.admin.api('POST', '/api/workflows', { document: readFlow('phi.flow.json') })).body.workflow;
    const bad = await server.admin.api('POST', `/api/workflows/${wf.id}/evaluations`, { dataset: { name: 'x', jsonl: '{"id":"a","inputs":{"text":"x"},"expected":{"spans":[]}}\n{"id":"b","inputs":{}}\nnot json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems).toEqual([
      { path: 'line 2: expected', message: expect.any(String) },
      { path: 'line 3', message: expect.stringContaining('not JSON') },
    ]);
    expect((await server.admin.api('POST', `/api/workflows/${wf.id}/evaluations`, { dataset: { name: 'x' } })).body.error.message).toMatch(/dataset\.jsonl/);
    expect((await runner.api('POST', `/api/workflows/${wf.id}/evaluations`, { dataset: { name: 'x', jsonl: '{}' } })).status).toBe(403);
  });
});

describe('PHI re-identification', () => {
  it('gives the originals back only with a reason, and audits it', async () => {
    const wf = (await server.admin.api('POST', '/api/workflows', { document: readFlow('phi.flow.json') })).body.workflow;
    const run = (await server.admin.api('POST', `/api/workflows/${wf.id}/runs?wait=true`, { inputs: { text: '患者氏名：甘利 源三 様 TEL 090-1234-5678' }, version: 'draft' })).body;
    expect(run.run.status).toBe('completed');
    expect(JSON.stringify(run.run.outputs)).not.toContain('甘利');
    const path = `/api/runs/${run.run.id}/phi/redact/reidentify`;
    const noReason = await server.admin.api('POST', path, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/body\.reason/);
    const res = await server.admin.api('POST', path, { reason: '主治医への紹介状作成のため' });
    expect(res.status).toBe(200);
    expect(res.body.entries).toEqual([
      { token: '⟨氏名1⟩', type: 'name', value: '甘利 源三' },
      { token: '⟨電話番号1⟩', type: 'phone', value: '090-1234-5678' },
    ]);
    expect((await runner.api('POST', path, { reason: '見てみたい理由です' })).status).toBe(404);
    const trail = (await server.admin.api('GET', `/api/audit?action=phi.reidentify&resourceId=${run.run.id}`)).body.events;
    expect(trail.map((e: { outcome: string }) => e.outcome).sort()).toEqual(['denied', 'success']);
    // The reason is free text (it may name the patient): sealed beside the event, read back through an audited request.
    const success = trail.find((e: { outcome: string }) => e.outcome === 'success');
    expect(success.details).toMatchObject({ nodeId: 'redact', sealed: { fields: ['reason'] } });
    expect(JSON.stringify(success)).not.toContain('紹介状');
    expect((await server.admin.api('GET', `/api/audit/${success.seq}/sealed`)).body).toMatchObject({ fields: { reason: '主治医への紹介状作成のため' }, holds: true });
  });
});
