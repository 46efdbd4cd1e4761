import type { NotificationFieldSpec } from '@medflow/sdk';
import type { NotificationDocument } from './document.js';

/**
 * The approved notification as the MHLW electronic notification expects it: a FHIR R4 QuestionnaireResponse
 * on the eInfectionReport profiles, in a collection Bundle with the Patient, the reporting Practitioner and
 * their Organization. 腸管出血性大腸菌感染症 and 急性脳炎 follow their published Questionnaires item by item
 * (linkIds, answer types, codes); other diseases use the same common items (EHEC numbering) and put their
 * own items under `medflow_<field>` linkIds, since no Questionnaire of theirs is published.
 */

type Value = string | number | boolean | null | undefined;
interface Coding { system: string; code: string; display?: string }
interface Answer { valueString?: string; valueDate?: string; valueInteger?: number; valueBoolean?: boolean; valueCoding?: Coding; item?: QrItem[] }
export interface QrItem { linkId: string; text: string; answer?: Answer[]; item?: QrItem[] }

const JP = 'http://jpfhir.jp/fhir';
const CS = {
  subjectClass: `${JP}/eInfectionReport/CodeSystem/subjectClass_CS`,
  gender: 'http://hl7.org/fhir/administrative-gender',
  yesNo: `${JP}/core/CodeSystem/JP_eQuestionaire_YesNo_CS`,
  unknown: `${JP}/core/CodeSystem/JP_eQuestionaire_Unknown_CS`,
  likelihood: `${JP}/core/CodeSystem/JP_eQuestionaire_Likelihood_CS`,
  ehecSymptom: `${JP}/eInfectionReport/CodeSystem/JP_eInfectionReport_EHEC_symptom_CS`,
  iaeSymptom: `${JP}/eInfectionReport/CodeSystem/JP_eInfectionReport_IAE_symptom_CS`,
  ehecDx: `${JP}/eInfectionReport/CodeSystem/JP_eInfectionReport_EHEC_dxsource_CS`,
  verotoxin: `${JP}/eInfectionReport/CodeSystem/JP_eInfectionReport_EHEC_verotoxintype_CS`,
  iaeDx: `${JP}/eInfectionReport/CodeSystem/JP_eInfectionReport_IAE_dxsource_CS`,
};
/** Product code systems for the symptoms of forms without a published Questionnaire (nodes/data/notifiable/fields.json). */
const LOCAL_SYMPTOMS = 'http://medflow.local/fhir/CodeSystem/notification-symptom-';
const QUESTIONNAIRE: Record<string, string> = {
  ehec: `${JP}/eInfectionReport/mhlw/Questionnaire/JP_Questionnaire_eInfectionReport_EHEC`,
  acute_encephalitis: `${JP}/eInfectionReport/mhlw/Questionnaire/JP_Questionnaire_eInfectionReport_IAE`,
};
const SUBJECT_CLASS: Record<string, string> = { '患者（確定例）': '01', 無症状病原体保有者: '02', 感染症死亡者の死体: '03', 感染症死亡疑い者の死体: '04', 疑似症患者: '05' };
const VEROTOXIN: Record<string, string> = { 'VT1・VT2': 'VT1VT2', VT1VT2: 'VT1VT2', VT1: 'VT1', VT2: 'VT2', 不明: 'VYUNK' };
const ROUTE_ITEM: Record<string, number> = { 経口感染: 1, 接触感染: 2, '動物・蚊・昆虫等からの感染': 3 };

const has = (v: Value): v is string | number | boolean => v !== null && v !== undefined && v !== '';
const str = (v: Value) => (has(v) ? [{ valueString: String(v) }] : undefined);
const date = (v: Value) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? [{ valueDate: v }] : undefined);
const int = (v: Value) => (typeof v === 'number' && Number.isInteger(v) ? [{ valueInteger: v }] : undefined);
const bool = (v: Value) => (typeof v === 'boolean' ? [{ valueBoolean: v }] : undefined);
const coding = (system: string, code: string, display?: string): Answer => ({ valueCoding: { system, code, ...(display ? { display } : {}) } });
/** An item with its answer; a question without an answer is left out, as the example response does. */
const q = (linkId: string, text: string, answer: Answer[] | undefined, item?: QrItem[]): QrItem | undefined =>
  answer?.length || item?.length ? { linkId, text, ...(answer?.length ? { answer } : {}), ...(item?.length ? { item } : {}) } : undefined;
const items = (...list: Array<QrItem | undefined>) => list.filter((i): i is QrItem => !!i);

function gender(v: Value): Answer[] | undefined {
  return v === '男' ? [coding(CS.gender, 'male', 'Male')] : v === '女' ? [coding(CS.gender, 'female', 'Female')] : undefined;
}

/** 「O157:H7」 → O 157, H 7 (the O and H groups are separate items on the electronic form). */
function serotype(values: Record<string, Value>): { o?: string; h?: string } {
  const written = String(values.ehecSerotype ?? '');
  const o = has(values.ehecOGroup) ? String(values.ehecOGroup) : /O\s*(\d+|不明)/i.exec(written)?.[1];
  const h = has(values.ehecHGroup) ? String(values.ehecHGroup) : /H\s*(\d+|不明|-)/i.exec(written)?.[1];
  return { ...(o ? { o } : {}), ...(h ? { h } : {}) };
}

/** Symptoms: yes/no, the coded ones written as present, and the free text beside them. */
function symptoms(linkId: string, childIds: [string, string], values: Record<string, Value>, specs: NotificationFieldSpec[], otherSystem: string): QrItem | undefined {
  const coded = specs.filter((s) => s.fhir?.symptom && values[s.name] === true);
  const codes = [...new Map(coded.map((s) => [`${s.fhir!.system}#${s.fhir!.symptom}`, coding(s.fhir!.system!, s.fhir!.symptom!, s.label.replace(/^症状: /, ''))])).values()];
  const other = has(values.symptoms) ? [values.symptoms as string] : [];
  const anyAnswered = specs.some((s) => s.fhir?.symptom && typeof values[s.name] === 'boolean') || other.length;
  if (!anyAnswered) return undefined;
  const nested = items(
    codes.length || other.length ? q(childIds[0], '症状選択肢', [...codes, ...(other.length ? [coding(otherSystem, '98', 'その他')] : [])]) : undefined,
    q(childIds[1], 'その他の症状', other.map((o) => ({ valueString: o }))),
  );
  return { linkId, text: '症状', answer: [{ ...coding(CS.yesNo, codes.length || other.length ? 'Y' : 'N'), ...(nested.length ? { item: nested } : {}) }] };
}

function route(prefix: string, values: Record<string, Value>, droplet: boolean): QrItem | undefined {
  const certainty = values.infectionCauseCertainty === '確定' ? 'CONFIRMED' : values.infectionCauseCertainty === '推定' ? 'ESTIMATED' : undefined;
  const kind = String(values.infectionRoute ?? '');
  const detail = has(values.infectionCause) ? String(values.infectionCause) : has(values.ehecFood) ? String(values.ehecFood) : kind;
  if (!certainty && !kind && !has(values.infectionCause)) return undefined;
  // The IAE form puts 飛沫・飛沫核感染 first, so its numbering is one ahead of EHEC's.
  const order = droplet ? { '飛沫・飛沫核感染': 1, 経口感染: 2, 接触感染: 3, '動物・蚊・昆虫等からの感染': 4 } as Record<string, number> : ROUTE_ITEM;
  const labels: Record<number, string> = droplet
    ? { 1: '飛沫・飛沫核感染（感染源の種類・状況：）', 2: '経口感染（飲食物の種類・状況：）', 3: '接触感染（接触した人・物の種類・状況：）', 4: '動物・蚊・昆虫等からの感染（動物・蚊・昆虫等の種類・状況：)', 5: 'その他' }
    : { 1: '経口感染（飲食物の種類・状況：）', 2: '接触感染（接触した人・物の種類・状況：）', 3: '動物・蚊・昆虫等からの感染（動物・蚊・昆虫等の種類・状況：)', 4: 'その他' };
  const n = order[kind] ?? (droplet ? 5 : 4);
  const nested = detail ? [{ linkId: `${prefix}_${n}`, text: labels[n]!, answer: [{ valueString: detail }] }] : [];
  return { linkId: prefix, text: '感染原因・感染経路（確定・推定）', answer: [{ ...coding(CS.likelihood, certainty ?? 'ESTIMATED'), ...(nested.length ? { item: nested } : {}) }] };
}

function region(prefix: string, values: Record<string, Value>): QrItem | undefined {
  if (!has(values.infectionRegion) && !has(values.infectionRegionType)) return undefined;
  const certainty = values.infectionRegionCertainty === '確定' ? 'CONFIRMED' : 'ESTIMATED';
  const abroad = values.infectionRegionType === '国外';
  const parts = has(values.infectionRegion) ? String(values.infectionRegion).split(/[,，、・\s]+/).filter(Boolean) : [];
  const nested = parts.length ? [{ linkId: `${prefix}_${abroad ? 2 : 1}`, text: abroad ? '国外（国,詳細地域）' : '日本国内（都道府県,市区町村）', answer: parts.map((p) => ({ valueString: p })) }] : [];
  return { linkId: prefix, text: '感染地域（確定・推定）', answer: [{ ...coding(CS.likelihood, certainty), ...(nested.length ? { item: nested } : {}) }] };
}

function header(doc: NotificationDocument, group: string): QrItem {
  return {
    linkId: group, text: '届出元情報',
    item: items(
      q('i0_1', '報告年月日', date(doc.reportDate)),
      q('i0_2', '医師氏名', str(doc.reporter.doctorName)),
      q('i0_3', '従事する病院・診療所の名称', str(doc.reporter.hospitalName)),
      q('i0_4', '上記病院・診療所の所在地', str(doc.reporter.hospitalAddress)),
      q('i0_5', '電話番号', str(doc.reporter.hospitalPhone)),
    ),
  };
}

const subjectClass = (v: Value) => (typeof v === 'string' && SUBJECT_CLASS[v] ? [coding(CS.subjectClass, SUBJECT_CLASS[v]!, v)] : undefined);

/** The common 当該者 items in EHEC's numbering; identity items only where the law asks for them. */
function subject(doc: NotificationDocument, values: Record<string, Value>, group: string): QrItem {
  const id = doc.identityRequired;
  return {
    linkId: group, text: '当該者情報',
    item: items(
      q('i1_1', '診断（検案）した者（死体）の類型', subjectClass(doc.type)),
      id ? q('i1_2', '当該者氏名', str(values.patientName)) : undefined,
      q('i1_3', '性別', gender(values.sex)),
      id ? q('i1_4', '生年月日', date(values.birthDate)) : undefined,
      q('i1_5', '診断時の年齢（0歳は月齢）', int(values.ageAtDiagnosis === 0 && typeof values.ageMonths === 'number' ? values.ageMonths : values.ageAtDiagnosis)),
      id ? q('i1_6', '当該者職業', str(values.occupation)) : undefined,
      id ? q('i1_7-1', '当該者住所', str(values.address)) : undefined,
      id ? q('i1_7-2', '当該者住所の電話', str(values.phone)) : undefined,
      id ? q('i1_8-1', '当該者所在地', str(values.presentLocation)) : undefined,
      id ? q('i1_8-2', '当該者所在地の電話', str(values.presentPhone)) : undefined,
      id ? q('i1_9', '保護者氏名', str(values.guardianName)) : undefined,
      id ? q('i1_10-1', '保護者住所', str(values.guardianAddress)) : undefined,
      id ? q('i1_10-2', '保護者電話', str(values.guardianPhone)) : undefined,
    ),
  };
}

function ehecMethod(values: Record<string, Value>): QrItem | undefined {
  const methods = values.ehecToxinMethod === '毒素産生' ? ['01'] : values.ehecToxinMethod === 'PCR法等による毒素遺伝子' ? ['02'] : values.ehecToxinMethod === '毒素産生・PCR法等の両方' ? ['01', '02'] : [];
  const { o, h } = serotype(values);
  const group = (linkId: string, text: string, known: string | undefined, knownText: string, unknownText: string) => q(linkId, text, undefined, items(
    known && !/不明|-/.test(known) ? q(`${linkId}_1`, knownText, [{ valueString: known }]) : undefined,
    known && /不明/.test(known) ? q(`${linkId}_2`, unknownText, [coding(CS.unknown, 'U')]) : undefined,
  ));
  const isolation = q('i1_12_1', '分離・同定による病原体の検出、かつ、分離菌における次の1、2いずれかによるベロ毒素の確認（1毒素産生 2ＰＣＲ法等による毒素遺伝子 ）', undefined, items(
    q('i1_12_1_1', '1:毒素産生 2:ＰＣＲ法等による毒素遺伝子', methods.map((m) => coding(CS.ehecDx, m))),
    q('i1_12_1_2', '検体：便・その他（ ）', undefined, items(
      values.ehecSpecimen === '便' ? q('i1_12_1_2_1', '検体：便', [coding(CS.yesNo, 'Y')]) : undefined,
      q('i1_12_1_2_2', '検体：その他', str(values.ehecSpecimenOther)),
    )),
    group('i1_12_1_3', 'Ｏ血清群：Ｏ( )・不明', o, 'Ｏ血清群：Ｏ( )', 'Ｏ血清群：不明'),
    group('i1_12_1_4', 'Ｈ血清群：Ｈ( )・不明', h, 'Ｈ血清群：Ｈ( )', 'Ｈ血清群：不明'),
    q('i1_12_1_5', 'ベロ毒素：VT1VT2 ・VT1 ・VT2 ・VT(型不明)', typeof values.ehecToxin === 'string' && VEROTOXIN[values.ehecToxin] ? [coding(CS.verotoxin, VEROTOXIN[values.ehecToxin]!)] : undefined),
  ));
  return q('i1_12', '診断方法', undefined, items(
    values.ehecIsolation === false && !methods.length ? undefined : isolation,
    q('i1_12_2', '便でのベロ毒素の検出（HUS 発症例に限る）', bool(values.ehecStoolVtHus)),
    q('i1_12_3', '血清でのＯ抗原凝集抗体又は抗ベロ毒素抗体の検出（HUS発症例に限る）', bool(values.ehecSerumHus)),
    q('i1_12_4', 'その他の方法', has(values.diagnosisMethod) ? [{ valueString: String(values.diagnosisMethod), ...nestedItems(items(
      q('i1_12_4_1', '検体（ ）', str(values.ehecOtherSpecimen)),
      q('i1_12_4_2', '結果（ ）', str(values.ehecOtherResult)),
    )) }] : undefined),
  ));
}

const nestedItems = (list: QrItem[]) => (list.length ? { item: list } : {});

/** The dates, causes and notes of the EHEC numbering, which the other diseases' responses share. */
function datesAndCauses(values: Record<string, Value>): Array<QrItem | undefined> {
  return [
      q('i1_13', '初診年月日', date(values.firstVisitDate)),
      q('i1_14', '診断（検案）年月日', date(values.diagnosisDate)),
      q('i1_15', '感染したと推定される年月日', date(values.infectionDate)),
      q('i1_16', '発病年月日', date(values.onsetDate)),
      q('i1_17', '死亡年月日', date(values.deathDate)),
      q('i1_18', '感染原因・感染経路・感染地域', undefined, items(route('i1_18_1', values, false), region('i1_18_2', values))),
      q('i1_19', 'その他感染症の蔓延防止及び当該者の医療のために医師が必要と認める事項', str(values.otherNotes)),
  ];
}

function ehecContents(values: Record<string, Value>, specs: NotificationFieldSpec[]): QrItem {
  return {
    linkId: 'group_Contents', text: '届出内容',
    item: items(
      symptoms('i1_11', ['i1_11_1', 'i1_11_2'], values, specs, CS.ehecSymptom),
      ehecMethod(values),
      ...datesAndCauses(values),
    ),
  };
}

function iaeContents(values: Record<string, Value>, specs: NotificationFieldSpec[]): QrItem {
  const dx = specs.filter((s) => s.fhir?.dxsource && values[s.name] === true).map((s) => coding(CS.iaeDx, s.fhir!.dxsource!));
  return {
    linkId: 'block_Contents', text: '届出内容',
    item: items(
      q('i1_n11', '病型', undefined, items(
        q('i1_n11_1', '1）病原体（ ）', str(values.encephalitisPathogen)),
        values.encephalitisPathogenUnknown === true ? q('i1_n11_2', '2)病原体不明', [coding(CS.unknown, 'U')]) : undefined,
      )),
      symptoms('i1_14', ['i1_14_1', 'i1_14_2'], values, specs, CS.iaeSymptom),
      q('i1_5', '診断方法', undefined, items(values.encephalitisCriterion === true || dx.length ? q('i1_5_1', '意識障害を伴って死亡した者、または意識障害を伴って24 時間以上入院した者のうち、次の1,2,3の少なくとも1つの症状を呈したことを確認', undefined, items(
        q('i1_5_1_1', '1: 38度以上の高熱、2:何らかの中枢神経症状、3:先行感染症状（熱性痙攣、代謝疾患、脳血管障害、脳腫瘍、外傷等、明らかに感染性とは異なる場合は除外する。）', dx),
      )) : undefined)),
      q('i1_6', '初診年月日', date(values.firstVisitDate)),
      q('i1_7', '診断（検案）年月日', date(values.diagnosisDate)),
      q('i1_8', '感染したと推定される年月日', date(values.infectionDate)),
      q('i1_9', '発病年月日', date(values.onsetDate)),
      q('i1_10', '死亡年月日', date(values.deathDate)),
      q('i1_11', '感染原因・感染経路・感染地域', undefined, items(route('i1_11_1', values, true), region('i1_11_2', values))),
    ),
  };
}

/** Other diseases: EHEC's common items, and the disease's own items under medflow_<field>, coded where they can be. */
function genericContents(values: Record<string, Value>, specs: NotificationFieldSpec[]): QrItem {
  const own = specs.filter((s) => !s.fhir?.symptom).map((s) => {
    const v = values[s.name];
    const answer = s.type === 'boolean' ? bool(v) : s.type === 'number' ? (typeof v === 'number' ? [{ valueInteger: Math.round(v) }] : undefined) : s.type === 'date' ? date(v) : str(v);
    return q(`medflow_${s.name}`, s.label, answer);
  });
  const system = specs.find((s) => s.fhir?.system)?.fhir?.system ?? `${LOCAL_SYMPTOMS}generic`;
  return {
    linkId: 'group_Contents', text: '届出内容',
    item: items(
      symptoms('i1_11', ['i1_11_1', 'i1_11_2'], values, specs, system),
      q('i1_12', '診断方法', undefined, items(q('i1_12_4', 'その他の方法', str(values.diagnosisMethod)))),
      ...own,
      ...datesAndCauses(values),
    ),
  };
}

export interface BundleIds { response: string; patient: string; practitioner: string; organization: string }

export function questionnaireResponse(doc: NotificationDocument, specific: NotificationFieldSpec[], ids: BundleIds) {
  const id = ids.response;
  const values = doc.values as Record<string, Value>;
  const iae = doc.disease.id === 'acute_encephalitis';
  const groups = iae ? ['block_Header', 'block_Subject'] : ['group_Header', 'group_Subject'];
  const contents = doc.disease.id === 'ehec' ? ehecContents(values, specific) : iae ? iaeContents(values, specific) : genericContents(values, specific);
  return {
    resourceType: 'QuestionnaireResponse' as const,
    id,
    meta: { profile: [`${JP}/eInfectionReport/StructureDefinition/JP_QResponse_eInfectionReport_Common`] },
    identifier: { system: `${JP}/core/IdSystem/resourceInstance-identifier`, value: id },
    questionnaire: QUESTIONNAIRE[doc.disease.id] ?? `${JP}/eInfectionReport/mhlw/Questionnaire/JP_Questionnaire_eInfectionReport_${doc.disease.id}`,
    status: 'completed' as const,
    authored: doc.reportDate,
    subject: { reference: `urn:uuid:${ids.patient}` },
    author: { reference: `urn:uuid:${ids.practitioner}` },
    item: [header(doc, groups[0]!), subject(doc, values, groups[1]!), contents],
  };
}

/** The response with the resources it refers to; the Patient carries a name and address only where the law asks. */
export function notificationBundle(doc: NotificationDocument, specific: NotificationFieldSpec[], ids: BundleIds) {
  const values = doc.values as Record<string, Value>;
  const sex = values.sex === '男' ? 'male' : values.sex === '女' ? 'female' : 'unknown';
  const patient = {
    resourceType: 'Patient', id: ids.patient, gender: sex,
    ...(doc.identityRequired && has(values.patientName) ? { name: [{ text: String(values.patientName) }] } : {}),
    ...(doc.identityRequired && typeof values.birthDate === 'string' ? { birthDate: values.birthDate } : {}),
    ...(doc.identityRequired && has(values.address) ? { address: [{ text: String(values.address) }] } : {}),
    ...(doc.identityRequired && has(values.phone) ? { telecom: [{ system: 'phone', value: String(values.phone) }] } : {}),
  };
  const organization = {
    resourceType: 'Organization', id: ids.organization, ...(doc.reporter.hospitalName ? { name: doc.reporter.hospitalName } : {}),
    ...(doc.reporter.hospitalAddress ? { address: [{ text: doc.reporter.hospitalAddress }] } : {}),
    ...(doc.reporter.hospitalPhone ? { telecom: [{ system: 'phone', value: doc.reporter.hospitalPhone }] } : {}),
  };
  const practitioner = { resourceType: 'Practitioner', id: ids.practitioner, ...(doc.reporter.doctorName ? { name: [{ text: doc.reporter.doctorName }] } : {}) };
  const resources = [questionnaireResponse(doc, specific, ids), patient, practitioner, organization];
  return {
    resourceType: 'Bundle' as const, type: 'collection' as const, timestamp: `${doc.reportDate}T00:00:00+09:00`,
    entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${resource.id}`, resource })),
  };
}
