import { defineNode, field, mappingKind, MedflowError, port, PortKinds, t, z, type CodeEntry, type CodeMention, type MedicalCodesService } from '@medflow/sdk';
import { ModelNameSchema } from '../shared/model-name.js';
import { assertionOf, type Assertion } from './assertion.js';
import { placeOfOccurrence } from './place.js';

export interface CodedDiagnosis {
  icd10: string;
  /** ICD-11 MMS stem codes from WHO's map, WHO's one-category choice first. */
  icd11: string[];
  /** `many`: WHO gives several ICD-11 targets and the physician chooses; `none`: WHO maps to no MMS category. */
  icd11Mapping?: 'one' | 'many' | 'none';
  /** The first ICD-11 code is a residual category (other specified .Y / unspecified .Z). */
  icd11Residual?: boolean;
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
/** 万病辞書 maps real-world spellings with less care than MEDIS does; its codes are a little less sure. */
const SOURCE_FACTOR: Record<NonNullable<CodeMention['source']>, number> = { medis: 1.05, synonym: 1, 'medis-index': 1, title: 1, manbyo: 0.95 };
/** A known term inside a longer word the dictionary does not know (「右下葉S6肺腺癌」): coded by its part, less sure. */
const PART_FACTOR = 0.75;
/** A site and a known head put together (「膀胱」+「小細胞癌」 → 膀胱癌): the category is usually right, the detail less so. */
const COMPOSED_FACTOR = 0.8;
const LLM_CONFIDENCE = { high: 0.95, medium: 0.75, low: 0.5 } as const;
const isSymptom = (code: string) => code.startsWith('R');
const isInjury = (code: string) => /^[ST]/.test(code);
const isExternal = (code: string) => /^[V-Y]/.test(code);
const DEATH_CONTEXT = /(死亡|死因|死体|検案|死去|永眠|縊死|溺死|心肺停止|CPA)/;

/** ICD-11 beside an ICD-10 code, from WHO's map: the stems, whether the physician must choose, residual or not. */
function icd11Of(codes: MedicalCodesService, entry: CodeEntry): Pick<CodedDiagnosis, 'icd11' | 'icd11Mapping' | 'icd11Residual'> {
  const first = entry.mapped[0] ? codes.lookup('icd11', entry.mapped[0]) : undefined;
  return { icd11: entry.mapped, icd11Mapping: entry.mapping ?? mappingKind(entry.mapped), ...(first?.residual ? { icd11Residual: true } : {}) };
}

/** Japan's statistics move to ICD-11 on a set day: which system applies on `now`, read as a date in Tokyo. */
export function systemOn(now: Date, icd11From: string): 'icd10' | 'icd11' {
  const tokyo = new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
  return tokyo >= icd11From ? 'icd11' : 'icd10';
}

/** Dictionary stage: every expression in the text with its assertion, as candidate codes. */
function candidates(text: string, codes: MedicalCodesService, config: { externalCauses: 'auto' | 'always' | 'never'; symptoms: 'when-no-diagnosis' | 'always' | 'never'; excludeCodes: string[] }) {
  const mentions = codes.findMentions(text);
  const all: CodedDiagnosis[] = mentions.flatMap((m) => {
    const status = assertionOf(text, m, mentions);
    // 「大腸癌肝転移」 names two diagnoses at once; an ambiguous abbreviation names one of several.
    const codesOfMention = m.combined ? m.icd10 : [m.icd10[0]!];
    return codesOfMention.map((first) => {
      let icd10 = first;
      let entry = codes.lookup('icd10', icd10)!;
      // An external-cause category takes the place of occurrence, read from its sentence, as 4th character.
      if (entry.externalCause && !icd10.includes('.')) {
        const sentenceEnd = text.indexOf('。', m.end);
        const sentence = text.slice(text.lastIndexOf('。', m.start) + 1, sentenceEnd < 0 ? text.length : sentenceEnd);
        icd10 = `${icd10}.${placeOfOccurrence(sentence)}`;
        entry = codes.lookup('icd10', icd10)!;
      }
      const ambiguous = !m.combined && m.icd10.length > 1;
      const part = m.composedFrom ? COMPOSED_FACTOR : m.partOf ? PART_FACTOR : 1;
      const confidence = BASE_CONFIDENCE[m.kind] * SOURCE_FACTOR[m.source ?? 'synonym'] * (ambiguous ? 0.6 : 1) * part;
      const coded: CodedDiagnosis = {
        icd10, ...icd11Of(codes, entry), title: entry.title,
        status,
        confidence: +Math.min(0.98, confidence).toFixed(2),
        evidence: { start: m.start, end: m.end, text: m.text },
        proposedBy: [`dictionary:${m.term}`],
        ...(ambiguous ? { alternatives: m.icd10.slice(1) } : {}),
        ...(m.composedFrom ? { note: `「${m.partOf}」は辞書にない表現です。部位「${m.composedFrom[0]}」と「${m.composedFrom[1]}」から「${m.composedFrom[2]}」として推定しました` }
          : m.partOf ? { note: `「${m.partOf}」は辞書にない表現です。含まれる「${m.text}」から推定しました` } : {}),
      };
      return coded;
    });
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
  // One diagnosis per distinct wording: a long note repeats the same words, and this is compared pairwise.
  const wordings = [...new Map(confirmed.filter((c) => !isExternal(c.icd10)).map((c) => [`${c.evidence.text}\u0000${c.icd10}`, c])).values()];
  const excluded = config.excludeCodes.map((e) => e.toUpperCase());
  for (const c of confirmed) {
    if (excluded.some((e) => c.icd10 === e || c.icd10.startsWith(`${e}.`))) { flagged.push({ ...c, note: 'excluded by this node\'s settings (施設の設定で提案しないコード)' }); continue; }
    if (specificExternal && /^W1[89]/.test(c.icd10)) { flagged.push({ ...c, note: 'a more specific external cause is coded' }); continue; }
    // An external cause is coded beside the injury it caused (ICD rule); 「転倒リスク」 alone is not an event.
    if (isExternal(c.icd10) && (config.externalCauses === 'never' || (config.externalCauses === 'auto' && !hasInjury))) { flagged.push({ ...c, note: 'external cause without an injury in the text' }); continue; }
    // Symptoms explained by a diagnosis are not coded.
    if (isSymptom(c.icd10) && (config.symptoms === 'never' || (config.symptoms === 'when-no-diagnosis' && hasDiagnosis))) { flagged.push({ ...c, note: 'symptom; a diagnosis is coded' }); continue; }
    // A general word inside a more specific diagnosis written elsewhere (肺炎 beside 誤嚥性肺炎) adds nothing.
    const specific = wordings.find((o) => o.icd10 !== c.icd10 && o.evidence.text.length > c.evidence.text.length && o.evidence.text.includes(c.evidence.text));
    if (specific) { flagged.push({ ...c, note: `more specific: ${specific.icd10}` }); continue; }
    const prev = set.get(c.icd10);
    if (prev) { prev.confidence = Math.min(0.99, +(prev.confidence + 0.02).toFixed(2)); if (!prev.proposedBy.includes(c.proposedBy[0]!)) prev.proposedBy.push(c.proposedBy[0]!); continue; }
    set.set(c.icd10, c);
    kept.push(c);
  }
  // 「脳梗塞（心原性脳塞栓症）」: an unspecified code gives way to a specified one of the same category.
  const specified = kept.filter((c) => !c.icd10.endsWith('.9') && c.icd10.length > 3);
  const general = kept.filter((c) => (c.icd10.endsWith('.9') || c.icd10.length === 3) && specified.some((o) => o.icd10.slice(0, 3) === c.icd10.slice(0, 3)));
  for (const c of general) flagged.push({ ...c, note: `more specific: ${specified.find((o) => o.icd10.slice(0, 3) === c.icd10.slice(0, 3))!.icd10}` });
  return { kept: kept.filter((c) => !general.includes(c)), flagged };
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
    codeList: port(PortKinds.json, { title: t('コード一覧', 'Code list'), description: t('設定した分類（ICD-10 / ICD-11）のコード', 'Codes in the configured classification') }),
    icd10List: port(PortKinds.json, { title: t('ICD-10 コード一覧', 'ICD-10 code list'), description: t('分類の設定にかかわらず ICD-10（レセプト・DPC と前年までの統計との比較用）', 'Always ICD-10 (claims, DPC, comparison with earlier statistics)') }),
  },
  config: z.object({
    system: z.enum(['icd10', 'icd11', 'auto']).default('icd10').meta(field('分類', 'Classification', 'コード一覧に出す分類。結果には両方を載せます。auto: 切替日から ICD-11（日本の統計は 2027-01-01 から ICD-11）')),
    icd11From: z.iso.date().default('2027-01-01').meta(field('ICD-11 への切替日', 'ICD-11 from', '分類が auto のとき、この日（日本時間）から ICD-11 で出力します')),
    mode: z.enum(['dictionary', 'llm']).default('dictionary').meta(field('方式', 'Mode', 'dictionary: 辞書のみ / llm: 辞書の候補から LLM が選択')),
    model: ModelNameSchema('LLM').optional(),
    maxCodes: z.number().int().min(1).max(30).default(10).meta(field('最大コード数', 'Max codes')),
    symptoms: z.enum(['when-no-diagnosis', 'always', 'never']).default('when-no-diagnosis').meta(field('症状コード（R）', 'Symptom codes (R)', '診断名があるときは症状をコードしません')),
    excludeCodes: z.array(z.string().trim().regex(/^[A-Z]\d\d(\.[0-9A-Z]{1,2})?$/i, 'an ICD-10 code such as R69 or Z00.0')
      .meta({ ...field('コード', 'Code'), 'x-widget': 'icd10' })).max(200).default([])
      .meta(field('提案しないコード', 'Codes never proposed', '施設の方針で提案しない ICD-10 コード（R69 のように 3 桁で指定すると配下も含みます）。要確認として残します')),
    externalCauses: z.enum(['auto', 'always', 'never']).default('auto').meta(field('外因コード（V01–Y98）', 'External causes', 'auto: 損傷・中毒のコードがあるときだけ（死亡票など）')),
  }).refine((c) => c.mode !== 'llm' || !!c.model, { path: ['model'], message: 'choose a model for LLM mode' }),
  capabilities: { gpu: 'optional', ai: 'generates' },
  limits: { timeoutMs: 10 * 60_000 },
  async execute(ctx, { text }) {
    const codes = ctx.services.codes;
    const system = ctx.config.system === 'auto' ? systemOn(new Date(), ctx.config.icd11From) : ctx.config.system;
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
          ...c, icd10: code, ...icd11Of(codes, entry), title: entry.title,
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
    const unmapped = system === 'icd11' ? selected.filter((c) => !c.icd11.length).map((c) => c.icd10) : [];
    const choose = system === 'icd11' ? selected.filter((c) => c.icd11Mapping === 'many').map((c) => ({ icd10: c.icd10, icd11: c.icd11 })) : [];
    ctx.progress(1);
    return {
      codes: {
        mode: ctx.config.mode, system, tables: codes.info().source,
        codes: selected,
        flagged: [...flagged, ...notSelected, ...overflow].sort((a, b) => a.evidence.start - b.evidence.start),
        ...(unmapped.length ? { unmapped, warning: `no ICD-11 mapping in the tables for ${unmapped.join(', ')}` } : {}),
        // WHO maps these ICD-10 codes to several ICD-11 codes: the first is WHO's choice, the physician confirms.
        ...(choose.length ? { chooseIcd11: choose } : {}),
        _provenance: { aiDraft: true, nodeId: ctx.nodeId, ...(model ? { model } : {}), method: ctx.config.mode === 'llm' ? 'dictionary + local LLM selection' : 'dictionary' },
      },
      codeList: system === 'icd10' ? selected.map((c) => c.icd10) : selected.flatMap((c) => c.icd11.slice(0, 1)),
      icd10List: selected.map((c) => c.icd10),
    };
  },
});
