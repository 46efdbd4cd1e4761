// The notifiable-disease node and the PHI redactor on the 760 real development texts (../shared/realtext-dev): every
// notification raised and every name masked is printed to read; on texts like these almost nothing should be
// notified and no clinical word masked. Run: npm run eval:notifiable (needs ../shared; complete code tables if present).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { notifiableDisease, phiRedact } from '@medflow/nodes-builtin';
import { CodeTables, loadNotifiableTable } from '@medflow/data';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const file = `${root}../shared/realtext-dev/texts.jsonl`;
if (!existsSync(file)) { console.log(`skipped: ${file} not found`); process.exit(0); }
const dir = process.env.MEDFLOW_CODE_TABLES_DIR ?? `${root}../shared/codes`;
const codes = existsSync(`${dir}/icd10_who.tsv`) ? new CodeTables(dir) : new CodeTables();
const services = { codes, notifiable: loadNotifiableTable(), phiVault: { async keep() { return { vaultId: 'v' }; } } };
const ctxFor = (def, config) => ({
  config: def.config.parse(config), runId: 'eval', nodeId: 'n', attempt: 1, signal: new AbortController().signal,
  log: { debug() {}, info() {}, warn() {}, error() {} }, progress() {}, runInputs: {}, suspend() { throw new Error('no'); }, services,
});
const texts = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const notifier = ctxFor(notifiableDisease, {});
const redactor = ctxFor(phiRedact, { keepMapping: false });
let raised = 0;
const names = [];
const kinds = new Map();
for (const t of texts) {
  const out = await notifiableDisease.execute(notifier, { text: t.text });
  if (out.notification) {
    raised++;
    const { disease, suggestedType, evidence } = out.notification;
    console.log(`notified ${t.id}: ${disease.name} (${suggestedType}) — 「${t.text.slice(Math.max(0, evidence.start - 20), evidence.end + 20).replace(/\s+/g, ' ')}」`);
  }
  const { spans } = await phiRedact.execute(redactor, { text: t.text });
  for (const s of spans.spans) {
    kinds.set(s.type, (kinds.get(s.type) ?? 0) + 1);
    if (s.type === 'name') names.push(`${t.id}: 「${t.text.slice(s.start, s.end)}」 in 「${t.text.slice(Math.max(0, s.start - 10), s.end + 10).replace(/\s+/g, ' ')}」`);
  }
}
console.log(`notifications: ${raised} of ${texts.length} texts (${codes.kind} code tables); read each above — a text that names a notifiable disease as diagnosed is a true notification`);
console.log(`PHI masks by type: ${JSON.stringify(Object.fromEntries(kinds))}; name masks: ${names.length}`);
for (const n of names) console.log(`  name ${n}`);
