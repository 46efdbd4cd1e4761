import { rmSync } from 'node:fs';
import { builtinNodes } from '@medflow/nodes-builtin';
import type { RunEvent } from '@medflow/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { edge } from '../support/flows.js';
import { Engine, MemoryJournal, NodeRegistry, ResourcePools } from '../../server/src/engine/index.js';
import { silentLogger } from '../../server/src/logger.js';
import { createRuntime, defaultRuntimeConfig } from '../../server/src/runtime/index.js';
import { RunFiles } from '../../server/src/services/file-service.js';
import { MemoryPhiVault } from '../../server/src/compliance/phi-vault.js';
import { testModelsDir, TINY_MODEL, tinyModelAvailable, NO_TINY_MODEL } from '../../server/src/testing/ai-fixtures.js';

// The AI nodes in real runs: engine + real node-llama-cpp on the small model from ../shared/models.
const models = testModelsDir();
const runtime = createRuntime({ ...defaultRuntimeConfig(models), llmContextSize: 2048 }, silentLogger);
const journal = new MemoryJournal();
const files = RunFiles.inMemory();
const phiVault = new MemoryPhiVault();
const engine = new Engine({ registry: new NodeRegistry().registerAll(builtinNodes), journal, pools: new ResourcePools({ 'cpu-heavy': 2 }), services: (runId) => runtime.services(files.forRun(runId), phiVault) });
afterAll(async () => { await runtime.close(); rmSync(models, { recursive: true, force: true }); });
const note = '主訴：昨夜からの発熱。体温38.5℃。既往歴：2型糖尿病。';

describe.skipIf(!tinyModelAvailable)(`AI nodes in a run${tinyModelAvailable ? '' : ` (${NO_TINY_MODEL})`}`, () => {
  it('ai/llm fills its prompt from upstream, returns grammar-constrained JSON and streams progress', async () => {
    const events: RunEvent[] = [];
    engine.on((e) => events.push(e));
    const doc = {
      name: 'llm',
      nodes: [
        { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
        { id: 'draft', type: 'ai/llm', typeVersion: 1, config: { model: TINY_MODEL, system: '医師の下書きを手伝う', prompt: '次の記録を要約: {{note}}', maxTokens: 60, outputSchema: { type: 'object', properties: { summary: { type: 'string', maxLength: 20 } }, required: ['summary'] } } },
        { id: 'out', type: 'core/json-output', typeVersion: 1, config: {} },
      ],
      edges: [edge('note', 'text', 'draft', 'vars'), edge('draft', 'json', 'out', 'value')],
    };
    const run = await (await engine.start(doc, { note })).done;
    expect(run.status).toBe('completed');
    expect(typeof (run.outputs.result as { summary: unknown }).summary).toBe('string');
    const draft = journal.nodesOf(run.id).find((n) => n.nodeId === 'draft')!;
    expect(draft.outputs!.meta).toMatchObject({ aiDraft: true, model: TINY_MODEL, device: expect.stringMatching(/cpu|gpu/) });
    expect(events.some((e) => e.runId === run.id && e.type === 'node.progress' && e.nodeId === 'draft')).toBe(true);
  });

  it('ai/extract never passes on a value whose evidence is not in the text', async () => {
    const doc = {
      name: 'extract',
      nodes: [
        { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
        { id: 'fields', type: 'ai/extract', typeVersion: 1, config: { model: TINY_MODEL, maxTokens: 600, maxValueLength: 8, maxQuoteLength: 12, fields: [
          { name: 'temperature', label: '体温', type: 'number', required: true },
          { name: 'history', label: '既往歴', type: 'string' },
          { name: 'category', type: 'enum', options: ['患者', '疑似症患者'] },
        ] } },
      ],
      edges: [edge('note', 'text', 'fields', 'text')],
    };
    const run = await (await engine.start(doc, { note })).done;
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('completed');
    const outputs = journal.nodesOf(run.id).find((n) => n.nodeId === 'fields')!.outputs!;
    const fields = outputs.fields as Record<string, { status: string; value: unknown; evidence: { start: number; end: number; text: string } | null }>;
    for (const name of ['temperature', 'history', 'category']) {
      const f = fields[name]!;
      expect(['found', 'not_found', 'unsupported']).toContain(f.status);
      if (f.status === 'found') expect(note.slice(f.evidence!.start, f.evidence!.end)).toBe(f.evidence!.text);
      else expect(f.value).toBeNull();
    }
    expect(outputs.missing).toEqual(fields.temperature!.status === 'found' ? [] : ['temperature']);
  });

  it('fails with the models directory named when the model is missing', async () => {
    const doc = {
      name: 'missing',
      nodes: [{ id: 'n', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } }, { id: 'l', type: 'ai/llm', typeVersion: 1, config: { model: 'elyza-7b.gguf', prompt: '{{n}}' } }],
      edges: [edge('n', 'text', 'l', 'vars')],
    };
    const run = await (await engine.start(doc, { note })).done;
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'MODEL_NOT_FOUND', category: 'USER', details: { directory: models, nodeId: 'l' } });
    expect(run.error!.message).toContain(models);
  });

  it('cancelling a run stops the generation', async () => {
    const doc = {
      name: 'cancel',
      nodes: [{ id: 'n', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } }, { id: 'l', type: 'ai/llm', typeVersion: 1, config: { model: TINY_MODEL, prompt: '{{n}}', maxTokens: 2000 } }],
      edges: [edge('n', 'text', 'l', 'vars')],
    };
    const { run, done } = await engine.start(doc, { note });
    const unsubscribe = engine.on((e) => { if (e.runId === run.id && e.type === 'node.progress' && e.nodeId === 'l') void engine.cancel(run.id); });
    const t0 = performance.now();
    const final = await done;
    unsubscribe();
    expect(final.status).toBe('cancelled');
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(journal.nodesOf(run.id).find((n) => n.nodeId === 'l')!.status).toBe('cancelled');
  });
});
