import { defineNode, field, MedflowError, port, PortKinds, t, z } from '@medflow/sdk';
import { buildScope } from '../shared/scope.js';
import { parseTemplate, renderTemplate, TemplateSyntaxError } from './render.js';

const config = z.object({
  template: z.string().max(200_000).superRefine((value, ctx) => {
    try { parseTemplate(value); } catch (e) { if (e instanceof TemplateSyntaxError) ctx.addIssue({ code: 'custom', message: e.message }); else throw e; }
  }).describe('Text with {{variables}} from upstream nodes, e.g. {{note}} or {{labs.CRP | default:"未測定"}}')
    .meta(field('テンプレート本文', 'Template', '上流ノードの値を {{ノードID}} で差し込めます（例: {{note}}、{{labs.CRP | default:"未測定"}}）')),
  onMissing: z.enum(['error', 'empty']).default('error').describe('What to do when a variable has no value: fail (safe for documents) or leave it empty')
    .meta(field('値がない変数', 'Missing variables', 'error: 失敗させる（文書の欠落を防ぐ） / empty: 空欄にする')),
  maxLength: z.number().int().min(1).max(5_000_000).default(1_000_000).meta(field('最大文字数', 'Max length')),
});

/**
 * Fills a text template with upstream values. Variables are named after the node they come from:
 * an edge from node `note` makes `{{note}}` available; `{{input}}` is the first connected value.
 */
export default defineNode({
  type: 'core/template',
  version: 1,
  replaySafe: true,
  display: {
    title: t('テンプレート', 'Template'),
    category: 'text',
    icon: '≡',
    description: t('上流の値を {{変数}} に差し込んで文章を作ります（コードは実行されません）', 'Fills {{variables}} with upstream values (no code is executed)'),
  },
  inputs: { vars: port(PortKinds.any, { multiple: true, optional: true, title: t('差し込む値', 'Values') }) },
  outputs: { text: port(PortKinds.text, { title: t('文章', 'Text') }) },
  config,
  async execute(ctx, { vars }) {
    const parts = parseTemplate(ctx.config.template);
    const { text, missing } = renderTemplate(parts, buildScope(vars), ctx.config.maxLength);
    if (missing.length && ctx.config.onMissing === 'error') {
      throw new MedflowError({
        code: 'TEMPLATE_VARIABLE_MISSING', category: 'USER',
        message: `no value for ${missing.map((m) => `{{${m}}}`).join(', ')}; connect the node that provides it or add | default:"…"`,
        details: { missing, available: Object.keys(buildScope(vars)) },
      });
    }
    return { text };
  },
});
