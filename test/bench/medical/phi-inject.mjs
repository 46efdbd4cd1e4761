// PHI redaction on real prose with identifiers injected (development figure): 200 texts of ../shared/realtext-dev, each
// given a header and sentences carrying names (rare surnames outside the lexicon, hiragana given names, relatives,
// Dr., 症例は), phones, insurance, beds, facilities and era birth years, seeded. Reports recall by type (every character
// of an injected value masked) and every mask outside the injected values (false masks on the unmodified prose).
// Run: node test/bench/medical/phi-inject.mjs (after npm run build)
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { phiRedact } from '@medflow/nodes-builtin';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const file = `${root}../shared/realtext-dev/texts.jsonl`;
if (!existsSync(file)) { console.log(`skipped: ${file} not found`); process.exit(0); }
const texts = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);

let seed = 20261202;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
// Surnames mostly outside the detector's lexicon, as real patients' often are.
const SURNAMES = ['釘宮', '東海林', '勅使河原', '五十嵐', '小鳥遊', '四月一日', '佐藤', '鈴木', '御手洗', '猪狩', '百目鬼', '春日井'];
const GIVEN = ['幸子', '一郎', '美咲', '健太', '千代', '雅彦', '和子', '翔'];
const HIRA = ['はなこ', 'さくら', 'ゆうき', 'みどり'];
const TEMPLATES = [
  [(n) => `${n.s}${n.g}さんより電話あり。`, 'name'],
  [(n) => `患者氏名：${n.s}　${n.g}`, 'name'],
  [(n) => `${n.h}さんに説明した。`, 'name'],
  [(n) => `妻 ${n.g}（68）が付き添い。`, 'name'],
  [(n) => `Dr. ${n.s}に相談。`, 'name'],
  [(n) => `症例は${n.s}${n.g}、70歳代。`, 'name'],
  [(n) => `主治医：${n.s}`, 'name'],
  [() => `連絡先 ０３（３４１２）５６７８`, 'phone'],
  [() => `TEL 090-1234-5678`, 'phone'],
  [() => `記号・番号：88-595・5415`, 'insurance'],
  [() => `保険者番号 06131234`, 'insurance'],
  [() => `ICU 7番ベッドへ移動。`, 'facility'],
  [() => `訪問看護ステーションひまわりと連携。`, 'facility'],
  [() => `S23年生まれ。`, 'birthdate'],
  [() => `東京都文京区本郷3丁目5-12 ハイツ本郷203`, 'address'],
];
// The injected value within each template's text: what must be masked.
const VALUE = (text, type, n) => ({
  name: [n.s && text.includes(`${n.s}${n.g}`) ? `${n.s}${n.g}` : undefined, text.includes(`${n.s}　${n.g}`) ? `${n.s}　${n.g}` : undefined, text.includes(n.h) ? n.h : undefined, text.includes(`妻 ${n.g}`) ? n.g : undefined, /Dr\. |主治医：/.test(text) ? n.s : undefined].find(Boolean),
  phone: /０３/.test(text) ? '０３（３４１２）５６７８' : '090-1234-5678',
  insurance: text.includes('記号') ? '88-595・5415' : '06131234',
  facility: text.includes('ICU') ? '7番ベッド' : 'ひまわり',
  birthdate: 'S23年',
  address: '東京都文京区本郷3丁目5-12 ハイツ本郷203',
})[type];

const ctx = {
  config: phiRedact.config.parse({ keepMapping: false }), runId: 'bench', nodeId: 'phi', attempt: 1, signal: new AbortController().signal,
  log: { debug() {}, info() {}, warn() {}, error() {} }, progress() {}, services: {},
};
const byType = new Map();
const falseMasks = [];
let falseName = 0;
for (let i = 0; i < 200; i++) {
  const base = texts[(i * 7) % texts.length];
  const n = { s: pick(SURNAMES), g: pick(GIVEN), h: pick(HIRA) };
  const chosen = [pick(TEMPLATES), pick(TEMPLATES), pick(TEMPLATES)];
  let text = '';
  const injected = [];
  for (const [make, type] of chosen) {
    const line = make(n);
    const value = VALUE(line, type, n);
    const at = text.length + line.indexOf(value);
    injected.push({ type, start: at, end: at + value.length });
    text += `${line}\n`;
  }
  const offset = text.length;
  text += base;
  const { spans } = await phiRedact.execute(ctx, { text });
  const masked = new Uint8Array(text.length);
  for (const s of spans.spans) masked.fill(1, s.start, s.end);
  for (const g of injected) {
    const t = byType.get(g.type) ?? { n: 0, found: 0 };
    t.n++;
    let all = true;
    for (let k = g.start; k < g.end; k++) if (!masked[k] && !/[\s・]/.test(text[k])) all = false;
    if (all) t.found++;
    byType.set(g.type, t);
  }
  for (const s of spans.spans) {
    if (s.end <= offset) continue;
    falseMasks.push(`${s.type}: ${text.slice(s.start, s.end)}`);
    if (s.type === 'name') falseName++;
  }
}
for (const [type, t] of [...byType].sort()) console.log(`recall ${type}: ${(t.found / t.n).toFixed(3)} (${t.found}/${t.n})`);
console.log(`masks in the unmodified prose of 200 texts: ${falseMasks.length} (names ${falseName}): ${[...new Set(falseMasks)].join(' / ')}`);
