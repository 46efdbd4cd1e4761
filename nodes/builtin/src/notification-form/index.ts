import { defineNode, field, MedflowError, port, PortKinds, t, z, type NotificationFieldSpec } from '@medflow/sdk';
import type { NotificationTarget } from '../notifiable-disease/index.js';
import type { NotificationDocument, NotificationRow } from './document.js';
import { renderNotificationHtml } from './render-html.js';
import { notificationBundle } from './fhir.js';
import { isObject } from '../shared/is-object.js';

// The order of the official form: type, person, then clinical items.
const ORDER = ['reportType', 'patientName', 'sex', 'birthDate', 'ageAtDiagnosis', 'ageMonths', 'occupation', 'address', 'phone', 'presentLocation', 'presentPhone', 'guardianName', 'guardianAddress', 'guardianPhone'];
const AFTER_SPECIFIC = ['symptoms', 'diagnosisMethod', 'firstVisitDate', 'diagnosisDate', 'infectionDate', 'onsetDate', 'deathDate', 'infectionRoute', 'infectionCause', 'infectionCauseCertainty', 'infectionRegionType', 'infectionRegion', 'infectionRegionCertainty', 'otherNotes'];


function addDays(isoDate: string, days: number): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) return null;
  const d = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return null;
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Lays out the approved notification: a printable page like the official form (HTML) and JSON for
 * electronic entry. Every value says where it came from — drafted by the AI and approved unchanged,
 * or written by the physician — and identity fields appear only where the law asks for them.
 */
export default defineNode({
  type: 'medical/notification-form',
  version: 1,
  display: {
    title: t('発生届の様式', 'Notification form'),
    category: 'medical',
    icon: '▤',
    description: t('確認済みの値から発生届（印刷用HTML）と電子入力用JSONを作ります。AIが下書きした項目には印が付きます', 'Builds the printable notification (HTML) and JSON for electronic entry; AI-drafted values are marked'),
  },
  inputs: {
    approved: port(PortKinds.json, { title: t('確認済みの値', 'Approved values') }),
    notification: port(PortKinds.json, { title: t('届出の要件', 'Notification requirements') }),
    draft: port(PortKinds.json, { optional: true, title: t('AIの下書き（項目抽出）', 'AI draft (extraction)') }),
  },
  outputs: {
    document: port(PortKinds.json, { title: t('電子入力用JSON', 'JSON for electronic entry') }),
    html: port(PortKinds.file, { title: t('印刷用の届出（HTML）', 'Printable form (HTML)') }),
    fhir: port(PortKinds.json, { title: t('電子届出（FHIR）', 'Electronic notification (FHIR)'), description: t('FHIR R4 QuestionnaireResponse（eInfectionReport）と Patient・Practitioner・Organization の Bundle', 'FHIR R4 QuestionnaireResponse (eInfectionReport) with Patient, Practitioner and Organization in a Bundle') }),
  },
  config: z.object({
    doctorName: z.string().max(100).default('').meta(field('医師の氏名', 'Physician', '空欄なら印刷後に記入')),
    hospitalName: z.string().max(200).default('').meta(field('病院・診療所の名称', 'Hospital')),
    hospitalAddress: z.string().max(300).default('').meta(field('所在地', 'Address')),
    hospitalPhone: z.string().max(50).default('').meta(field('電話番号', 'Phone')),
    reportDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD').optional().meta(field('報告年月日', 'Report date', '空欄なら作成日')),
  }),
  capabilities: { phi: 'passes' },
  async execute(ctx, { approved, notification, draft }) {
    if (!isObject(approved) || !isObject(notification) || !isObject((notification as Partial<NotificationTarget>).disease)) {
      throw new MedflowError({ code: 'VALIDATION_FAILED', category: 'USER', message: 'connect the review gate\'s approved values and the notifiable-disease node\'s requirements' });
    }
    const target = notification as unknown as NotificationTarget;
    const fieldSets = ctx.services.notifiable.fields();
    const identityKeys = new Set(fieldSets.identity.map((f) => f.name));
    const specs = new Map<string, NotificationFieldSpec>([...fieldSets.common, ...fieldSets.identity, ...target.specificFields].map((f) => [f.name, f]));
    const drafted = isObject(draft) ? draft : {};
    const keys = [
      ...ORDER.filter((k) => !identityKeys.has(k) || target.identity.required),
      ...target.specificFields.map((f) => f.name),
      ...AFTER_SPECIFIC,
    ];
    const rows: NotificationRow[] = keys.map((key) => {
      const spec = specs.get(key);
      const label = spec?.label ?? key;
      const raw = approved[key];
      const value = raw === undefined || raw === '' ? null : (raw as NotificationRow['value']);
      const ai = drafted[key];
      const aiValue = isObject(ai) && ai.status === 'found' ? ai.value : undefined;
      const evidence = isObject(ai) && isObject(ai.evidence) ? ai.evidence as NotificationRow['evidence'] : null;
      const source: NotificationRow['source'] = value === null ? 'blank' : aiValue !== undefined && JSON.stringify(aiValue) === JSON.stringify(value) ? 'ai-confirmed' : 'physician';
      return { key, label, value, source, ...(source === 'ai-confirmed' ? { evidence } : {}) };
    });
    const omitted = Object.keys(approved).filter((k) => identityKeys.has(k) && !target.identity.required && approved[k] !== null && approved[k] !== '');
    const reportDate = ctx.config.reportDate ?? new Date().toISOString().slice(0, 10);
    const diagnosisDate = typeof approved.diagnosisDate === 'string' ? approved.diagnosisDate : null;
    const document: NotificationDocument = {
      form: '感染症発生届',
      title: `${target.disease.name.replace(/（.*）$/, '')}発生届`,
      reportDate,
      disease: target.disease,
      type: typeof approved.reportType === 'string' ? approved.reportType : null,
      deadline: { kind: target.deadline.kind, label: target.deadline.label, dueDate: diagnosisDate ? addDays(diagnosisDate, target.deadline.days) : null },
      reporter: { doctorName: ctx.config.doctorName, hospitalName: ctx.config.hospitalName, hospitalAddress: ctx.config.hospitalAddress, hospitalPhone: ctx.config.hospitalPhone },
      identityRequired: target.identity.required,
      identityNote: target.identity.note,
      rows,
      values: Object.fromEntries(rows.map((r) => [r.key, r.value])),
      aiFilled: rows.filter((r) => r.source === 'ai-confirmed').map((r) => r.key),
      omitted,
    };
    if (omitted.length) ctx.log.info('identity values left off the form: the law does not ask for them for this disease', { fields: omitted });
    const html = await ctx.services.files.write(new TextEncoder().encode(renderNotificationHtml(document)), { name: `${document.title}-${reportDate}.html`, mediaType: 'text/html' });
    const uuid = () => globalThis.crypto.randomUUID();
    const fhir = notificationBundle(document, target.specificFields, { response: uuid(), patient: uuid(), practitioner: uuid(), organization: uuid() });
    return { document, html, fhir };
  },
});
