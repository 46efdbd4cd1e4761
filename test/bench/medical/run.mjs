// Medical nodes alone, without the engine. Run: npm run bench:medical
//  - loading the code tables: time and resident memory for each part (codes, dictionary, search index);
//  - the ICD coder (dictionary mode) on a 100,000-character note built from the real development texts, median of 5;
//  - code search p50/p95 over names, kana readings, abbreviations and codes;
//  - throughput of the coder and of PHI redaction on the development datasets, median of 5 passes.
// Complete tables come from MEDFLOW_CODE_TABLES_DIR or ../shared/codes; without them the development subset is measured.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { icdCoder, phiRedact } from '@medflow/nodes-builtin';
import { CodeTables } from '@medflow/data';
import { median, pct } from '../shared.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shared = `${root}../shared/codes`;
const dir = process.env.MEDFLOW_CODE_TABLES_DIR ?? (existsSync(`${shared}/icd10_who.tsv`) ? shared : undefined);
const read = (name) => readFileSync(new URL(`../../fixtures/datasets/${name}`, import.meta.url), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

const rss0 = process.memoryUsage().rss;
const timed = (label, fn) => {
  const t0 = performance.now();
  fn();
  console.log(`  ${label}: ${(performance.now() - t0).toFixed(0)} ms, RSS +${mb(process.memoryUsage().rss - rss0)}`);
};
const codes = dir ? new CodeTables(dir) : new CodeTables();
console.log(`code tables (${dir ? `complete, ${dir}` : 'development subset'}):`);
timed('codes (lookup ready)', () => codes.lookup('icd10', 'J18.9'));
timed('dictionary (coding ready)', () => codes.findMentions('肺炎'));
timed('search index', () => codes.search('icd10', '肺炎'));
codes.warm();
globalThis.gc?.();
const { tables: _, ...info } = codes.info();
console.log(`  ${JSON.stringify(info)}; heap ${mb(process.memoryUsage().heapUsed)}, RSS +${mb(process.memoryUsage().rss - rss0)} (run with --expose-gc for the settled figure)`);

const ctxFor = (def, config) => ({
  config: def.config.parse(config), runId: 'bench', nodeId: 'n', attempt: 1, signal: new AbortController().signal,
  log: { debug() {}, info() {}, warn() {}, error() {} }, progress() {}, runInputs: {}, suspend() { throw new Error('no'); },
  services: { codes, phiVault: { async keep() { return { vaultId: 'v' }; } } },
});

const realtext = `${root}../shared/realtext-dev/texts.jsonl`;
const pieces = existsSync(realtext) ? readFileSync(realtext, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text) : read('icd-snippets.jsonl').map((r) => r.inputs.text);
let note = '';
for (let i = 0; note.length < 100_000; i++) note += `${pieces[i % pieces.length]}\n`;
note = note.slice(0, 100_000);
const coderCtx = ctxFor(icdCoder, { mode: 'dictionary' });
const noteTimes = [];
let found = 0;
for (let i = 0; i < 6; i++) {
  const t0 = performance.now();
  const { codes: out } = await icdCoder.execute(coderCtx, { text: note });
  if (i) noteTimes.push(performance.now() - t0);
  found = out.codes.length + out.flagged.length;
}
console.log(`ICD coder on a 100,000-character note: median ${median(noteTimes).toFixed(0)} ms (${found} diagnoses and flagged mentions; target < 200 ms)`);

const queries = ['肺炎', 'はいえん', 'しんぼうさいどう', '心房細動', 'AMI', 'ami', 'J18', 'J18.9', 'I21', '糖尿病', 'とうにょうびょう', 'COPD', '腸管出血性大腸菌', '結核', 'けっかく', '骨折', '大腿骨頸部骨折', '胃癌', 'いがん', 'HT', '高血圧', '脳梗塞', 'のうこうそく', 'くも膜下出血', 'SAH', 'pneumonia', 'heart failure', 'インフルエンザ', '帯状疱疹', '1A03'];
for (const q of queries) codes.search('icd10', q); // warm
const searchTimes = [];
for (let pass = 0; pass < 5; pass++) for (const system of ['icd10', 'icd11']) for (const q of queries) {
  const t0 = performance.now();
  codes.search(system, q, 20);
  searchTimes.push(performance.now() - t0);
}
console.log(`code search: ${searchTimes.length} queries, p50 ${median(searchTimes).toFixed(2)} ms, p95 ${pct(searchTimes, 0.95).toFixed(2)} ms (target p95 ≤ 50 ms)`);

async function bench(label, def, config, records) {
  const ctx = ctxFor(def, config);
  const passes = [];
  for (let pass = 0; pass < 6; pass++) {
    const t0 = performance.now();
    for (const r of records) await def.execute(ctx, { text: r.inputs.text });
    if (pass) passes.push(performance.now() - t0); // the first pass warms up the JIT
  }
  const m = median(passes);
  const chars = records.reduce((a, r) => a + r.inputs.text.length, 0);
  console.log(`${label}: ${records.length} texts (${chars} characters) in ${m.toFixed(1)} ms median → ${Math.round((records.length / m) * 1000)} texts/s, ${Math.round((chars / m) * 1000)} characters/s`);
}
await bench('ICD coder (dictionary mode)', icdCoder, { mode: 'dictionary' }, read('icd-snippets.jsonl'));
await bench('PHI redaction', phiRedact, {}, read('phi-notes.jsonl'));
