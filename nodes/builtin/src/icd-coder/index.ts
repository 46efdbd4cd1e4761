import { defineNode, field, MedflowError, port, PortKinds, t, z, type CodeMention, type MedicalCodesService } from '@medflow/sdk';
import { ModelNameSchema } from '../shared/model-name.js';
import { assertionOf, type Assertion } from './assertion.js';
import { placeOfOccurrence } from './place.js';

export interface CodedDiagnosis {
  icd10: string;
  icd11: string[];
  title: { ja: string; en: string };
  status: Assertion;
  /** 0..1: how sure the coder is that this code is right for what is written. */
  confidence: number;
  evidence: { start: number; end: number; text: string };
  /** What proposed it: `dictionary:<expression>` and, in LLM mode, `llm:<model>`. */
  proposedBy: string[];
  /** Other codes the same words could mean (ambiguous abbreviations), most usual first. */
  alternatives?: string[];
  /** Why a candidate is not among the codes (LLM mode, or a more specific code written elsewhere). */
  note?: string;
}

const BASE_CONFIDENCE: Record<CodeMention['kind'], number> = { title: 0.95, ja: 0.9, en: 0.85, abbr: 0.75 };
const LLM_CONFIDENCE = { high: 0.95, medium: 0.75, low: 0.5 } as const;
const isSymptom = (code: string) => code.startsWith('R');
const isInjury = (code: string) => /^[ST]/.test(code);
const isExternal = (code: string) => /^[V-Y]/.test(code);
const DEATH_CONTEXT = /(死亡|死因|死体|検案|死去|永眠|縊死|溺死|心肺停止|CPA)/;

/** Dictionary stage: every expression in the text with its assertion, as candidate codes. */
function candidates(text: string, codes: MedicalCodesService, config: { externalCauses: 'auto' | 'always' | 'never'; symptoms: 'when-no-diagnosis' | 'always' | 'never' }) {
  const mentions = codes.findMentions(text);
  const all: CodedDiagnosis[] = mentions.map((m) => {
    let icd10 = m.icd10[0]!;
    let entry = codes.lookup('icd10', icd10)!;
    // An external-cause category takes the place of occurrence, read from its sentence, as 4th character.
    if (entry.externalCause && !icd10.includes('.')) {
      const sentenceEnd = text.indexOf('。', m.end);
      const sentence = text.slice(text.lastIndexOf('。', m.start) + 1, sentenceEnd < 0 ? text.length : sentenceEnd);
      icd10 = `${icd10}.${placeOfOccurrence(sentence)}`;
      entry = codes.lookup('icd10', icd10)!;
    }
    const ambiguous = m.icd10.length > 1;
    return {
      icd10, icd11: entry.mapped, title: entry.title,
      status: assertionOf(text, m, mentions),
      confidence: +(BASE_CONFIDENCE[m.kind] * (ambiguous ? 0.6 : 1)).toFixed(2),
      evidence: { start: m.start, end: m.end, text: m.text },
      proposedBy: [`dictionary:${m.term}`],
      ...(ambiguous ? { alternatives: m.icd10.slice(1) } : {}),
    };
  });

  const confirmed = all.filter((c) => c.status === 'confirmed');
  const flagged = all.filter((c) => c.status !== 'confirmed');
  const kept: CodedDiagnosis[] = [];
  const set = new Map<string, CodedDiagnosis>();
  // Death-certificate wording counts as the event too: 「縊死」 names the cause of a death.
  const hasInjury = confirmed.some((c) => isInjury(c.icd10)) || DEATH_CONTEXT.test(text);
  const hasDiagnosis = confirmed.some((c) => !isSymptom(c.icd10) && !isExternal(c.icd10));
  // Several external-cause words for one event (「階段を踏み外し転落」): the general fall (転倒 W18, 転落 W19) gives way.
  const specificExternal = confirmed.some((c) => isExternal(c.icd10) && !/^W1[89]/.test(c.icd10));
  for (const c of confirmed) {
    if (specificExternal && /^W1[89]/.test(c.icd10)) { flagged.push({ ...c, note: 'a more specific external cause is coded' }); continue; }
    // An external cause is coded beside the injury it caused (ICD rule); 「転倒リスク」 alone is not an event.
    if (isExternal(c.icd10) && (config.externalCauses === 'never' || (config.externalCauses === 'auto' && !hasInjury))) { flagged.push({ ...c, note: 'external cause without an injury in the text' }); continue; }
    // Symptoms explained by a diagnosis are not coded.
    if (isSymptom(c.icd10) && (config.symptoms === 'never' || (config.symptoms === 'when-no-diagnosis' && hasDiagnosis))) { flagged.push({ ...c, note: 'symptom; a diagnosis is coded' }); continue; }
    // A general word inside a more specific diagnosis written elsewhere (肺炎 beside 誤嚥性肺炎) adds nothing.
    const specific = confirmed.find((o) => o !== c && o.icd10 !== c.icd10 && o.evidence.text.length > c.evidence.text.length && o.evidence.text.includes(c.evidence.text) && !isExternal(o.icd10));
    if (specific) { flagged.push({ ...c, note: `more specific: ${specific.icd10}` }); continue; }
    const prev = set.get(c.icd10);
    if (prev) { prev.confidence = Math.min(0.99, +(prev.confidence + 0.02).toFixed(2)); if (!prev.proposedBy.includes(c.proposedBy[0]!)) prev.proposedBy.push(c.proposedBy[0]!); continue; }
    set.set(c.icd10, c);
    kept.push(c);
  }
  return { kept, flagged };
}

/**
 * ICD coding in two stages: expressions as physicians write them are found with the code tables'
 * dictionary (candidates with evidence), then, in LLM mode, the local model selects among those
 * candidates under a grammar that only admits candidate codes, so it cannot invent one.
 */
export default defineNode({
  type: 'medical/icd-coder',
  version: 1,
  display: {
    title: t('ICDコーディング', 'ICD coder'),
    category: 'medical',
    icon: '🏷',
    description: t('診療記録から ICD-10 / ICD-11 コード候補を根拠箇所つきで提案します。疑い・否定・既往は確定病名として付けず、要確認として示します',
      'Proposes ICD-10 / ICD-11 codes from clinical text with evidence; suspected, ruled-out and past diagnoses are flagged, not coded'),
  },
  inputs: { text: port(PortKinds.text, { title: t('診療記録', 'Clinical text') }) },
  outputs: {
    codes: port(PortKinds.json, { title: t('コード（根拠つき）', 'Codes with evidence') }),
    codeList: port(PortKinds.json, { title: t('コード一覧', 'Code list') }),
  },
  config: z.object({
    system: z.enum(['icd10', 'icd11']).default('icd10').meta(field('分類', 'Classification', 'コード一覧に出す分類。結果には両方を載せます')),
    mode: z.enum(['dictionary', 'llm']).default('dictionary').meta(field('方式', 'Mode', 'dictionary: 辞書のみ / llm: 辞書の候補から LLM が選択')),
    model: ModelNameSchema('LLM').optional(),
    maxCodes: z.number().int().min(1).max(30).default(10).meta(field('最大コード数', 'Max codes')),
    symptoms: z.enum(['when-no-diagnosis', 'always', 'never']).default('when-no-diagnosis').meta(field('症状コード（R）', 'Symptom codes (R)', '診断名があるときは症状をコードしません')),
    externalCauses: z.enum(['auto', 'always', 'never']).default('auto').meta(field('外因コード（V01–Y98）', 'External causes', 'auto: 損傷・中毒のコードがあるときだけ（死亡票など）')),
  }).refine((c) => c.mode !== 'llm' || !!c.model, { path: ['model'], message: 'choose a model for LLM mode' }),
  capabilities: { gpu: 'optional', ai: 'generates' },
  limits: { timeoutMs: 10 * 60_000 },
  async execute(ctx, { text }) {
    const codes = ctx.services.codes;
    const { kept, flagged } = candidates(text, codes, ctx.config);
    let selected = kept;
    let notSelected: CodedDiagnosis[] = [];
    let model: string | undefined;

    if (ctx.config.mode === 'llm' && kept.length) {
      const options = [...new Set(kept.flatMap((c) => [c.icd10, ...(c.alternatives ?? [])]))];
      const list = options.map((code) => {
        const c = kept.find((k) => k.icd10 === code || k.alternatives?.includes(code))!;
        return `- ${code} ${codes.lookup('icd10', code)?.title.ja ?? ''}（根拠: 「${c.evidence.text}」）`;
      }).join('\n');
      const prompt = [
        '次の診療記録に付ける ICD-10 コードを、候補の中から選んでください。確定している病名だけを選び、記載と合わないコードは選ばないでください。',
        `候補:\n${list}`,
        `診療記録:\n"""\n${text}\n"""`,
      ].join('\n\n');
      const schema = {
        type: 'object',
        properties: { codes: { type: 'array', maxItems: Math.min(ctx.config.maxCodes, options.length), items: { type: 'object', properties: { code: { enum: options }, confidence: { enum: ['high', 'medium', 'low'] } }, required: ['code', 'confidence'] } } },
        required: ['codes'],
      };
      const result = await ctx.services.llm.generate({
        model: ctx.config.model!, prompt, jsonSchema: schema, temperature: 0, maxTokens: 64 + 24 * options.length, signal: ctx.signal,
        onProgress: (f, note) => ctx.progress(f, note),
      });
      const picked = (result.json as { codes?: Array<{ code: string; confidence: keyof typeof LLM_CONFIDENCE }> } | undefined)?.codes;
      if (!picked) throw new MedflowError({ code: 'LLM_NO_JSON', category: 'THIRD_PARTY', message: 'the model returned no JSON', details: {} });
      model = result.model;
      const chosen = new Map<string, keyof typeof LLM_CONFIDENCE>();
      for (const p of picked) if (!chosen.has(p.code)) chosen.set(p.code, p.confidence);
      selected = [];
      for (const c of kept) {
        // The model may pick an alternative reading of an ambiguous abbreviation: that code becomes the one.
        const code = chosen.has(c.icd10) ? c.icd10 : c.alternatives?.find((a) => chosen.has(a));
        if (!code) { notSelected.push({ ...c, note: 'not selected by the model' }); continue; }
        const entry = codes.lookup('icd10', code)!;
        selected.push({
          ...c, icd10: code, icd11: entry.mapped, title: entry.title,
          confidence: +((c.confidence + LLM_CONFIDENCE[chosen.get(code)!]) / 2).toFixed(2),
          proposedBy: [...c.proposedBy, `llm:${result.model}`],
          ...(c.alternatives ? { alternatives: [c.icd10, ...c.alternatives].filter((a) => a !== code) } : {}),
        });
      }
    }

    // External causes follow the injury they explain, as on a certificate.
    selected.sort((a, b) => Number(isExternal(a.icd10)) - Number(isExternal(b.icd10)) || b.confidence - a.confidence || a.evidence.start - b.evidence.start);
    const overflow = selected.slice(ctx.config.maxCodes).map((c) => ({ ...c, note: `beyond maxCodes (${ctx.config.maxCodes})` }));
    selected = selected.slice(0, ctx.config.maxCodes);
    const unmapped = ctx.config.system === 'icd11' ? selected.filter((c) => !c.icd11.length).map((c) => c.icd10) : [];
    ctx.progress(1);
    return {
      codes: {
        mode: ctx.config.mode, system: ctx.config.system, tables: codes.info().source,
        codes: selected,
        flagged: [...flagged, ...notSelected, ...overflow].sort((a, b) => a.evidence.start - b.evidence.start),
        ...(unmapped.length ? { unmapped, warning: `no ICD-11 mapping in the tables for ${unmapped.join(', ')}` } : {}),
        _provenance: { aiDraft: true, nodeId: ctx.nodeId, ...(model ? { model } : {}), method: ctx.config.mode === 'llm' ? 'dictionary + local LLM selection' : 'dictionary' },
      },
      codeList: ctx.config.system === 'icd10' ? selected.map((c) => c.icd10) : selected.flatMap((c) => c.icd11.slice(0, 1)),
    };
  },
});
