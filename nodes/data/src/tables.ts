import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeEntry, CodeMention, CodeSystem, MedicalCodesService } from '@medflow/sdk';
import { DictionaryMatcher, type DictionaryTerm } from './matcher.js';
import { normalizeKey } from './normalize.js';

/** The tables shipped with the package (see README.md beside them for sources and licences). */
export const BUNDLED_TABLES_DIR = fileURLToPath(new URL('../icd/', import.meta.url));

/** ICD-10 4th character of external causes W00–Y34: the place of occurrence. */
const PLACES: Array<{ ja: string; en: string }> = [
  { ja: '家（庭）', en: 'home' },
  { ja: '居住施設', en: 'residential institution' },
  { ja: '学校，施設及び公共の地域', en: 'school, other institution and public administrative area' },
  { ja: 'スポーツ施設及び競技施設', en: 'sports and athletics area' },
  { ja: '街路及びハイウェイ', en: 'street and highway' },
  { ja: '商業及びサービス施設', en: 'trade and service area' },
  { ja: '工業用地域及び建築現場', en: 'industrial and construction area' },
  { ja: '農場', en: 'farm' },
  { ja: 'その他の明示された場所', en: 'other specified places' },
  { ja: '詳細不明の場所', en: 'unspecified place' },
];

export class CodeTableError extends Error {}

function readTsv(dir: string, file: string): string[][] {
  let text: string;
  try { text = readFileSync(join(dir, file), 'utf8'); } catch (e) { throw new CodeTableError(`cannot read ${join(dir, file)}: ${(e as NodeJS.ErrnoException).code ?? e}`); }
  return text.split(/\r?\n/).map((line, i) => ({ line, i })).filter(({ line }) => line.trim() && !line.startsWith('#'))
    .map(({ line, i }) => {
      const cols = line.split('\t');
      if (cols.length < 3) throw new CodeTableError(`${file}:${i + 1}: expected tab-separated columns, got "${line.slice(0, 60)}"`);
      return cols.map((c) => c.trim());
    });
}

/** `j189`, `J18.9`, `Ｊ１８．９` → `J18.9`; ICD-11 codes keep their own dots (`2C12.02`). */
export function canonicalCode(system: CodeSystem, code: string): string {
  const c = code.normalize('NFKC').trim().toUpperCase().replace(/\s/g, '');
  if (system === 'icd10') {
    const m = /^([A-Z]\d{2})\.?([0-9X]?)$/.exec(c.replace(/[-†*]$/, ''));
    return m ? (m[2] ? `${m[1]}.${m[2]}` : m[1]!) : c;
  }
  return c;
}

const isExternalCategory = (code: string) => /^(W\d\d|X\d\d|Y[0-2]\d|Y3[0-4])$/.test(code);

/**
 * ICD-10 and ICD-11 code tables with a dictionary of physicians' expressions. Loaded once per server
 * (a few thousand rows, a few milliseconds); every lookup is a map read.
 */
export class CodeTables implements MedicalCodesService {
  private readonly icd10 = new Map<string, CodeEntry>();
  private readonly icd11 = new Map<string, CodeEntry>();
  private readonly matcher: DictionaryMatcher;
  private readonly searchIndex: Record<CodeSystem, Array<{ key: string; entry: CodeEntry }>> = { icd10: [], icd11: [] };
  private readonly synonymCount: number;

  constructor(readonly dir: string = BUNDLED_TABLES_DIR) {
    for (const [code, icd11, ja, en] of readTsv(dir, 'icd10.tsv')) {
      const mapped = icd11 ? icd11.split(/[,;]/).map((c) => canonicalCode('icd11', c)).filter(Boolean) : [];
      const entry: CodeEntry = { system: 'icd10', code: canonicalCode('icd10', code!), title: { ja: ja!, en: en ?? '' }, mapped };
      if (isExternalCategory(entry.code)) {
        entry.externalCause = true;
        PLACES.forEach((place, i) => this.icd10.set(`${entry.code}.${i}`, {
          ...entry, code: `${entry.code}.${i}`, title: { ja: `${entry.title.ja}，${place.ja}`, en: `${entry.title.en}, ${place.en}` },
        }));
      }
      this.icd10.set(entry.code, entry);
    }
    for (const [code, ja, en] of readTsv(dir, 'icd11.tsv')) {
      const c = canonicalCode('icd11', code!);
      this.icd11.set(c, { system: 'icd11', code: c, title: { ja: ja!, en: en ?? '' }, mapped: [] });
    }
    for (const e of this.icd10.values()) {
      for (const m of e.mapped) {
        const target = this.icd11.get(m);
        if (!target) throw new CodeTableError(`icd10.tsv: ${e.code} maps to ${m}, which icd11.tsv does not list`);
        const placeVariant = e.externalCause && e.code.includes('.');
        if (!placeVariant && !target.mapped.includes(e.code)) target.mapped.push(e.code);
      }
    }

    const terms: DictionaryTerm[] = [];
    for (const [term, code, kind] of readTsv(dir, 'synonyms.tsv')) {
      if (!['ja', 'en', 'abbr', 'ignore'].includes(kind!)) throw new CodeTableError(`synonyms.tsv: "${term}" has kind "${kind}" (ja, en, abbr or ignore)`);
      if (kind === 'ignore') { terms.push({ term: term!, kind: 'ignore', icd10: [] }); continue; }
      const c = canonicalCode('icd10', code!);
      if (!this.icd10.has(c)) throw new CodeTableError(`synonyms.tsv: "${term}" names ${c}, which icd10.tsv does not list`);
      terms.push({ term: term!, kind: kind as DictionaryTerm['kind'], icd10: [c] });
    }
    this.synonymCount = terms.length;
    // Official titles are expressions too (「肺炎，詳細不明」 as written on a certificate), before the first comma.
    for (const e of this.icd10.values()) {
      if (e.externalCause && e.code.includes('.')) continue;
      // Bracketed parts are alternatives or asides: 「急性鼻咽頭炎［かぜ］＜感冒＞」 → 急性鼻咽頭炎, 「多発（性）ニューロパチ－」 → 多発ニューロパチ－.
      const head = e.title.ja.split(/[，,]/)[0]!.replace(/[（(［\[＜<][^）)］\]＞>]*[）)］\]＞>]/g, '');
      if (head.length >= 3) terms.push({ term: head, kind: 'title', icd10: [e.code] });
    }
    this.matcher = new DictionaryMatcher(terms);

    for (const system of ['icd10', 'icd11'] as const) {
      const table = system === 'icd10' ? this.icd10 : this.icd11;
      for (const e of table.values()) this.searchIndex[system].push({ key: normalizeKey(`${e.title.ja} ${e.title.en}`), entry: e });
    }
    for (const t of terms) {
      if (t.kind === 'ignore') continue;
      const e = this.icd10.get(t.icd10[0]!)!;
      // Search is by what a person types, case-insensitive: 「ami」 finds AMI.
      const key = normalizeKey(t.term);
      this.searchIndex.icd10.push({ key, entry: e });
      for (const m of e.mapped) this.searchIndex.icd11.push({ key, entry: this.icd11.get(m)! });
    }
  }

  lookup(system: CodeSystem, code: string): CodeEntry | undefined {
    return (system === 'icd10' ? this.icd10 : this.icd11).get(canonicalCode(system, code));
  }

  search(system: CodeSystem, query: string, limit = 20): CodeEntry[] {
    const exact = this.lookup(system, query);
    const q = normalizeKey(query);
    if (!q) return exact ? [exact] : [];
    const scored = new Map<string, { entry: CodeEntry; score: number }>();
    if (exact) scored.set(exact.code, { entry: exact, score: -1 });
    for (const { key, entry } of this.searchIndex[system]) {
      const at = key.indexOf(q);
      if (at < 0) continue;
      // Exact name first, then names starting with the query, then shorter (more general) names.
      const score = (key === q ? 0 : at === 0 ? 1 : 2) * 1000 + key.length;
      const prev = scored.get(entry.code);
      if (!prev || score < prev.score) scored.set(entry.code, { entry, score });
    }
    return [...scored.values()].sort((a, b) => a.score - b.score || a.entry.code.localeCompare(b.entry.code)).slice(0, limit).map((s) => s.entry);
  }

  findMentions(text: string): CodeMention[] {
    return this.matcher.find(text);
  }

  info() {
    const bundled = this.dir === BUNDLED_TABLES_DIR;
    return {
      source: bundled ? 'bundled subset (nodes/data/icd, see its README)' : `tables in ${this.dir}`,
      icd10: this.icd10.size, icd11: this.icd11.size, synonyms: this.synonymCount,
    };
  }
}

let shared: CodeTables | undefined;

/** One table set per process and directory: loading is cheap, but there is no reason to do it twice. */
export function loadCodeTables(dir?: string): CodeTables {
  if (!dir || dir === BUNDLED_TABLES_DIR) return (shared ??= new CodeTables());
  return new CodeTables(dir);
}
