import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';
import { detectPhi, PHI_TYPES, type PhiType } from './detectors.js';

const LABELS: Record<PhiType, { ja: string; en: string }> = {
  name: { ja: '氏名', en: 'NAME' },
  birthdate: { ja: '生年月日', en: 'DOB' },
  date: { ja: '日付', en: 'DATE' },
  age: { ja: '年齢', en: 'AGE' },
  address: { ja: '住所', en: 'ADDRESS' },
  postal: { ja: '郵便番号', en: 'POSTAL' },
  phone: { ja: '電話番号', en: 'PHONE' },
  mynumber: { ja: '個人番号', en: 'MYNUMBER' },
  insurance: { ja: '保険番号', en: 'INSURANCE' },
  patient_id: { ja: '患者ID', en: 'ID' },
  facility: { ja: '施設名', en: 'FACILITY' },
  email: { ja: 'メール', en: 'EMAIL' },
};

export interface RedactedSpan {
  type: PhiType;
  /** Offsets in the input text. */
  start: number;
  end: number;
  /** Offsets of the mask in the redacted text. */
  maskedStart: number;
  maskedEnd: number;
  /** The mask written in place; the same words get the same token throughout a text. */
  mask: string;
}

/**
 * De-identifies Japanese and English clinical text by rules: identifiers with a fixed shape (My Number
 * with its check digit, phone, 〒, insurance, chart IDs, dates, emails) and words found by context
 * (names before 様・さん・氏 or after 氏名：, addresses, hospitals and wards). The original words go only
 * into an encrypted re-identification table, never into the outputs.
 */
export default defineNode({
  type: 'medical/phi-redact',
  version: 1,
  display: {
    title: t('個人情報マスキング', 'PHI redaction'),
    category: 'medical',
    icon: '🛡',
    description: t('氏名・住所・電話番号・マイナンバー・保険番号・生年月日などを伏せ字にします。元の値は暗号化して保管し、権限のある人だけが監査つきで復元できます',
      'Masks names, addresses, phone numbers, My Number, insurance numbers, dates of birth and more; the originals are kept encrypted for audited re-identification'),
  },
  inputs: { text: port(PortKinds.text, { title: t('原文', 'Text') }) },
  outputs: {
    text: port(PortKinds.text, { title: t('マスキング済みの文章', 'Redacted text') }),
    spans: port(PortKinds.json, { title: t('伏せた箇所', 'Redacted spans') }),
  },
  config: z.object({
    types: z.array(z.enum(PHI_TYPES)).min(1).default([...PHI_TYPES]).meta(field('対象の種類', 'Entity types')),
    maskStyle: z.enum(['token', 'label', 'asterisk']).default('token').meta(field('伏せ方', 'Mask style', 'token: ⟨氏名1⟩ / label: [氏名] / asterisk: ＊＊＊')),
    language: z.enum(['ja', 'en']).default('ja').meta(field('ラベルの言語', 'Label language')),
    keepMapping: z.boolean().default(true).meta(field('復元用の対応表を保管', 'Keep re-identification table', '暗号化して保管し、監査つきで復元できます')),
  }),
  capabilities: { phi: 'redacts' },
  async execute(ctx, { text }) {
    const found = detectPhi(text, new Set(ctx.config.types));
    const tokens = new Map<string, string>();
    const counters = new Map<PhiType, number>();
    const spans: RedactedSpan[] = [];
    let out = '';
    let last = 0;
    for (const s of found) {
      const value = text.slice(s.start, s.end);
      const label = LABELS[s.type][ctx.config.language];
      let mask: string;
      if (ctx.config.maskStyle === 'asterisk') mask = '＊'.repeat([...value].length);
      else if (ctx.config.maskStyle === 'label') mask = `[${label}]`;
      else {
        const key = `${s.type}\u0000${value.normalize('NFKC').replace(/\s/g, '')}`;
        if (!tokens.has(key)) {
          const n = (counters.get(s.type) ?? 0) + 1;
          counters.set(s.type, n);
          tokens.set(key, `⟨${label}${n}⟩`);
        }
        mask = tokens.get(key)!;
      }
      out += text.slice(last, s.start);
      spans.push({ type: s.type, start: s.start, end: s.end, maskedStart: out.length, maskedEnd: out.length + mask.length, mask });
      out += mask;
      last = s.end;
    }
    out += text.slice(last);

    let vaultId: string | undefined;
    if (ctx.config.keepMapping && spans.length) {
      const entries = spans.map((s) => ({ token: s.mask, type: s.type, value: text.slice(s.start, s.end) }));
      ({ vaultId } = await ctx.services.phiVault.keep({ runId: ctx.runId, nodeId: ctx.nodeId, entries }));
    }
    const counts = Object.fromEntries(PHI_TYPES.map((type) => [type, spans.filter((s) => s.type === type).length]).filter(([, n]) => n));
    return { text: out, spans: { spans, counts, ...(vaultId ? { vaultId } : {}) } };
  },
});
