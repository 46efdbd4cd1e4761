import type { CodeMention, MedicalCodesService, NotifiableDisease, NotifiableMention, NotificationType } from '@medflow/sdk';
import type { Assertion } from '../icd-coder/assertion.js';

/** The sentence around a span: from the last sentence end before it to the next one after it. */
export function sentenceAround(text: string, span: { start: number; end: number }): string {
  let start = span.start;
  while (start > 0 && !/[。．\n]/.test(text[start - 1]!)) start--;
  let end = span.end;
  while (end < text.length && !/[。．\n]/.test(text[end]!)) end++;
  return text.slice(start, end);
}

const DETECTION = /(検出|陽性|分離|同定|培養(され|で|から|より|にて)|生え|発育|PCR|ＰＣＲ|LAMP|抗原|抗体|[（(][+＋][）)]|\(\+\)|遺伝子)/i;
const NOT_DETECTED = /(陰性|検出されず|検出されなかった|検出せず|認めず|認めなかった|[（(][-−－][）)]|\(-\)|結果待ち|提出|予定)/;
const STERILE_SITE = /(血液培養|血培|血液から|血液より|血中から|静脈血|動脈血|髄液|脳脊髄液|CSF|胸水|腹水|関節液|心嚢液|骨髄|血液検体|菌血症|敗血症)/i;

/**
 * Whether an organism named in the text establishes its notifiable disease: a detection written in the
 * same sentence, not negated, and for invasive infections from a normally sterile site. The reason is
 * given either way.
 */
export function organismFinding(text: string, m: NotifiableMention): { notify: boolean; reason: string } {
  const sentence = sentenceAround(text, m);
  const organism = m.organism!;
  if (!DETECTION.test(sentence)) return { notify: false, reason: `「${m.text}」: 検出・陽性の記載がありません` };
  if (NOT_DETECTED.test(sentence.slice(sentence.indexOf(m.text)))) return { notify: false, reason: `「${m.text}」: 陰性または結果待ちです` };
  if (organism.rule === 'sterile' && !STERILE_SITE.test(sentence)) {
    return { notify: false, reason: `「${m.text}」の検出は血液・髄液など本来無菌的な部位からではないため、侵襲性感染症の届出基準に当たりません` };
  }
  return { notify: true, reason: organism.note };
}

const ADMITTED = /(入院(した|し|中|加療|治療|管理|となった|となり|を要|が必要|決定|時)|入院。|入院$|緊急入院|当院入院|に入院)/;

/** For diseases notified only for inpatients (水痘): where the note says the patient was admitted. */
export function admissionEvidence(text: string): { start: number; end: number; text: string } | undefined {
  const m = ADMITTED.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length, text: m[0] } : undefined;
}

/** The ICD-10 block a code sits in (A15-A19 for A16.9), or its category where the tables have no blocks. */
function blockOf(codes: MedicalCodesService, code: string): string {
  return codes.ancestors?.('icd10', code).find((a) => a.code.includes('-'))?.code ?? code.slice(0, 3);
}

/**
 * A longer diagnosis of another kind around the disease word: 「蕁麻疹」 around 麻疹, 「陳旧性結核」 (sequelae,
 * B90) around 結核, 「非結核性抗酸菌症」 around 結核. Read with the full code tables, so the notifiable list
 * itself needs no list of look-alikes.
 */
export function coveringDiagnosis(codes: MedicalCodesService, mentions: CodeMention[], m: { start: number; end: number }, disease: NotifiableDisease): CodeMention | undefined {
  if (!disease.icd10) return undefined;
  const own = blockOf(codes, disease.icd10);
  return mentions.find((c) => c.start <= m.start && c.end >= m.end && c.end - c.start > m.end - m.start
    && !c.icd10.some((code) => blockOf(codes, code) === own));
}

const LATENT = /(潜在性結核|LTBI|潜在結核)/;
const DIED = /(死亡|死去|永眠|死亡確認|死体)/;
const ASYMPTOMATIC = /(無症状|症状なし|症状はなく|無症候)/;

/** The 類型 to suggest, within what the law allows for the disease; the physician confirms. */
export function suggestType(text: string, evidence: string, assertion: Assertion, disease: NotifiableDisease): NotificationType {
  const allowed = (t: NotificationType) => disease.types.includes(t);
  const suspected = assertion === 'suspected';
  if (DIED.test(text)) return suspected && allowed('感染症死亡疑い者の死体') ? '感染症死亡疑い者の死体' : '感染症死亡者の死体';
  if (suspected && allowed('疑似症患者')) return '疑似症患者';
  if ((LATENT.test(evidence) || ASYMPTOMATIC.test(text)) && allowed('無症状病原体保有者')) return '無症状病原体保有者';
  return '患者（確定例）';
}
