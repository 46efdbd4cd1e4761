import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mappingKind, type CodeEntry } from '@medflow/sdk';
import type { DictionaryTerm } from '../matcher.js';
import { CodeTableError, eachTsvRow, readCommentedTsv, type TsvRow } from '../tsv.js';
import { addPlaceVariants, isExternalCategory } from './external-causes.js';
import { BUNDLED_TABLES_DIR, curatedTerms, titleTerms } from './curated.js';
import type { CodeData, SearchKey, TableSource, TermData, TermFilter } from './types.js';

/** The files of the complete tables (format: ../shared/codes/README.md; README "Code tables" says where a hospital gets them). */
export const COMPLETE_TABLE_FILES = [
  'icd10_who.tsv', 'icd10_ja.tsv', 'icd11_mms.tsv', 'icd10_to_icd11_one.tsv', 'icd10_to_icd11_multiple.tsv',
  'icd11_to_icd10_one.tsv', 'medis_byomei.tsv', 'medis_index_terms.tsv', 'manbyo.tsv',
] as const;

/** The hospital's own expressions, in the curated format, read when the file is there. */
export const HOSPITAL_SYNONYMS_FILE = 'hospital_synonyms.tsv';

export const isCompleteTablesDir = (dir: string) => existsSync(join(dir, 'icd10_who.tsv'));

const ICD10_CODE = /^[A-Z]\d\d(\.[0-9A-Z]{1,2}[a-z]?|\.-[0-9a-z])?$/;
const ICD10_GROUP = /^([A-Z]\d\d-[A-Z]\d\d|[IVX]+)$/;
const ICD11_CODE = /^[0-9A-Z]{4,6}(\.[0-9A-Z]{1,2})*$/;

function fail(file: string, row: TsvRow, message: string): never {
  throw new CodeTableError(`${file}:${row.line}: ${message}`);
}

/** `1A00&XN8P1` → stem `1A00`; `2C12.02/1A00` → `2C12.02`; a chapter number or a blank → none. */
function stemOf(target: string): string | undefined {
  const stem = target.split(/[&/]/)[0]!;
  return ICD11_CODE.test(stem) && !/^\d\d$/.test(stem) ? stem : undefined;
}

/**
 * A code field's codes as the WHO list has them (`who_code` where the Japanese code is longer). A
 * 3-character code whose category WHO subdivides (MEDIS gives 「2型糖尿病」 as E11) takes the
 * subdivision for "unspecified", `.9`, as ICD coding does when nothing more is said.
 */
function codesOf(row: TsvRow, known: Map<string, CodeEntry>): string[] {
  const who = row.get('who_code').split('|');
  return row.get('icd10').split('|').map((c, i) => (who[i] || c).trim()).filter((c) => c && known.has(c))
    .map((c) => (c.length === 3 && known.has(`${c}.9`) && !known.get(c)!.externalCause ? `${c}.9` : c));
}

function loadCodes(dir: string): CodeData {
  const icd10 = new Map<string, CodeEntry>();
  const icd11 = new Map<string, CodeEntry>();
  const groups = new Map<string, CodeEntry>();
  const tables: CodeData['tables'] = [];
  const table = (file: string, version: string, required: string[], visit: (r: TsvRow) => void) => {
    tables.push({ file, rows: eachTsvRow(dir, file, required, visit), version });
  };

  const ja = new Map<string, string>();
  /** Codes of the Japanese edition WHO no longer lists (A90 デング熱, U06 …): kept, so Japanese names coded to them still resolve. */
  const japaneseOnly: Array<[string, string]> = [];
  table('icd10_ja.tsv', 'ICD-10 (2013) 日本語', ['code', 'kind', 'who_code', 'title_ja'], (r) => {
    if (r.get('who_code')) ja.set(r.get('who_code'), r.get('title_ja'));
    else if (r.get('kind') === 'category' && ICD10_CODE.test(r.get('code'))) japaneseOnly.push([r.get('code'), r.get('title_ja')]);
  });

  table('icd10_who.tsv', 'WHO ICD-10 2019', ['code', 'kind', 'parent', 'chapter', 'title_en'], (r) => {
    const code = r.get('code');
    const kind = r.get('kind');
    const title = { ja: ja.get(code) ?? r.get('title_en'), en: r.get('title_en') };
    const parent = r.get('parent') || undefined;
    if (kind === 'category') {
      if (!ICD10_CODE.test(code)) fail('icd10_who.tsv', r, `"${code}" is not an ICD-10 code`);
      const entry: CodeEntry = { system: 'icd10', code, title, mapped: [], ...(parent ? { parent } : {}) };
      icd10.set(code, entry);
      if (isExternalCategory(code)) addPlaceVariants(icd10, entry);
    } else if (kind === 'block' || kind === 'chapter') {
      if (!ICD10_GROUP.test(code)) fail('icd10_who.tsv', r, `"${code}" is not an ICD-10 block or chapter`);
      groups.set(`icd10:${code}`, { system: 'icd10', code, title, mapped: [], ...(parent ? { parent } : {}) });
    } else fail('icd10_who.tsv', r, `kind "${kind}" (category, block or chapter)`);
  });
  for (const [code, title] of japaneseOnly) {
    if (!icd10.has(code)) icd10.set(code, { system: 'icd10', code, title: { ja: title, en: '' }, mapped: [], ...(code.includes('.') ? { parent: code.slice(0, 3) } : {}) });
  }

  // WHO lists a parent before its children, so one pass resolves every parent.
  const keyOfEntity = new Map<string, string>();
  table('icd11_mms.tsv', 'WHO ICD-11 MMS 2024-01', ['code', 'kind', 'title_en', 'chapter', 'block_id', 'parent', 'is_residual', 'entity_id'], (r) => {
    const code = r.get('code');
    const kind = r.get('kind');
    const id = r.get('entity_id');
    // No Japanese ICD-11 titles are published in a form we can load: the English title is shown in both languages.
    const title = { ja: r.get('title_en'), en: r.get('title_en') };
    const parentId = r.get('parent');
    const parent = keyOfEntity.get(parentId);
    if (parentId && !parent) fail('icd11_mms.tsv', r, `parent ${parentId} is not listed before its child`);
    if (kind === 'category') {
      if (!ICD11_CODE.test(code)) fail('icd11_mms.tsv', r, `"${code}" is not an ICD-11 code`);
      keyOfEntity.set(id, code);
      icd11.set(code, { system: 'icd11', code, title, mapped: [], ...(parent ? { parent } : {}), ...(r.get('is_residual') === 'True' ? { residual: true } : {}) });
    } else {
      keyOfEntity.set(id, `icd11:${id}`);
      const label = kind === 'chapter' ? r.get('chapter') : r.get('block_id') || r.get('title_en');
      groups.set(`icd11:${id}`, { system: 'icd11', code: label, title, mapped: [], ...(parent ? { parent } : {}) });
    }
  });

  table('icd10_to_icd11_one.tsv', 'WHO 2024-01', ['icd10_code', 'icd11_code'], (r) => {
    const e = icd10.get(r.get('icd10_code'));
    const target = r.get('icd11_code');
    const stem = stemOf(target);
    if (!e || !stem || !icd11.has(stem)) return;
    e.mapped = [stem];
    if (stem !== target) e.cluster = target;
  });
  table('icd10_to_icd11_multiple.tsv', 'WHO 2024-01', ['icd10_code', 'icd11_code'], (r) => {
    const e = icd10.get(r.get('icd10_code'));
    const stem = stemOf(r.get('icd11_code'));
    if (e && stem && icd11.has(stem) && !e.mapped.includes(stem)) e.mapped.push(stem);
  });
  table('icd11_to_icd10_one.tsv', 'WHO 2024-01', ['icd11_entity_id', 'icd11_code', 'icd10_code'], (r) => {
    const e = icd11.get(r.get('icd11_code'));
    const target = r.get('icd10_code');
    if (e && icd10.has(target)) e.mapped = [target];
  });
  // The place variants of an external cause map as their category does.
  for (const e of icd10.values()) {
    if (e.externalCause && e.parent && icd10.get(e.parent)?.externalCause) e.mapped = icd10.get(e.parent)!.mapped;
    e.mapping = mappingKind(e.mapped);
  }
  for (const e of icd11.values()) e.mapping = mappingKind(e.mapped);
  return { icd10, icd11, groups, tables };
}

/** Only a Latin-letter term: MEDIS index terms are lower-cased upstream and 万病辞書's are noisy (ＩＣ, ＳＣＣ), so only curated abbreviations match text. */
const ASCII_ONLY = /^[\x20-\x7e]+$/;
const KANA_ONLY = /^[\u3041-\u3096\u30a1-\u30fa\u30fc]+$/;

/**
 * 万病辞書 abbreviations written in capitals (ＮＭＯ, ＶＴＥ) match case-sensitively as whole words; these
 * are more often something else in Japanese notes (a device, a test, a tumour marker, a blood pressure).
 */
const ABBREVIATION_NOT_A_DIAGNOSIS = new Set(['CPAP', 'SCC', 'NET', 'CPA', 'MRA', 'SBP', 'CPD', 'SMI', 'SMT', 'CPS', 'COP', 'STD', 'CMD', 'PCP', 'ICC', 'CCC',
  'CSS', 'SPN', 'SCD', 'DMN', 'PHT', 'RAS', 'PMS', 'DDM', 'ICM', 'PDD', 'MAC', 'PVE', 'MRHE', 'APD', 'PSP', 'DAVE', 'SSAP', 'CIC', 'ALL', 'AML', 'APL']);
const CAPITAL_ABBREVIATION = /^[A-Z][A-Z0-9]{2,7}$/;
/** English wording (a title's head, 万病辞書's 「Ｐｒｏｂａｂｌｅ　ＰＭＬ」): long enough not to be an everyday word. */
const englishTerm = (term: string) => /^[A-Za-z][A-Za-z0-9 '\-]+$/.test(term) && (term.includes(' ') || term.length >= 8) && !/^(other|unspecified|certain)\b/i.test(term);

/**
 * Third-party expressions that carry their own assertion or context (「胸水認めません」「既往歴　高脂血症」
 * 「褥瘡発生リスク」「不眠時」) or are adjectives (「腫瘍性」): matched as terms they would hide the
 * negation, history or risk from the assertion reader, so they are left out and the words inside them
 * are matched instead.
 */
const CARRIES_ASSERTION = /(疑|否定|なし|無し|認め|陰性|除外|ません|リスク|予防|観察|既往|可能性|傾向|がする|ない$|時$|[性的]$)/;

function loadTerms(dir: string, codes: CodeData, keep: TermFilter): TermData {
  // Compared as written and in full width (万病辞書 writes 「ストレス」, index terms are NFKC): no normalising of 170,000 terms.
  const notDiagnoses = new Set(readCommentedTsv(BUNDLED_TABLES_DIR, 'not-diagnoses.tsv', 2).flatMap((r) => [r.cells[0]!, r.cells[0]!.normalize('NFKC').toLowerCase()]));
  const clinical = (term: string) => !CARRIES_ASSERTION.test(term) && !notDiagnoses.has(term);
  const terms: DictionaryTerm[] = [...curatedTerms(undefined, codes.icd10, 'synonyms.tsv', false)];
  if (existsSync(join(dir, HOSPITAL_SYNONYMS_FILE))) terms.push(...curatedTerms(dir, codes.icd10, HOSPITAL_SYNONYMS_FILE));
  const searchKeys: SearchKey[] = [];
  const tables: TermData['tables'] = [];
  const usable = (term: string) => {
    const n = term.normalize('NFKC');
    return n.length >= 2 && !ASCII_ONLY.test(n) && !(KANA_ONLY.test(n) && n.length <= 2);
  };

  const table = (file: string, version: string, required: string[], visit: (r: TsvRow) => void) => {
    tables.push({ file, rows: eachTsvRow(dir, file, required, visit), version });
  };
  table('medis_byomei.tsv', 'MEDIS 標準病名マスター', ['name', 'name_kana', 'name_abbrev', 'icd10', 'who_code'], (r) => {
    const icd10 = codesOf(r, codes.icd10);
    if (!icd10.length) return;
    const name = r.get('name');
    const abbrev = r.get('name_abbrev');
    for (const term of abbrev && abbrev !== name ? [name, abbrev] : [name]) {
      if (usable(term) && keep('medis', term)) terms.push({ term, kind: 'ja', icd10: icd10.slice(0, 1), source: 'medis' });
    }
    if (r.get('name_kana')) searchKeys.push({ key: r.get('name_kana'), system: 'icd10', code: icd10[0]! });
  });
  table('medis_index_terms.tsv', 'MEDIS 索引用語', ['term', 'icd10', 'who_code'], (r) => {
    const icd10 = codesOf(r, codes.icd10);
    const term = r.get('term');
    if (!icd10.length) return;
    if (usable(term) && clinical(term) && keep('medis-index', term)) terms.push({ term, kind: 'ja', icd10, source: 'medis-index' });
    else searchKeys.push({ key: term, system: 'icd10', code: icd10[0]! });
  });
  table('manbyo.tsv', '万病辞書 MANBYO', ['expression', 'icd10', 'who_code'], (r) => {
    const icd10 = codesOf(r, codes.icd10);
    const term = r.get('expression');
    if (!icd10.length || !keep('manbyo', term) || !clinical(term)) return;
    const combined = icd10.length > 1 ? { combined: true } : {};
    const ascii = term.normalize('NFKC').replace(/\s+/g, ' ').trim();
    if (CAPITAL_ABBREVIATION.test(ascii)) { if (!ABBREVIATION_NOT_A_DIAGNOSIS.has(ascii)) terms.push({ term: ascii, kind: 'abbr', icd10, source: 'manbyo', ...combined }); return; }
    if (englishTerm(ascii)) { terms.push({ term: ascii, kind: 'en', icd10, source: 'manbyo', ...combined }); return; }
    if (usable(term)) terms.push({ term, kind: 'ja', icd10, source: 'manbyo', ...combined });
  });
  terms.push(...titleTerms(codes.icd10));
  // WHO's English titles as physicians also write them (「Guillain-Barré syndrome」), up to the first comma.
  for (const e of codes.icd10.values()) {
    if (e.externalCause && e.code.includes('.')) continue;
    const head = e.title.en.split(',')[0]!.replace(/\s*\[[^\]]*\]|\s*\([^)]*\)/g, '').trim();
    if (englishTerm(head)) terms.push({ term: head, kind: 'en', icd10: [e.code], source: 'title' });
  }
  return { terms, searchKeys, tables };
}

/** WHO ICD-10 and ICD-11 with the 10↔11 maps, MHLW Japanese titles, MEDIS and 万病辞書, read from a directory. */
export function completeSource(dir: string, keep: TermFilter = () => true): TableSource {
  for (const file of COMPLETE_TABLE_FILES) {
    if (!existsSync(join(dir, file))) throw new CodeTableError(`${join(dir, file)} is missing: a complete table set needs ${COMPLETE_TABLE_FILES.join(', ')}`);
  }
  return {
    kind: 'complete',
    description: `complete tables in ${dir}`,
    loadCodes: () => loadCodes(dir),
    loadTerms: (codes) => loadTerms(dir, codes, keep),
  };
}
