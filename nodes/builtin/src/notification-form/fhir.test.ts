import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNotifiableTable } from '@medflow/data';
import type { NotificationDocument } from './document.js';
import { notificationBundle, type QrItem } from './fhir.js';

const SHARED = fileURLToPath(new URL('../../../../../shared/fhir/einfectionreport/', import.meta.url));
const available = existsSync(`${SHARED}Exampl_01_EHEC_QR-eInfectionReport.fsh`);
if (!available && process.env.CI === 'true') throw new Error(`the eInfectionReport definitions are missing at ${SHARED}`);

/** linkId → parent linkId and the answer value types, read from a FSH QuestionnaireResponse instance. */
function readFshResponse(text: string) {
  const current: string[] = [];
  const items = new Map<string, { parent: string; types: Set<string> }>();
  for (const line of text.replace(/\/\*[\s\S]*?\*\//g, '').split('\n')) {
    const code = line.replace(/\/\/.*$/, '').trim();
    if (!code.startsWith('*')) continue;
    const link = /^\* (.+)\.linkId = "([^"]+)"/.exec(code);
    if (link) {
      const depth = (link[1]!.match(/item\[/g) ?? []).length;
      current[depth] = link[2]!;
      items.set(link[2]!, { parent: depth > 1 ? current[depth - 1]! : '', types: new Set() });
      continue;
    }
    const value = /^\* (.+?)\.answer(?:\[[+=]\])?\.(value[A-Za-z]+)/.exec(code);
    if (value) items.get(current[(value[1]!.match(/item\[/g) ?? []).length]!)?.types.add(value[2]!);
  }
  return items;
}

function flatten(list: QrItem[], parent = '', out = new Map<string, { parent: string; types: Set<string> }>()) {
  for (const item of list) {
    const types = new Set<string>();
    for (const a of item.answer ?? []) {
      for (const k of Object.keys(a)) if (k.startsWith('value')) types.add(k);
      if (a.item) flatten(a.item, item.linkId, out);
    }
    out.set(item.linkId, { parent, types });
    if (item.item) flatten(item.item, item.linkId, out);
  }
  return out;
}

const table = loadNotifiableTable();
const disease = (id: string) => ({ ...table.diseases().find((d) => d.id === id)!, categoryLabel: '' });
const doc = (id: string, values: NotificationDocument['values'], identityRequired: boolean): NotificationDocument => ({
  form: '感染症発生届', title: '', reportDate: '2023-05-31', disease: disease(id), type: values.reportType as string,
  deadline: { kind: 'immediately', label: '直ちに', dueDate: null },
  reporter: { doctorName: '河野　和男', hospitalName: '東京中央病院', hospitalAddress: '東京都港区海岸1-1-1', hospitalPhone: '03-1234-1234' },
  identityRequired, identityNote: '', rows: [], values, aiFilled: [], omitted: [],
});
const ids = { response: 'r-1', patient: 'p-1', practitioner: 'd-1', organization: 'o-1' };

describe.skipIf(!available)('electronic notification (FHIR QuestionnaireResponse, eInfectionReport)', () => {
  it('EHEC: every item the published example answers, with the same parent and answer type', () => {
    // The example response's content, as approved values of the form.
    const values = {
      reportType: '患者（確定例）', patientName: '田中　太郎', sex: '男', birthDate: '1960-01-02', ageAtDiagnosis: 63, occupation: '無職',
      address: '東京都文京区本郷1-2-3', phone: '03-9999-1234', presentLocation: '住所に同じ', presentPhone: '同上',
      ehecSymptom01: true, ehecSymptom03: true, symptoms: '高熱', ehecIsolation: true, ehecToxinMethod: '毒素産生・PCR法等の両方', ehecSpecimen: '便',
      ehecOGroup: '不明', ehecHGroup: '123陽性', ehecToxin: 'VT2', ehecStoolVtHus: false, ehecSerumHus: false, diagnosisMethod: '検査センター委託', ehecOtherSpecimen: '便', ehecOtherResult: '陽性',
      firstVisitDate: '2023-04-30', diagnosisDate: '2023-04-30', infectionDate: '2023-04-27', onsetDate: '2023-04-28',
      infectionRoute: '経口感染', infectionCause: '牛乳', infectionCauseCertainty: '確定', infectionRegionType: '日本国内', infectionRegion: '東京都,港区', infectionRegionCertainty: '確定', otherNotes: '特になし',
    };
    const bundle = notificationBundle(doc('ehec', values, true), table.fields().specific.ehec!, ids);
    const qr = bundle.entry[0]!.resource as ReturnType<typeof notificationBundle>['entry'][0]['resource'] & { item: QrItem[]; questionnaire: string };
    expect(qr.questionnaire).toBe('http://jpfhir.jp/fhir/eInfectionReport/mhlw/Questionnaire/JP_Questionnaire_eInfectionReport_EHEC');
    const ours = flatten(qr.item);
    const example = readFshResponse(readFileSync(`${SHARED}Exampl_01_EHEC_QR-eInfectionReport.fsh`, 'utf8'));
    for (const [linkId, want] of example) {
      if (!want.types.size && !['group_Header', 'group_Subject', 'group_Contents'].includes(linkId) && !ours.has(linkId)) continue; // questions left blank there
      expect(ours.get(linkId), linkId).toBeDefined();
      expect(ours.get(linkId)!.parent, `${linkId} parent`).toBe(want.parent);
      for (const type of want.types) expect([...ours.get(linkId)!.types], `${linkId} answer type`).toContain(type);
    }
    const symptom = qr.item[2]!.item!.find((i) => i.linkId === 'i1_11')!;
    expect(symptom.answer![0]!.valueCoding!.code).toBe('Y');
    expect(symptom.answer![0]!.item![0]!.answer!.map((a) => a.valueCoding!.code)).toEqual(['01', '03', '98']);
    expect(bundle.entry.map((e) => e.resource.resourceType)).toEqual(['QuestionnaireResponse', 'Patient', 'Practitioner', 'Organization']);
    expect(bundle.entry[1]!.resource).toMatchObject({ gender: 'male', name: [{ text: '田中　太郎' }] });
  });

  it('急性脳炎 follows its own Questionnaire (病型, 症状 codes, the 24-hour criterion) and names nobody (五類)', () => {
    const values = { reportType: '患者（確定例）', sex: '女', ageAtDiagnosis: 0, ageMonths: 8, patientName: '書かれていても出さない', encephalitisPathogen: 'インフルエンザウイルス', encephalitisSymptom01: true, encephalitisSymptom06: true, encephalitisCriterion: true, encephalitisHighFever: true, diagnosisDate: '2026-01-10' };
    const bundle = notificationBundle(doc('acute_encephalitis', values, false), table.fields().specific.acute_encephalitis!, ids);
    const qr = bundle.entry[0]!.resource as { item: QrItem[]; questionnaire: string };
    expect(qr.questionnaire).toMatch(/eInfectionReport_IAE$/);
    const ours = flatten(qr.item);
    expect([...ours.keys()]).toEqual(expect.arrayContaining(['block_Header', 'block_Subject', 'i1_1', 'i1_3', 'block_Contents', 'i1_n11', 'i1_n11_1', 'i1_14', 'i1_14_1', 'i1_5', 'i1_5_1', 'i1_5_1_1', 'i1_7']));
    expect(ours.has('i1_2')).toBe(false);
    expect(ours.get('i1_5_1_1')).toEqual({ parent: 'i1_5_1', types: new Set(['valueCoding']) });
    const subject = qr.item[1]!.item!;
    expect(subject.find((i) => i.linkId === 'i1_5')?.answer).toEqual([{ valueInteger: 8 }]);
    expect(bundle.entry[1]!.resource).not.toHaveProperty('name');
  });

  it('other diseases: the common items in EHEC\'s numbering, symptoms in product codes, their own items under medflow_', () => {
    const values = { reportType: '患者（確定例）', sex: '男', ageAtDiagnosis: 70, patientName: '結核 太郎', tbSymptom01: true, tbSymptom03: true, tbSymptom05: false, tbType: '肺結核', tbSmear: 'ガフキー2号', diagnosisDate: '2026-11-20' };
    const bundle = notificationBundle(doc('tuberculosis', values, true), table.fields().specific.tuberculosis!, ids);
    const qr = bundle.entry[0]!.resource as { item: QrItem[] };
    const ours = flatten(qr.item);
    expect(ours.get('i1_2')?.types).toEqual(new Set(['valueString']));
    expect(ours.get('medflow_tbType')).toEqual({ parent: 'group_Contents', types: new Set(['valueString']) });
    const symptom = qr.item[2]!.item!.find((i) => i.linkId === 'i1_11')!;
    expect(symptom.answer![0]!.item![0]!.answer!.map((a) => [a.valueCoding!.system, a.valueCoding!.code])).toEqual([
      ['http://medflow.local/fhir/CodeSystem/notification-symptom-tuberculosis', '01'], ['http://medflow.local/fhir/CodeSystem/notification-symptom-tuberculosis', '03'],
    ]);
  });
});
