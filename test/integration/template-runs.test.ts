import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinNodes } from '@medflow/nodes-builtin';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, MemoryJournal, NodeRegistry, ResourcePools } from '../../server/src/engine/index.js';
import { evaluate, parseDataset, resolveDatasetFiles, runApprovingReviews } from '../../server/src/evaluation/index.js';
import { silentLogger } from '../../server/src/logger.js';
import { createRuntime, defaultRuntimeConfig } from '../../server/src/runtime/index.js';
import { RunFiles } from '../../server/src/services/file-service.js';
import { MemoryPhiVault } from '../../server/src/compliance/phi-vault.js';
import { testModelsDir, TINY_MODEL, tinyModelAvailable, NO_TINY_MODEL } from '../../server/src/testing/ai-fixtures.js';

/**
 * Every clinical template, end to end on the small models: loaded, validated, and run over records of
 * its labelled samples through the evaluation harness, review gates approved as drafted. The tiny
 * random LLM cannot extract anything meaningful (the evidence check withholds what it invents); what is
 * asserted is that each template runs to its outputs, and the scores of its deterministic parts.
 */
const ROOT = fileURLToPath(new URL('../../templates/clinical/', import.meta.url));
const templates = existsSync(ROOT) ? readdirSync(ROOT).filter((d) => statSync(join(ROOT, d)).isDirectory()) : [];

const models = testModelsDir();
// The complete code tables where this checkout has them (vitest sets MEDFLOW_CODE_TABLES_DIR), as a hospital runs.
const tablesDir = process.env.MEDFLOW_CODE_TABLES_DIR;
const runtime = createRuntime({ ...defaultRuntimeConfig(models), llmContextSize: 2048, ...(tablesDir ? { codeTablesDir: tablesDir } : {}) }, silentLogger);
const files = RunFiles.inMemory();
const phiVault = new MemoryPhiVault();
const engine = new Engine({ registry: new NodeRegistry().registerAll(builtinNodes), journal: new MemoryJournal(), pools: new ResourcePools({ 'cpu-heavy': 2, gpu: 1 }), services: (runId) => runtime.services(files.forRun(runId), phiVault) });
afterAll(async () => { await runtime.close(); rmSync(models, { recursive: true, force: true }); });

const WHISPER_GIVEN = Boolean(process.env.MEDFLOW_TEST_WHISPER_MODEL && existsSync(process.env.MEDFLOW_TEST_WHISPER_MODEL));
/** A transcription node fed by a required recording: the run cannot go on without a whisper model. */
function needsWhisper(document: { nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>; edges: Array<{ from: { node: string }; to: { node: string } }> }): boolean {
  return document.nodes.some((n) => n.type === 'ai/transcribe' && document.edges.some((e) => e.to.node === n.id
    && document.nodes.find((m) => m.id === e.from.node)?.config.required !== false));
}

/** A JSON schema whose strings are at most 12 characters: the random model fills every string to its limit. */
function shortStrings(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(shortStrings);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, shortStrings(v)]));
  return out.type === 'string' ? { ...out, maxLength: 12 } : out;
}

/** The template with its LLM nodes on the tiny model, and short values so its random output stays small. */
function onSmallModels(document: { nodes: Array<{ type: string; config: Record<string, unknown> }> }) {
  return {
    ...document,
    nodes: document.nodes.map((n) => n.type === 'ai/extract' ? { ...n, config: { ...n.config, model: TINY_MODEL, maxTokens: 2048, maxValueLength: 16, maxQuoteLength: 16 } }
      : n.type === 'ai/transcribe' ? { ...n, config: { ...n.config, model: 'whisper-test.bin' } }
      : n.type === 'ai/llm' ? { ...n, config: { ...n.config, model: TINY_MODEL, maxTokens: 1024, ...(n.config.outputSchema ? { outputSchema: shortStrings(n.config.outputSchema) } : {}) } } : n),
  };
}

describe.skipIf(!tinyModelAvailable)(`clinical templates${tinyModelAvailable ? '' : ` (${NO_TINY_MODEL})`}`, () => {
  it('are bundled', () => expect(templates.length).toBeGreaterThan(0));

  it.for(templates)('%s has a README, ≥ 10 labelled samples, and runs end to end with review approved', { timeout: 240_000 }, async (slug: string, ctx) => {
    const dir = join(ROOT, slug);
    expect(statSync(join(dir, 'README.md')).isFile()).toBe(true);
    const document = JSON.parse(readFileSync(join(dir, 'workflow.json'), 'utf8'));
    expect(engine.plan(document).ok).toBe(true);
    const datasetPath = join(dir, 'samples/cases.jsonl');
    const dataset = await resolveDatasetFiles(parseDataset('cases.jsonl', readFileSync(datasetPath, 'utf8')), datasetPath, (bytes, name) => files.storeUpload('dataset', bytes, name));
    expect(dataset.records.length).toBeGreaterThanOrEqual(10);
    // Two records the template acts on and, where the samples have one, one it must leave alone.
    const negative = dataset.records.find((r) => r.tags?.includes('not-notifiable') || r.tags?.includes('negative'));
    const picked = { ...dataset, records: [...dataset.records.filter((r) => r !== negative).slice(0, 2), ...(negative ? [negative] : [])] };
    // No whisper model ships with the repository (see ../shared/models): templates that must transcribe run only with one.
    if (needsWhisper(document) && !WHISPER_GIVEN) {
      console.warn(`[template-runs] ${slug}: run SKIPPED — it transcribes a recording and no whisper model is available (set MEDFLOW_TEST_WHISPER_MODEL=/path/to/ggml-*.bin); validated and its samples checked only`);
      ctx.skip();
    }
    const report = await evaluate(engine, onSmallModels(document), picked, { concurrency: 2, prepareRun: (inputs, runId) => files.share(inputs, 'dataset', runId) });
    expect(report.failedRuns).toBe(0);
    if (slug === 'infectious-disease-notification') {
      expect(report.metrics.requirements!.exactMatch).toBe(1);
      // One run followed to its outputs: the printable form and the JSON for electronic entry.
      const run = await runApprovingReviews(engine, onSmallModels(document), dataset.records[0]!.inputs, true, (inputs, runId) => files.share(inputs, 'dataset', runId));
      expect(run.status).toBe('completed');
      const outputs = run.outputs;
      expect(outputs.form_html).toMatchObject({ mediaType: 'text/html', name: expect.stringMatching(/^腸管出血性大腸菌感染症発生届-/) });
      expect(outputs.notification).toMatchObject({ form: '感染症発生届', disease: { id: 'ehec' }, deadline: { label: '直ちに' }, identityRequired: true });
      expect(outputs.requirements).toMatchObject({ specificFields: expect.arrayContaining([expect.objectContaining({ name: 'ehecToxin' })]) });
      expect(outputs.fhir).toMatchObject({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'QuestionnaireResponse', questionnaire: expect.stringMatching(/eInfectionReport_EHEC$/) } }, {}, {}, {}] });
    }
  });
});
