import { defineNode, field, port, PortKinds, t, z, type NotifiableDisease, type NotificationFieldSpec, type NotificationType } from '@medflow/sdk';
import { assertionOf, type Assertion } from '../icd-coder/assertion.js';
import { admissionEvidence, coveringDiagnosis, organismFinding, suggestType } from './rules.js';

const CATEGORY_LABEL = ['', '一類感染症', '二類感染症', '三類感染症', '四類感染症', '五類感染症（全数把握）', '新型インフルエンザ等感染症', '指定感染症', '新感染症'] as const;
const DEADLINE_LABEL = { immediately: '直ちに', within7days: '7日以内' } as const;

export interface NotificationTarget {
  disease: NotifiableDisease & { categoryLabel: string };
  /** The 類型 suggested from how the note asserts the diagnosis, within `allowedTypes`; the physician confirms. */
  suggestedType: NotificationType;
  /** The 類型 the law allows for this disease (the review form offers only these). */
  allowedTypes: NotificationType[];
  /** What made it notifiable beyond the name: an organism from a sterile site, an admission for 水痘. */
  basis?: string;
  admission?: { start: number; end: number; text: string };
  deadline: { kind: NotifiableDisease['deadline']; label: string; days: 0 | 7; note: string };
  /** What the law requires on this disease's form about the person (empty: no name or address). */
  identity: { required: boolean; fields: string[]; note: string };
  evidence: { start: number; end: number; text: string };
  /** Disease-specific fields, also sent on `fields` for the extraction node. */
  specificFields: NotificationFieldSpec[];
  /** Other notifiable diseases written in the note (each needs its own notification). */
  alsoMentioned: Array<{ id: string; name: string; assertion: Assertion; evidence: { start: number; end: number; text: string } }>;
  /** Mentions not to notify: ruled out, history, family, suspected where 疑似症 is not notifiable, 定点 diseases. */
  notNotified: Array<{ text: string; reason: string; start: number; end: number }>;
  source: string;
}

/**
 * Finds the notifiable disease in a clinical text and says what the law requires: its category
 * (一類〜五類全数), the deadline (直ちに / 7日以内), whether the form names the patient, and the
 * disease-specific fields. The list is data (nodes/data/notifiable), not code.
 */
export default defineNode({
  type: 'medical/notifiable-disease',
  version: 1,
  replaySafe: true,
  display: {
    title: t('届出対象疾患の判定', 'Notifiable disease'),
    category: 'medical',
    icon: '⚑',
    description: t('記載から感染症法の届出対象疾患を特定し、類型・届出期限・記載が必要な個人情報・疾患別の項目を示します', 'Identifies the notifiable disease in the note: category, deadline, identity fields required by law, disease-specific fields'),
  },
  inputs: { text: port(PortKinds.text, { title: t('診療記録', 'Clinical text') }) },
  outputs: {
    notification: port(PortKinds.json, { title: t('届出の要件', 'Notification requirements') }),
    fields: port(PortKinds.json, { title: t('追加で抽出する項目', 'Fields to extract') }),
    text: port(PortKinds.text, { title: t('本文（届出対象のときのみ）', 'Text (only when notifiable)'), description: t('抽出や確認を届出対象のときだけ行うためにつなぎます', 'Connect extraction here so it runs only when there is something to notify') }),
    notFound: port(PortKinds.json, { title: t('届出対象なし', 'Nothing to notify') }),
  },
  config: z.object({
    includeIdentityFields: z.boolean().default(true).meta(field('個人情報の項目を抽出', 'Extract identity fields', '法令で氏名・住所等が必要な疾患のときだけ抽出項目に加えます')),
  }),
  capabilities: { phi: 'passes' },
  async execute(ctx, { text }) {
    const table = ctx.services.notifiable;
    const byId = new Map(table.diseases().map((d) => [d.id, d]));
    const mentions = table.find(text);
    // The full code tables tell look-alikes apart (「蕁麻疹」 is not 麻疹, 「陳旧性結核」 not active 結核).
    const diagnoses = ctx.services.codes.findMentions(text);
    const spans = mentions.map((m) => ({ start: m.start, end: m.end }));
    const notNotified: NotificationTarget['notNotified'] = [];
    const candidates: Array<{ disease: NotifiableDisease; assertion: Assertion; evidence: { start: number; end: number; text: string }; basis?: string }> = [];
    for (const m of mentions) {
      const evidence = { start: m.start, end: m.end, text: m.text };
      if (m.notNotifiable) { notNotified.push({ ...evidence, reason: `${m.notNotifiable.name}: ${m.notNotifiable.note}（個別の発生届は不要）` }); continue; }
      const disease = byId.get(m.diseaseId!)!;
      const covering = coveringDiagnosis(ctx.services.codes, diagnoses, m, disease);
      if (covering) { notNotified.push({ ...evidence, reason: `「${covering.text}」（${covering.icd10[0]}）は${disease.name}ではありません` }); continue; }
      const assertion = assertionOf(text, m, spans.filter((s) => s.start !== m.start));
      let basis: string | undefined;
      if (m.organism) {
        const finding = organismFinding(text, m);
        if (!finding.notify || assertion === 'ruled_out') { notNotified.push({ ...evidence, reason: `${disease.name}: ${finding.notify ? '否定されています' : finding.reason}` }); continue; }
        basis = finding.reason;
      }
      if (assertion === 'confirmed' || (assertion === 'suspected' && disease.suspectedReportable)) candidates.push({ disease, assertion, evidence, ...(basis ? { basis } : {}) });
      else notNotified.push({ ...evidence, reason: assertion === 'suspected' ? `${disease.name}の疑い: ${CATEGORY_LABEL[disease.category]}は疑似症の届出対象ではありません（確定後に届出）` : `${disease.name}: ${({ ruled_out: '否定されています', differential: '鑑別診断として挙がっているだけです', history: '既往歴または予防接種歴です', family_history: '家族歴です', suspected: '疑いです', confirmed: '' })[assertion]}` });
    }
    // Diseases notified only for inpatients (水痘): without a written admission there is nothing to notify yet.
    const admission = admissionEvidence(text);
    for (const c of [...candidates]) {
      if (!c.disease.admissionRequired || admission) continue;
      candidates.splice(candidates.indexOf(c), 1);
      notNotified.push({ ...c.evidence, reason: `${c.disease.name}: 入院例のみ届出対象です（入院の記載がありません。入院したら届け出てください）` });
    }
    // The first confirmed mention leads; the same disease named twice (「腸管出血性大腸菌」「O157」) counts once.
    const chosen = candidates.find((c) => c.assertion === 'confirmed') ?? candidates[0];
    if (!chosen) {
      return { notFound: { message: '届出対象の感染症の記載は見つかりませんでした', notNotified, source: table.source() } };
    }
    const { disease } = chosen;
    const fieldSets = table.fields();
    const specificFields = disease.form ? fieldSets.specific[disease.form] ?? [] : [];
    const alsoMentioned = candidates.filter((c) => c.disease.id !== disease.id)
      .filter((c, i, all) => all.findIndex((o) => o.disease.id === c.disease.id) === i)
      .map((c) => ({ id: c.disease.id, name: c.disease.name, assertion: c.assertion, evidence: c.evidence }));
    const suggestedType = suggestType(text, chosen.evidence.text, chosen.assertion, disease);
    const notification: NotificationTarget = {
      disease: { ...disease, categoryLabel: CATEGORY_LABEL[disease.category] },
      suggestedType,
      allowedTypes: disease.types,
      ...(chosen.basis ? { basis: chosen.basis } : {}),
      ...(disease.admissionRequired && admission ? { admission } : {}),
      deadline: {
        kind: disease.deadline, label: DEADLINE_LABEL[disease.deadline], days: disease.deadline === 'immediately' ? 0 : 7,
        note: disease.deadline === 'immediately' ? '診断後直ちに最寄りの保健所長へ届け出てください' : '診断から7日以内に最寄りの保健所長へ届け出てください',
      },
      identity: disease.identityRequired
        ? { required: true, fields: fieldSets.identity.map((f) => f.label), note: `${CATEGORY_LABEL[disease.category]}${disease.category === 5 ? `（${disease.name}）` : ''}は氏名・住所等の記載が必要です` }
        : { required: false, fields: [], note: `${disease.name}（${CATEGORY_LABEL[disease.category]}）の届出には氏名・住所を記載しません（性別・年齢等のみ）` },
      evidence: chosen.evidence,
      specificFields,
      alsoMentioned,
      notNotified,
      source: table.source(),
    };
    // The form's 類型 offers only what the law allows for this disease (the extraction node takes this over its own).
    const reportType = fieldSets.common.find((f) => f.name === 'reportType');
    const fields = [
      ...(reportType ? [{ ...reportType, options: disease.types }] : []),
      ...(disease.identityRequired && ctx.config.includeIdentityFields ? fieldSets.identity : []), ...specificFields,
    ];
    if (alsoMentioned.length) ctx.log.warn('several notifiable diseases are written; each needs its own notification', { diseases: alsoMentioned.map((d) => d.id) });
    return { notification, fields, text };
  },
});
