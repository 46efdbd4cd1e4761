import { fileURLToPath } from 'node:url';
import type { CodeEntry } from '@medflow/sdk';
import type { DictionaryTerm } from '../matcher.js';
import { CodeTableError, readCommentedTsv } from '../tsv.js';

/** The team's tables shipped with the package (see README.md beside them for sources and licences). */
export const BUNDLED_TABLES_DIR = fileURLToPath(new URL('../../icd/', import.meta.url));

/** `j189`, `J18.9`, `Ｊ１８．９` → `J18.9`; ICD-11 codes keep their own dots (`2C12.02`). */
export function canonicalCode(system: 'icd10' | 'icd11', code: string): string {
  const c = code.normalize('NFKC').trim().toUpperCase().replace(/\s/g, '');
  if (system === 'icd10') {
    const m = /^([A-Z]\d{2})\.?([0-9X]?)$/.exec(c.replace(/[-†*]$/, ''));
    return m ? (m[2] ? `${m[1]}.${m[2]}` : m[1]!) : c;
  }
  return c;
}

/**
 * Expressions as physicians write them (`synonyms.tsv`: term, ICD-10 code, kind ja/en/abbr/ignore, and
 * `override` where the team's code must win over MEDIS for the same words, e.g. 窒息 T71 beside an injury),
 * checked against the code table they will be used with: a row naming a code the table lacks stops
 * the load, naming the file and row (unless `strict` is off: the bundled file over a hospital's own tables).
 */
export function curatedTerms(dir: string | undefined, icd10: Map<string, CodeEntry>, file = 'synonyms.tsv', strict = true): DictionaryTerm[] {
  const terms: DictionaryTerm[] = [];
  for (const { line, cells: [term, code, kind, priority] } of readCommentedTsv(dir ?? BUNDLED_TABLES_DIR, file)) {
    if (!['ja', 'en', 'abbr', 'ignore'].includes(kind!)) throw new CodeTableError(`${file}:${line}: "${term}" has kind "${kind}" (ja, en, abbr or ignore)`);
    if (kind === 'ignore') { terms.push({ term: term!, kind: 'ignore', icd10: [], source: 'synonym' }); continue; }
    const c = canonicalCode('icd10', code!);
    // The bundled synonyms laid over another table set keep only the rows whose code that set has.
    if (!icd10.has(c) && !strict) continue;
    if (!icd10.has(c)) throw new CodeTableError(`${file}:${line}: "${term}" names ${c}, which the ICD-10 table does not list`);
    if (priority && priority !== 'override') throw new CodeTableError(`${file}:${line}: 4th column "${priority}" (empty or override)`);
    terms.push({ term: term!, kind: kind as DictionaryTerm['kind'], icd10: [c], source: 'synonym', ...(priority ? { override: true } : {}) });
  }
  return terms;
}

/** Official titles are expressions too (「肺炎，詳細不明」 as written on a certificate), before the first comma. */
export function titleTerms(icd10: Map<string, CodeEntry>): DictionaryTerm[] {
  const terms: DictionaryTerm[] = [];
  for (const e of icd10.values()) {
    if (e.externalCause && e.code.includes('.')) continue;
    if (e.title.ja === e.title.en) continue;
    // Bracketed parts are alternatives or asides: 「急性鼻咽頭炎［かぜ］＜感冒＞」 → 急性鼻咽頭炎, 「多発（性）ニューロパチ－」 → 多発ニューロパチ－.
    const [first, ...rest] = e.title.ja.split(/[，,]/);
    // 「胆のう＜嚢＞，胆管及び肝の先天奇形」: the comma lists items there, so the part before it names an organ, not the diagnosis.
    if (rest.length && /及び|並びに/.test(rest[0]!) && !/及び|並びに/.test(first!)) continue;
    const head = first!.replace(/[（(［\[＜<][^）)］\]＞>]*[）)］\]＞>]/g, '');
    // 「その他の…」「…，詳細不明」 heads name a residual group, not a diagnosis a physician writes.
    if (head.length >= 3 && !/^(その他|他に分類|詳細不明)/.test(head)) terms.push({ term: head, kind: 'title', icd10: [e.code], source: 'title' });
  }
  return terms;
}
