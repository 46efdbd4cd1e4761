import { defineNode, field, MedflowError, port, PortKinds, t, z } from '@medflow/sdk';
import { ModelNameSchema } from '../shared/model-name.js';
import { buildScope } from '../shared/scope.js';
import { parseTemplate, renderTemplate, TemplateSyntaxError } from '../template/render.js';

const templateText = z.string().max(100_000).superRefine((value, ctx) => {
  try { parseTemplate(value); } catch (e) { if (e instanceof TemplateSyntaxError) ctx.addIssue({ code: 'custom', message: e.message }); else throw e; }
});

/**
 * A prompt to the hospital's own LLM. With an output JSON Schema the answer is constrained by a grammar
 * and always parses. The text is a draft: it carries which model wrote it.
 */
export default defineNode({
  type: 'ai/llm',
  version: 1,
  display: {
    title: t('ローカルLLM', 'Local LLM'),
    category: 'ai',
    icon: '✦',
    description: t('院内のLLMで文章を生成します（外部送信なし）。JSONスキーマを指定すると必ずその形で出力します', 'Generates text with the on-premises LLM (nothing leaves the server); with a JSON Schema the output always matches it'),
  },
  inputs: { vars: port(PortKinds.any, { multiple: true, optional: true, title: t('差し込む値', 'Values') }) },
  outputs: {
    text: port(PortKinds.text, { title: t('生成文', 'Text') }),
    json: port(PortKinds.json, { title: t('構造化出力', 'JSON') }),
    meta: port(PortKinds.json, { title: t('生成情報', 'Generation info') }),
  },
  config: z.object({
    model: ModelNameSchema('LLM'),
    system: templateText.optional().meta(field('システムプロンプト', 'System prompt', '役割や書き方の指示')),
    prompt: templateText.min(1, 'write a prompt').meta(field('プロンプト', 'Prompt', '{{ノードID}} で上流の値を差し込めます')),
    temperature: z.number().min(0).max(2).default(0).meta(field('温度', 'Temperature', '0 で毎回同じ出力（下書きには 0 を推奨）')),
    maxTokens: z.number().int().min(1).max(16_384).default(512).meta(field('最大トークン数', 'Max tokens')),
    outputSchema: z.record(z.string(), z.unknown()).optional().meta(field('出力JSONスキーマ', 'Output JSON Schema', '指定すると出力が必ずこの形のJSONになります')),
  }),
  capabilities: { gpu: 'optional', ai: 'generates' },
  limits: { timeoutMs: 15 * 60_000 },
  async execute(ctx, { vars }) {
    const scope = buildScope(vars);
    const render = (text: string) => {
      const { text: out, missing } = renderTemplate(parseTemplate(text), scope, 1_000_000);
      if (missing.length) throw new MedflowError({ code: 'TEMPLATE_VARIABLE_MISSING', category: 'USER', message: `no value for ${missing.map((m) => `{{${m}}}`).join(', ')}; connect the node that provides it or add | default:"…"`, details: { missing } });
      return out;
    };
    const result = await ctx.services.llm.generate({
      model: ctx.config.model,
      prompt: render(ctx.config.prompt),
      ...(ctx.config.system ? { system: render(ctx.config.system) } : {}),
      temperature: ctx.config.temperature,
      maxTokens: ctx.config.maxTokens,
      ...(ctx.config.outputSchema ? { jsonSchema: ctx.config.outputSchema } : {}),
      signal: ctx.signal,
      onProgress: (fraction, note) => ctx.progress(fraction, note),
    });
    ctx.progress(1);
    return {
      text: result.text,
      ...(result.json !== undefined ? { json: result.json } : {}),
      meta: { aiDraft: true, model: result.model, device: result.device, tokens: result.tokens, timings: result.timings, stopReason: result.stopReason, nodeId: ctx.nodeId },
    };
  },
});
