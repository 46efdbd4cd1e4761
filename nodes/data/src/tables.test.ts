import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeTableError, CodeTables, loadCodeTables, normalize } from './index.js';

const tables = loadCodeTables();

describe('Japanese normalisation', () => {
  it('folds width, kana and spelling variants and keeps each character\'s source span', () => {
    const n = normalize('ｶﾞﾝ　ＡＭＩ・骨粗しょう症');
    expect(n.text).toBe('癌ami骨粗鬆症');
    // 「癌」 came from the three half-width characters ｶﾞﾝ (the sound mark composed), 「骨粗鬆症」 from 「骨粗しょう症」.
    expect([n.starts[0], n.ends[0]]).toEqual([0, 3]);
    expect(n.starts[n.text.length - 1]).toBe(8);
    expect(n.ends[n.text.length - 1]).toBe(14);
  });
});

describe('development subset (bundled)', () => {
  it('looks codes up as written, in both systems, with the 10↔11 mapping', () => {
    expect(tables.lookup('icd10', 'ｊ１８．９')?.title.ja).toBe('肺炎，詳細不明');
    expect(tables.lookup('icd10', 'I219')?.mapped).toEqual(['BA41.Z']);
    expect(tables.lookup('icd11', 'ba41.z')?.mapped).toContain('I21.9');
    expect(tables.info()).toMatchObject({ kind: 'subset' });
    expect(tables.lookup('icd10', 'W65.0')?.title.ja).toBe('浴槽内での溺死及び溺水，家（庭）');
    expect(tables.lookup('icd10', 'Z99.9')).toBeUndefined();
  });

  it('searches by name with Japanese normalisation, exact names first', () => {
    expect(tables.search('icd10', '誤えん性肺炎')[0]?.code).toBe('J69.0');
    expect(tables.search('icd10', 'しんぼうさいどう')).toEqual([]);
    expect(tables.search('icd10', '心房細動')[0]?.code).toBe('I48.9');
    expect(tables.search('icd11', '心房細動')[0]?.code).toBe('BC81.Z');
    expect(tables.search('icd10', 'pneumonia').map((e) => e.code)).toContain('J18.9');
    expect(tables.search('icd10', 'ami')[0]?.code).toBe('I21.9');
  });

  it('finds physicians\' expressions with spans into the original text, longest first', () => {
    const text = '#1 誤嚥性肺炎　#2 ＡＭＩ後、ＨＴ・DM加療中。肺炎球菌ワクチン接種済。DMAT要請なし';
    const found = tables.findMentions(text).map((m) => [m.text, m.icd10[0]]);
    expect(found).toEqual([['誤嚥性肺炎', 'J69.0'], ['ＡＭＩ', 'I21.9'], ['ＨＴ', 'I10'], ['DM', 'E14.9']]);
    const [m] = tables.findMentions('既往にｺｳｹﾂｱﾂ');
    expect(m).toBeUndefined();
    const [k] = tables.findMentions('既往に高血圧');
    expect(k).toMatchObject({ start: 3, end: 6, text: '高血圧', icd10: ['I10'] });
  });

  it('keeps abbreviations case-sensitive and every code of an ambiguous one', () => {
    expect(tables.findMentions('as needed')).toEqual([]);
    expect(tables.findMentions('AS術後')[0]?.icd10).toEqual(['I35.0']);
    expect(tables.findMentions('AD')[0]?.icd10).toEqual(['G30.9', 'L20.9']);
  });

  it('refuses tables whose rows point at codes it does not have, naming the file and row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'codes-'));
    writeFileSync(join(dir, 'icd10.tsv'), 'J18.9\tCA40.Z\t肺炎，詳細不明\tPneumonia, unspecified\n');
    writeFileSync(join(dir, 'icd11.tsv'), 'CA40.Z\t肺炎\tPneumonia\n');
    writeFileSync(join(dir, 'synonyms.tsv'), '肺炎\tJ18.9\tja\nAMI\tI21.9\tabbr\n');
    // Read on first use, so the error comes from the first lookup of the dictionary.
    expect(() => new CodeTables(dir).info()).toThrow(CodeTableError);
    expect(() => new CodeTables(dir).info()).toThrow(/synonyms\.tsv:2: "AMI" names I21\.9/);
    writeFileSync(join(dir, 'synonyms.tsv'), '肺炎\tJ18.9\tja\n');
    expect(new CodeTables(dir).info()).toMatchObject({ icd10: 1, icd11: 1, synonyms: 1, kind: 'subset' });
  });
});
