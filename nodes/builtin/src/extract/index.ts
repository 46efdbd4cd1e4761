import { defineNode, field, MedflowError, port, PortKinds, t, z } from '@medflow/sdk';
import { ModelNameSchema } from '../shared/model-name.js';
import { locateQuote } from './locate.js';

const FieldSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'letters, digits and _ (used as the JSON key)').meta(field('項目キー', 'Key')),
  label: z.string().max(100).optional().meta(field('項目名', 'Label', '例: 診断時年齢')),
  description: z.string().max(1000).default('').meta(field('説明', 'Description', 'モデルへの説明（何を、どの形式で）')),
  type: z.enum(['string', 'number', 'boolean', 'date', 'enum']).default('string').meta(field('型', 'Type')),
  options: z.array(z.string().max(100)).max(50).optional().meta(field('選択肢', 'Options', 'type が enum のとき')),
  required: z.boolean().default(false).meta(field('必須', 'Required', '見つからなければ要確認として示します')),
});
type FieldSpec = z.output<typeof FieldSchema>;

export interface ExtractedField {
  value: unknown;
  /** found: value with evidence in the text; not_found: no value; unsupported: the model gave a value whose quote is not in the text. */
  status: 'found' | 'not_found' | 'unsupported';
  evidence: { start: number; end: number; text: string } | null;
  /** For `unsupported`: what the model claimed, withheld from `value`. */
  rejected?: unknown;
  label?: string;
  required: boolean;
}

/** `oneOf` rather than `type: [T, 'null']`: llama.cpp's JSON-schema grammar honours maxLength only in this form. */
const nullable = (schema: Record<string, unknown>) => ({ oneOf: [schema, { type: 'null' }] });

function valueSchema(f: FieldSpec, maxValueLength: number): Record<string, unknown> {
  switch (f.type) {
    // Numbers are generated as short text and parsed below: the JSON number grammar has no length limit,
    // and clinical values come written as ３８．５ or 38.5℃.
    case 'number': return nullable({ type: 'string', maxLength: 30 });
    case 'boolean': return nullable({ type: 'boolean' });
    case 'enum': return nullable({ enum: f.options ?? [] });
    case 'date': return nullable({ type: 'string', maxLength: 30 });
    default: return nullable({ type: 'string', maxLength: maxValueLength });
  }
}

/**
 * Extracts named fields from clinical text with the local LLM under a grammar, and proves each value:
 * the model must quote the passage it read, the quote is located in the text, and a value whose quote
 * cannot be found is withheld (`unsupported`) instead of passed on silently.
 */
export default defineNode({
  type: 'ai/extract',
  version: 1,
  display: {
    title: t('項目抽出（根拠つき）', 'Structured extraction'),
    category: 'ai',
    icon: '⊞',
    description: t('文章から指定した項目を抜き出し、各値に原文の根拠箇所を付けます。根拠のない値は採用しません', 'Extracts fields from text with the source span behind each value; values without evidence are withheld'),
  },
  inputs: {
    text: port(PortKinds.text, { title: t('原文', 'Source text') }),
    extraFields: port(PortKinds.json, { optional: true, title: t('追加の項目（上流から）', 'More fields (from upstream)'), description: t('例: 届出対象疾患の判定が示す疾患別の項目', 'e.g. the disease-specific fields of a notifiable disease') }),
  },
  outputs: {
    fields: port(PortKinds.json, { title: t('項目（根拠つき）', 'Fields with evidence') }),
    values: port(PortKinds.json, { title: t('値のみ', 'Values') }),
    missing: port(PortKinds.json, { title: t('見つからない必須項目', 'Missing required fields') }),
  },
  config: z.object({
    model: ModelNameSchema('LLM'),
    fields: z.array(FieldSchema).min(1).max(60)
      .refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, 'field keys must be unique')
      .refine((fs) => fs.every((f) => f.type !== 'enum' || (f.options?.length ?? 0) > 0), 'enum fields need options')
      .meta(field('抽出する項目', 'Fields')),
    instructions: z.string().max(5000).optional().meta(field('追加の指示', 'Instructions')),
    maxTokens: z.number().int().min(64).max(16_384).default(2048).meta(field('最大トークン数', 'Max tokens')),
    maxValueLength: z.number().int().min(1).max(5000).default(300).meta(field('値の最大文字数', 'Max value length')),
    maxQuoteLength: z.number().int().min(1).max(5000).default(400).meta(field('根拠の最大文字数', 'Max quote length')),
  }),
  capabilities: { gpu: 'optional', ai: 'generates' },
  limits: { timeoutMs: 15 * 60_000 },
  async execute(ctx, { text, extraFields }) {
    const fields = withExtraFields(ctx.config.fields, extraFields);
    const schema = {
      type: 'object',
      properties: Object.fromEntries(fields.map((f) => [f.name, {
        type: 'object',
        properties: { value: valueSchema(f, ctx.config.maxValueLength), quote: nullable({ type: 'string', maxLength: ctx.config.maxQuoteLength }) },
        required: ['value', 'quote'],
      }])),
      required: fields.map((f) => f.name),
    };
    const list = fields.map((f) => `- ${f.name}${f.label ? `（${f.label}）` : ''}: ${f.description || f.type}${f.type === 'enum' ? ` [${f.options!.join(' / ')}]` : ''}${f.type === 'date' ? ' (YYYY-MM-DD)' : ''}`).join('\n');
    const prompt = [
      '次の文章から項目を抽出してください。各項目について value（値）と quote（根拠となる原文をそのまま抜き出したもの）を返します。',
      '文章に書かれていない項目は value と quote を null にしてください。推測で埋めないでください。',
      ctx.config.instructions ?? '',
      `項目:\n${list}`,
      `文章:\n"""\n${text}\n"""`,
    ].filter(Boolean).join('\n\n');
    const result = await ctx.services.llm.generate({
      model: ctx.config.model, prompt, jsonSchema: schema, temperature: 0, maxTokens: ctx.config.maxTokens, signal: ctx.signal,
      onProgress: (fraction, note) => ctx.progress(fraction, note),
    });
    const raw = result.json as Record<string, { value: unknown; quote: string | null }> | undefined;
    if (!raw) throw new MedflowError({ code: 'LLM_NO_JSON', category: 'THIRD_PARTY', message: 'the model returned no JSON', details: {} });

    const out: Record<string, ExtractedField> = {};
    for (const f of fields) {
      const item = raw[f.name] ?? { value: null, quote: null };
      if (f.type === 'number' && typeof item.value === 'string') item.value = parseNumber(item.value) ?? item.value;
      const evidence = item.quote ? locateQuote(text, item.quote) ?? null : null;
      const hasValue = item.value !== null && item.value !== undefined && item.value !== '';
      const base = { required: f.required, ...(f.label ? { label: f.label } : {}) };
      const valid = f.type !== 'number' || typeof item.value === 'number';
      if (hasValue && evidence && valid) out[f.name] = { ...base, value: item.value, status: 'found', evidence };
      else if (hasValue) out[f.name] = { ...base, value: null, status: 'unsupported', evidence: null, rejected: item.value };
      else out[f.name] = { ...base, value: null, status: 'not_found', evidence: null };
    }
    ctx.progress(1);
    return {
      fields: { ...out, _provenance: { aiDraft: true, nodeId: ctx.nodeId, model: result.model } },
      values: Object.fromEntries(fields.map((f) => [f.name, out[f.name]!.value])),
      missing: fields.filter((f) => f.required && out[f.name]!.status !== 'found').map((f) => f.name),
    };
  },
});

/** Fields an upstream node asks for, appended after the configured ones (a configured key wins). */
function withExtraFields(configured: FieldSpec[], extra: unknown): FieldSpec[] {
  if (extra === undefined || extra === null) return configured;
  const parsed = z.array(FieldSchema).max(60).safeParse(extra);
  if (!parsed.success) {
    throw new MedflowError({
      code: 'VALIDATION_FAILED', category: 'USER', message: `extraFields: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      details: { problems: parsed.error.issues.map((i) => ({ path: `inputs.extraFields.${i.path.join('.')}`, message: i.message })) },
    });
  }
  // An upstream field of a configured name refines it (the 類型 a notifiable disease allows); new ones are added.
  const usable = parsed.data.filter((f) => f.type !== 'enum' || (f.options?.length ?? 0) > 0);
  const refined = new Map(usable.map((f) => [f.name, f]));
  const known = new Set(configured.map((f) => f.name));
  return [...configured.map((f) => refined.get(f.name) ?? f), ...usable.filter((f) => !known.has(f.name))];
}

/** `３８．５℃` → 38.5; undefined when the text holds no single number. */
function parseNumber(text: string): number | undefined {
  const m = /^[^\d+-]*([+-]?\d+(?:\.\d+)?)[^\d]*$/.exec(text.normalize('NFKC').replace(/,/g, '').trim());
  return m ? Number(m[1]) : undefined;
}
