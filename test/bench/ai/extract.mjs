// Extraction on the CPU path (issue "Performance", item 3): the notification template's ai/extract node, its own
// fields, over ~2,000-character notes taken from ../shared/realtext-dev, on the tiny test model. Prints seconds per
// note (median), generated tokens/s, and the node's maxTokens against what its schema can need.
// Random weights: speed only, never quality. Usage: npm run build && node test/bench/ai/extract.mjs
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinNodes } from '@medflow/nodes-builtin';
import { Engine, MemoryJournal, NodeRegistry, ResourcePools } from '../../../server/dist/engine/index.js';
import { createRuntime, defaultRuntimeConfig } from '../../../server/dist/runtime/index.js';
import { RunFiles } from '../../../server/dist/services/file-service.js';
import { MemoryPhiVault } from '../../../server/dist/compliance/phi-vault.js';
import { median } from '../shared.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const modelPath = resolve(process.env.BENCH_LLM_MODEL ?? join(root, '../shared/models/llama-2-tiny-random.gguf'));
const textsPath = join(root, '../shared/realtext-dev/texts.jsonl');
if (!existsSync(modelPath) || !existsSync(textsPath)) { console.log(`skipped: needs ${modelPath} and ${textsPath}`); process.exit(0); }
const NOTES = Number(process.env.BENCH_NOTES ?? 5);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

const template = JSON.parse(readFileSync(join(root, 'templates/clinical/infectious-disease-notification/workflow.json'), 'utf8'));
const extract = template.nodes.find((n) => n.type === 'ai/extract');
const texts = readFileSync(textsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text);
// Notes of about 2,000 characters: consecutive real texts joined until long enough.
const notes = [];
for (let i = 0; notes.length < NOTES && i < texts.length; i++) {
  let note = '';
  while (note.length < 2000 && i < texts.length) note += `${texts[i++]}\n`;
  notes.push(note.slice(0, 2000));
}

const models = mkdtempSync(join(tmpdir(), 'medflow-bench-extract-'));
symlinkSync(modelPath, join(models, basename(modelPath)));
const runtime = createRuntime({ ...defaultRuntimeConfig(models), gpu: process.env.MEDFLOW_GPU ?? 'auto', llmContextSize: 8192 }, quiet);
const files = RunFiles.inMemory();
const vault = new MemoryPhiVault();
const engine = new Engine({ registry: new NodeRegistry().registerAll(builtinNodes), journal: new MemoryJournal(), pools: new ResourcePools({ 'cpu-heavy': 2, gpu: 1 }), services: (runId) => runtime.services(files.forRun(runId), vault) });
const doc = {
  name: 'extract bench',
  nodes: [
    { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
    { id: 'extract', type: 'ai/extract', typeVersion: 1, config: { ...extract.config, model: basename(modelPath) } },
    { id: 'out', type: 'core/json-output', typeVersion: 1, config: { name: 'out' } },
  ],
  edges: [{ from: { node: 'note', port: 'text' }, to: { node: 'extract', port: 'text' } }, { from: { node: 'extract', port: 'values' }, to: { node: 'out', port: 'value' } }],
};
await runtime.llm.generate({ model: basename(modelPath), prompt: 'warm up', maxTokens: 4 });
const info = await runtime.llm.backendInfo();
const seconds = [];
let failed = 0;
for (const note of notes) {
  const t0 = performance.now();
  const run = await (await engine.start(doc, { note })).done;
  seconds.push((performance.now() - t0) / 1000);
  if (run.status !== 'completed') { failed++; console.error(`  note failed: ${run.error?.code} ${run.error?.message?.slice(0, 120)}`); }
}
console.log(`MedFlow extraction benchmark — ${availableParallelism()} cores, backend ${info.backend} (${info.threads} CPU threads), model ${basename(modelPath)}`);
console.log(`  ${extract.config.fields.length} fields of the 感染症発生届 template, ${notes.length} notes of ~2,000 characters (realtext-dev)`);
console.log(`  seconds per note: median ${median(seconds).toFixed(2)} (min ${Math.min(...seconds).toFixed(2)}, max ${Math.max(...seconds).toFixed(2)}); target < 10 s; failed ${failed}`);
await runtime.close();
rmSync(models, { recursive: true, force: true });
