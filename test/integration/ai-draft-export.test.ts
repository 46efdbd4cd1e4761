import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelsDir, TINY_MODEL, tinyModelAvailable, NO_TINY_MODEL } from '../../server/src/testing/ai-fixtures.js';
import { createUser, type Client } from '../support/client.js';
import { startTestServer } from '../support/server.js';

import { edge } from '../support/flows.js';

/** One note; an LLM draft (real llama.cpp, tiny model) quoted by a template, and a plain copy made without AI. */
const document = {
  name: 'AI下書きラベル',
  nodes: [
    { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
    { id: 'draft', type: 'ai/llm', typeVersion: 1, config: { model: TINY_MODEL, prompt: '要約: {{note}}', maxTokens: 12 } },
    { id: 'letter', type: 'core/template', typeVersion: 1, config: { template: '紹介状案: {{draft}}' } },
    { id: 'copy', type: 'core/template', typeVersion: 1, config: { template: '原文: {{note}}' } },
    { id: 'outDraft', type: 'core/json-output', typeVersion: 1, config: { name: 'letter' } },
    { id: 'outCopy', type: 'core/json-output', typeVersion: 1, config: { name: 'original' } },
  ],
  edges: [edge('note', 'text', 'draft', 'vars'), edge('draft', 'text', 'letter', 'vars'), edge('letter', 'text', 'outDraft', 'value'), edge('note', 'text', 'copy', 'vars'), edge('copy', 'text', 'outCopy', 'value')],
};

let server: Awaited<ReturnType<typeof startTestServer>>;
let models: string;
let runId: string;
let stranger: Client;

beforeAll(async () => {
  models = testModelsDir();
  server = await startTestServer({ MEDFLOW_MODELS_DIR: models });
  const wf = await server.admin.api('POST', '/api/workflows', { document });
  const run = await server.admin.api('POST', `/api/workflows/${wf.body.workflow.id}/runs?wait=true`, { inputs: { note: '昨夜から38.5℃の発熱' }, version: 'draft' });
  expect(run.body.run.status).toBe('completed');
  runId = run.body.run.id;
  stranger = await createUser(server.admin, 'other-doc', ['runner']);
}, 120_000);
afterAll(async () => { await server.stop(); rmSync(models, { recursive: true, force: true }); });

describe.skipIf(!tinyModelAvailable)(`AI drafts are labelled in run views and exports${tinyModelAvailable ? '' : ` (${NO_TINY_MODEL})`}`, () => {
  it('labels every value derived from a model, and only those, in the run view', async () => {
    const { provenance } = (await server.admin.api('GET', `/api/runs/${runId}`)).body;
    expect(provenance.nodes.note).toEqual({ aiDraft: false, sources: [] });
    expect(provenance.nodes.draft.sources).toEqual([expect.objectContaining({ nodeId: 'draft', type: 'ai/llm', kind: 'generates' })]);
    expect(provenance.nodes.letter.aiDraft).toBe(true);
    expect(provenance.outputs).toMatchObject({ letter: { nodeId: 'outDraft', aiDraft: true }, original: { nodeId: 'outCopy', aiDraft: false } });
  });

  it('exports results with the AI-draft label, who made them, and a notice; the export is audited', async () => {
    const res = await server.admin.api('GET', `/api/runs/${runId}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="medflow-run-${runId}.json"`);
    const byName = Object.fromEntries(res.body.results.map((r: { name: string }) => [r.name, r]));
    expect(res.body).toMatchObject({ format: 'medflow.run-export', formatVersion: 1, aiDraft: true, notice: { ja: expect.stringContaining('AI下書き') }, run: { id: runId, status: 'completed' } });
    expect(byName.letter).toMatchObject({ aiDraft: true, label: { ja: expect.stringContaining('AI下書き') }, madeBy: [{ nodeId: 'draft', type: 'ai/llm' }] });
    expect(byName.letter.value).toMatch(/^紹介状案: /);
    expect(byName.original).toEqual({ name: 'original', value: '原文: 昨夜から38.5℃の発熱', aiDraft: false, madeBy: [] });
    const trail = (await server.admin.api('GET', `/api/audit?action=run.export&resourceId=${runId}`)).body.events;
    expect(trail[0]).toMatchObject({ outcome: 'success', patientData: true, actor: { username: 'admin' } });
  });

  it('does not export another user\'s run, and records the attempt', async () => {
    const res = await stranger.api('GET', `/api/runs/${runId}/export`);
    expect(res.status).toBe(404);
    const trail = (await server.admin.api('GET', `/api/audit?action=run.export&resourceId=${runId}`)).body.events;
    expect(trail[0]).toMatchObject({ outcome: 'denied', actor: { username: 'other-doc' } });
  });
});
