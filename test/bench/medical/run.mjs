// Medical nodes alone, without the engine: ICD coder (dictionary mode) and PHI redaction throughput on
// the development datasets, median of 5 passes. Run: npm run bench:medical
import { readFileSync } from 'node:fs';
import { icdCoder, phiRedact } from '@medflow/nodes-builtin';
import { CodeTables, loadCodeTables } from '@medflow/data';

const read = (name) => readFileSync(new URL(`../../fixtures/datasets/${name}`, import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const codes = loadCodeTables();
const ctxFor = (def, config) => ({
  config: def.config.parse(config), runId: 'bench', nodeId: 'n', attempt: 1, signal: new AbortController().signal,
  log: { debug() {}, info() {}, warn() {}, error() {} }, progress() {}, runInputs: {}, suspend() { throw new Error('no'); },
  services: { codes, phiVault: { async keep() { return { vaultId: 'v' }; } } },
});

async function bench(label, def, config, records) {
  const ctx = ctxFor(def, config);
  const passes = [];
  for (let pass = 0; pass < 6; pass++) {
    const t0 = performance.now();
    for (const r of records) await def.execute(ctx, { text: r.inputs.text });
    if (pass) passes.push(performance.now() - t0); // the first pass warms up the JIT
  }
  passes.sort((a, b) => a - b);
  const median = passes[Math.floor(passes.length / 2)];
  const chars = records.reduce((a, r) => a + r.inputs.text.length, 0);
  console.log(`${label}: ${records.length} texts (${chars} characters) in ${median.toFixed(1)} ms median → ${Math.round((records.length / median) * 1000)} texts/s, ${Math.round((chars / median) * 1000)} characters/s`);
}

const t0 = performance.now();
new CodeTables();
console.log(`code tables: ${JSON.stringify(codes.info())}; loading them took ${(performance.now() - t0).toFixed(1)} ms`);
await bench('ICD coder (dictionary mode)', icdCoder, { mode: 'dictionary' }, read('icd-snippets.jsonl'));
await bench('PHI redaction', phiRedact, {}, read('phi-notes.jsonl'));
