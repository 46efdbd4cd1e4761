// The ICD coder (dictionary mode) on data nobody on the team wrote rules from:
//  - held-out expressions: a seeded 10% of 万病辞書's real-world variants (and 5% of MEDIS 標準病名) that no other
//    source spells the same way are left out of the dictionary, then coded as if a physician had written them;
//  - all MEDIS 標準病名 with the full dictionary (a regression guard: they are in it);
//  - the 760 real texts of ../shared/realtext-dev: every proposed code is written to a file to read.
// Run: npm run eval:codes  (needs the complete tables: MEDFLOW_CODE_TABLES_DIR or ../shared/codes)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodeTables, normalizeKey } from '@medflow/data';
import { icdCoder } from '@medflow/nodes-builtin';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = process.env.MEDFLOW_CODE_TABLES_DIR ?? `${root}../shared/codes`;
if (!existsSync(`${dir}/icd10_who.tsv`)) { console.log(`skipped: no complete code tables in ${dir}`); process.exit(0); }
const realtext = process.env.MEDFLOW_REALTEXT ?? `${root}../shared/realtext-dev/texts.jsonl`;
const out = `${root}test-output/coder-eval`;
mkdirSync(out, { recursive: true });

const tsv = (file) => {
  const [header, ...lines] = readFileSync(`${dir}/${file}`, 'utf8').split('\n').filter(Boolean);
  const cols = header.split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v])));
};
const bucket = (s) => createHash('sha256').update(`medflow-dev-split:${s}`).digest().readUInt16BE(0) % 100;
const firstCode = (r) => (r.who_code || r.icd10).split('|')[0];

// Keys every other source spells: a held-out expression must be wording the dictionary would not otherwise have.
const medis = tsv('medis_byomei.tsv');
const index = tsv('medis_index_terms.tsv');
const manbyo = tsv('manbyo.tsv');
const medisKeys = new Set([...medis.flatMap((r) => [r.name, r.name_abbrev]), ...index.map((r) => r.term)].map((t) => normalizeKey(t)));
const heldManbyo = manbyo.filter((r) => firstCode(r) && r.expression !== r.standard_name && !medisKeys.has(normalizeKey(r.expression)) && bucket(r.expression) < 10);
const manbyoKeys = new Set(manbyo.map((r) => normalizeKey(r.expression)));
const heldMedis = medis.filter((r) => firstCode(r) && !manbyoKeys.has(normalizeKey(r.name)) && bucket(r.name) < 5);
const heldOut = new Set([...heldManbyo.map((r) => r.expression), ...heldMedis.flatMap((r) => [r.name, r.name_abbrev])]);
const heldIndexTerms = new Set(heldMedis.flatMap((r) => index.filter((i) => i.icd10 === r.icd10 && normalizeKey(i.term) === normalizeKey(r.name)).map((i) => i.term)));

const ctxFor = (codes, config) => ({
  config: icdCoder.config.parse(config), runId: 'eval', nodeId: 'coder', attempt: 1, signal: new AbortController().signal,
  log: { debug() {}, info() {}, warn() {}, error() {} }, progress() {}, runInputs: {}, suspend() { throw new Error('no review here'); },
  services: { codes },
});

/** One expression as the whole note: the coder's codes (and flagged ones, since an expression may itself say 疑い). */
async function score(label, codes, rows, textOf, goldOf) {
  const ctx = ctxFor(codes, { mode: 'dictionary', maxCodes: 30 });
  let cat = 0; let four = 0; let none = 0; let proposed = 0; let correctProposed = 0;
  const misses = [];
  for (const r of rows) {
    const text = textOf(r);
    const gold = goldOf(r);
    const { codes: result } = await icdCoder.execute(ctx, { text });
    // The expression's code is that of its head: the surest code, and among equals the last one (Japanese compounds are head-final).
    const flagged = result.flagged.filter((c) => !/^(more specific|symptom|a more specific external)/.test(c.note ?? ''));
    const got = [...(result.codes.length ? result.codes : flagged)].sort((a, b) => b.confidence - a.confidence || b.evidence.start - a.evidence.start);
    if (!got.length) { none++; misses.push({ text, gold, got: [] }); continue; }
    proposed += got.length;
    correctProposed += got.filter((c) => c.icd10.slice(0, 3) === gold.slice(0, 3)).length;
    const top = got[0].icd10;
    if (top.slice(0, 3) === gold.slice(0, 3)) cat++; else misses.push({ text, gold, got: got.map((c) => `${c.icd10}:${c.evidence.text}${c.note?.includes("部位") ? "(composed)" : ""}`) });
    if (top === gold || (gold.length === 3 && top.slice(0, 3) === gold)) four++;
  }
  const n = rows.length;
  const line = `${label}: n=${n}  3-char exact ${(cat / n).toFixed(3)}  4-char exact ${(four / n).toFixed(3)}  proposes nothing ${(none / n).toFixed(3)}  precision of proposals (3-char) ${(correctProposed / Math.max(1, proposed)).toFixed(3)}`;
  console.log(line);
  writeFileSync(`${out}/${label.replace(/\W+/g, '-')}-misses.jsonl`, misses.map((m) => JSON.stringify(m)).join('\n'));
  return line;
}

const t0 = performance.now();
const heldTables = new CodeTables(dir, (source, term) => !(heldOut.has(term) || (source === 'medis-index' && heldIndexTerms.has(term))));
heldTables.findMentions('');
console.log(`held-out dictionary built in ${(performance.now() - t0).toFixed(0)} ms (${heldManbyo.length} 万病辞書 variants, ${heldMedis.length} MEDIS names left out)`);
const lines = [];
lines.push(await score('held-out MANBYO variants', heldTables, heldManbyo, (r) => r.expression, firstCode));
lines.push(await score('held-out MEDIS names', heldTables, heldMedis, (r) => r.name, firstCode));
const full = new CodeTables(dir);
lines.push(await score('MEDIS names (in the dictionary)', full, medis.filter((r) => firstCode(r)), (r) => r.name, firstCode));

if (existsSync(realtext)) {
  const texts = readFileSync(realtext, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const ctx = ctxFor(full, { mode: 'dictionary' });
  const rows = [];
  let withCodes = 0; let total = 0;
  const started = performance.now();
  for (const t of texts) {
    const { codes: result } = await icdCoder.execute(ctx, { text: t.text });
    if (result.codes.length) withCodes++;
    total += result.codes.length;
    for (const c of result.codes) rows.push([t.id, c.icd10, c.title.ja, c.confidence, c.evidence.text, t.text.slice(Math.max(0, c.evidence.start - 15), c.evidence.end + 15).replace(/\s+/g, ' ')].join('\t'));
  }
  writeFileSync(`${out}/realtext-codes.tsv`, `id\ticd10\ttitle\tconfidence\tevidence\tcontext\n${rows.join('\n')}\n`);
  const line = `realtext-dev: ${texts.length} texts in ${(performance.now() - started).toFixed(0)} ms, ${withCodes} with codes, ${total} codes (every one in test-output/coder-eval/realtext-codes.tsv)`;
  console.log(line);
  lines.push(line);
}
writeFileSync(`${out}/summary.txt`, `${lines.join('\n')}\n`);
