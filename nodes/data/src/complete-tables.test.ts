import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CodeTableError, CodeTables, COMPLETE_TABLE_FILES, completeTablesDir, NO_COMPLETE_TABLES } from './index.js';

/** A complete-format table set small enough to write here: the loader's rules, with no third-party data. */
function writeTables(dir: string, change: Partial<Record<(typeof COMPLETE_TABLE_FILES)[number], string>> = {}) {
  const files: Record<string, string> = {
    'icd10_who.tsv': 'code\tkind\tclass_kind\tdepth\tparent\tchapter\tblock\ttitle_en\nX\tchapter\tchapter\t1\t\tX\t\tDiseases of the respiratory system\nJ09-J18\tblock\tblock\t1\tX\tX\t\tInfluenza and pneumonia\nJ18\tcategory\tcategory\t1\tJ09-J18\tX\tJ09-J18\tPneumonia, organism unspecified\nJ18.9\tcategory\tcategory\t2\tJ18\tX\tJ09-J18\tPneumonia, unspecified\n',
    'icd10_ja.tsv': 'code\tkind\tchapter\twho_code\ttitle_ja\nJ18\tcategory\tX\tJ18\t肺炎，病原体不詳\nJ18.9\tcategory\tX\tJ18.9\t肺炎，詳細不明\n',
    'icd11_mms.tsv': 'code\tkind\ttitle_en\tchapter\tblock_id\tparent\tparent_code\tblock\tdepth_in_kind\tis_residual\tis_leaf\tprimary_tabulation\tentity_id\tfoundation_uri\n\tchapter\tDiseases of the respiratory system\t12\t\t\t\t\t1\tFalse\tFalse\t\t1\t\nCA40\tcategory\tPneumonia\t12\t\t1\t\t\t1\tFalse\tFalse\tTrue\t2\t\nCA40.Z\tcategory\tPneumonia, organism unspecified\t12\t\t2\tCA40\t\t2\tTrue\tTrue\tTrue\t2/unspecified\t\n',
    'icd10_to_icd11_one.tsv': 'icd10_code\ticd11_code\nJ18.9\tCA40.Z\nJ18\tCA40\n',
    'icd10_to_icd11_multiple.tsv': 'icd10_code\ticd11_code\nJ18.9\tCA40\n',
    'icd11_to_icd10_one.tsv': 'icd11_entity_id\ticd11_code\ticd10_code\n2/unspecified\tCA40.Z\tJ18.9\n',
    'medis_byomei.tsv': 'byomei_id\tname\tname_kana\tname_abbrev\texchange_code\ticd10\twho_code\ticd10_raw\n1\t肺炎\tハイエン\t肺炎\tX1\tJ18.9\tJ18.9\tJ189\n',
    'medis_index_terms.tsv': 'term\ticd10\twho_code\nハイエン\tJ18.9\tJ18.9\n',
    'manbyo.tsv': 'expression\tstandard_name\ticd10\twho_code\ticd10_raw\n肺炎像\t肺炎\tJ18.9\tJ18.9\tJ189\n肺炎なし\t\tJ18.9\tJ18.9\tJ189\n',
    ...change,
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

const dirs: string[] = [];
const fresh = () => { const d = mkdtempSync(join(tmpdir(), 'codes-complete-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('complete-table loader (shared format, written here)', () => {
  it('reads codes, hierarchy, WHO\'s 10↔11 maps and every dictionary, by column name', () => {
    const dir = fresh();
    writeTables(dir);
    const t = new CodeTables(dir);
    expect(t.kind).toBe('complete');
    expect(t.lookup('icd10', 'j189')).toMatchObject({ title: { ja: '肺炎，詳細不明', en: 'Pneumonia, unspecified' }, mapped: ['CA40.Z', 'CA40'], mapping: 'many' });
    expect(t.lookup('icd11', 'CA40.Z')).toMatchObject({ residual: true, mapped: ['J18.9'] });
    expect(t.ancestors('icd10', 'J18.9').map((e) => e.code)).toEqual(['J18', 'J09-J18', 'X']);
    expect(t.ancestors('icd11', 'CA40.Z').map((e) => e.code)).toEqual(['CA40', '12']);
    expect(t.findMentions('肺炎像あり').map((m) => [m.text, m.icd10, m.source])).toEqual([['肺炎像', ['J18.9'], 'manbyo']]);
    // 万病辞書's 「肺炎なし」 carries its own negation: left out, so the assertion reader sees 「なし」.
    expect(t.findMentions('肺炎なし').map((m) => m.text)).toEqual(['肺炎']);
    expect(t.search('icd10', 'はいえん')[0]?.code).toBe('J18.9');
    expect(t.info()).toMatchObject({ kind: 'complete', icd10: 2, icd11: 2, tables: expect.arrayContaining([{ file: 'manbyo.tsv', rows: 2, version: '万病辞書 MANBYO' }]) });
  });

  it('names the file and line of a bad row, a missing column and a missing file', () => {
    const bad = fresh();
    writeTables(bad, { 'icd10_who.tsv': 'code\tkind\tparent\tchapter\ttitle_en\nJ18.9\tcategory\t\tX\tPneumonia\nnot-a-code\tcategory\t\tX\tBroken\n' });
    expect(() => new CodeTables(bad).lookup('icd10', 'J18.9')).toThrow(/icd10_who\.tsv:3: "not-a-code" is not an ICD-10 code/);
    const column = fresh();
    writeTables(column, { 'manbyo.tsv': 'expression\tcode\n肺炎\tJ18.9\n' });
    expect(() => new CodeTables(column).findMentions('肺炎')).toThrow(/manbyo\.tsv:1: header lacks column\(s\) icd10, who_code/);
    const short = fresh();
    writeTables(short, { 'medis_index_terms.tsv': 'term\ticd10\twho_code\nハイエン\n' });
    expect(() => new CodeTables(short).findMentions('肺炎')).toThrow(CodeTableError);
    const missing = fresh();
    writeTables(missing);
    rmSync(join(missing, 'icd11_mms.tsv'));
    expect(() => new CodeTables(missing)).toThrow(/icd11_mms\.tsv is missing/);
  });
});

const shared = completeTablesDir();
describe.skipIf(!shared)(`complete tables from ../shared/codes${shared ? '' : ` (skipped: ${NO_COMPLETE_TABLES})`}`, () => {
  const t = new CodeTables(shared!);

  it('holds every WHO code and WHO\'s own ICD-11 targets (EHEC 1A03.3, syphilis 1A6x)', () => {
    expect(t.info()).toMatchObject({ kind: 'complete' });
    expect(t.info().icd10).toBeGreaterThan(12_000);
    expect(t.info().icd11).toBeGreaterThan(30_000);
    expect(t.lookup('icd10', 'A04.3')?.mapped).toEqual(['1A03.3']);
    expect(t.lookup('icd10', 'A51')?.mapped[0]).toBe('1A61.Z');
    expect(t.lookup('icd10', 'A53.9')?.mapped[0]).toBe('1A6Z');
    expect(t.lookup('icd11', '1A6Z')).toMatchObject({ residual: true });
    expect(t.lookup('icd11', '1A03.3')?.mapped).toEqual(['A04.3']);
    expect(t.lookup('icd10', 'W01.0')).toMatchObject({ externalCause: true, title: { ja: expect.stringContaining('家（庭）') } });
  });

  it('finds codes for people by name, kana reading, abbreviation and code, with both systems', () => {
    expect(t.search('icd10', 'しんぼうさいどう')[0]?.code).toMatch(/^I48/);
    expect(t.search('icd10', 'AMI')[0]?.code).toBe('I21.9');
    expect(t.search('icd10', 'J18').map((e) => e.code)).toEqual(expect.arrayContaining(['J18', 'J18.9']));
    expect(t.search('icd11', '腸管出血性大腸菌感染症')[0]?.code).toBe('1A03.3');
    expect(t.search('icd10', '')).toEqual([]);
  });
});
