import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import { completeTablesDir, NO_COMPLETE_TABLES } from '@medflow/data';
import coder, { systemOn, type CodedDiagnosis } from './index.js';

type Out = { codes: { mode: string; system: string; codes: CodedDiagnosis[]; flagged: CodedDiagnosis[]; unmapped?: string[]; chooseIcd11?: unknown[] }; codeList: string[] };
const code = async (text: string, config: Record<string, unknown> = {}) => (await runNode(coder, config, { text })) as Out;

describe.skipIf(!completeTablesDir())(`ICD coder, dictionary mode (complete tables${completeTablesDir() ? '' : `: skipped, ${NO_COMPLETE_TABLES}`})`, () => {
  it('codes confirmed diagnoses with evidence, both systems, and says which mode it ran in', async () => {
    const text = '#1 誤嚥性肺炎\n#2 ＨＴ、2型DM にて加療中';
    const out = await code(text);
    expect(out.codes.mode).toBe('dictionary');
    expect(out.codeList).toEqual(['J69.0', 'E11.9', 'I10']);
    const htn = out.codes.codes.find((c) => c.icd10 === 'I10')!;
    expect(htn).toMatchObject({ icd11: ['BA00.Z'], icd11Residual: true, status: 'confirmed', proposedBy: ['dictionary:HT'] });
    expect(text.slice(htn.evidence.start, htn.evidence.end)).toBe('ＨＴ');
  });

  it('flags suspected, ruled-out, past and family diagnoses instead of coding them', async () => {
    const out = await code('肺炎の疑い。心不全は否定的。DM・HT・脂質異常症なし。胃癌術後。\n家族歴：父 大腸癌\n既往歴：\n虫垂炎\n\n#1 尿路感染症');
    expect(out.codeList).toEqual(['N39.0']);
    const status = Object.fromEntries(out.codes.flagged.map((c) => [c.evidence.text, c.status]));
    expect(status).toEqual({ 肺炎: 'suspected', 心不全: 'ruled_out', DM: 'ruled_out', HT: 'ruled_out', 脂質異常症: 'ruled_out', 胃癌: 'history', 大腸癌: 'family_history', 虫垂炎: 'history' });
  });

  it('reads 「…徴候なし」 and 「（治療済み）」 as not current (seen in discharge-summary and notification samples)', async () => {
    const out = await code('急性心筋梗塞でPCI施行。心不全徴候なし。梅毒（治療済み）。');
    expect(out.codeList).toEqual(['I21.9']);
    // 万病辞書 knows 「心不全徴候」 as one expression.
    expect(Object.fromEntries(out.codes.flagged.map((c) => [c.evidence.text, c.status]))).toMatchObject({ 心不全徴候: 'ruled_out', 梅毒: 'history' });
  });

  it('codes external causes beside the injury, with the place of occurrence as 4th character', async () => {
    expect((await code('自宅浴槽内で溺水しているところを発見された。死因：溺死')).codeList).toEqual(['T75.1', 'W65.0']);
    expect((await code('施設の居室で転倒し、右大腿骨頸部骨折')).codeList).toEqual(['S72.0', 'W18.1']);
    // No injury: 「転倒」 is not an event to code.
    expect((await code('転倒歴あり。HT')).codeList).toEqual(['I10']);
  });

  it('leaves symptoms uncoded when a diagnosis explains them, and codes them when nothing else is there', async () => {
    expect((await code('発熱、咳嗽で受診。胸部Xpで右下葉肺炎')).codeList).toEqual(['J18.9']);
    expect((await code('発熱と頭痛で受診、原因は精査中')).codeList).toEqual(['R50.9', 'R51']);
  });

  it('keeps the codes of an ambiguous abbreviation as alternatives, with lower confidence', async () => {
    const [ad] = (await code('ADにて通院中')).codes.codes;
    expect(ad).toMatchObject({ icd10: 'G30.9', alternatives: ['L20.9'] });
    expect(ad!.confidence).toBeLessThan(0.6);
  });

  it('lists ICD-11 codes from WHO\'s map when asked, flags residual codes and one-to-many mappings for the physician', async () => {
    const out = await code('急性心筋梗塞、インフルエンザA型、誤嚥性肺炎', { system: 'icd11' });
    expect(out.codeList).toEqual(['BA41.Z', '1E30', 'CA71.0']);
    expect(out.codes.codes.find((c) => c.icd10 === 'I21.9')).toMatchObject({ icd11Residual: true });
    const ehec = await code('腸管出血性大腸菌感染症（O157）', { system: 'icd11' });
    expect(ehec.codeList).toEqual(['1A03.3']);
    const pneumonia = await code('肺炎', { system: 'icd11' });
    expect(pneumonia.codes.codes[0]).toMatchObject({ icd10: 'J18.9', icd11: ['CA40.Z', 'CA40.Y'], icd11Mapping: 'many' });
    expect(pneumonia.codes.chooseIcd11).toEqual([{ icd10: 'J18.9', icd11: ['CA40.Z', 'CA40.Y'] }]);
  });

  it('switches to ICD-11 on the set day in Tokyo when the system is auto', async () => {
    expect(systemOn(new Date('2026-12-31T14:59:00Z'), '2027-01-01')).toBe('icd10');
    expect(systemOn(new Date('2026-12-31T15:00:00Z'), '2027-01-01')).toBe('icd11');
    const out = await code('急性心筋梗塞', { system: 'auto', icd11From: '2000-01-01' });
    expect(out.codes.system).toBe('icd11');
    expect(out.codeList).toEqual(['BA41.Z']);
  });

  it('never proposes the codes a hospital excluded (a 3-character code excludes its subdivisions), and keeps them visible', async () => {
    const out = await code('発熱と頭痛。高血圧症で通院中', { excludeCodes: ['I10'] , symptoms: 'always' });
    expect(out.codeList).toEqual(['R50.9', 'R51']);
    expect(out.codes.flagged.find((c) => c.icd10 === 'I10')?.note).toMatch(/excluded/);
    expect((await code('肺炎', { excludeCodes: ['J18'] })).codeList).toEqual([]);
    expect(() => coder.config.parse({ excludeCodes: ['肺炎'] })).toThrow(/ICD-10 code/);
  });

  it('requires a model in LLM mode, naming the field', () => {
    expect(() => coder.config.parse({ mode: 'llm' })).toThrow(/model/);
  });
});
