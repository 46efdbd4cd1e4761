import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/**
 * Unifies how text is written before matching or coding: notes mix ＣＲＰ and CRP, full-width digits and
 * spaces, and invisible characters pasted from other systems. NFKC also turns half-width kana (ｶﾙﾃ)
 * into full-width (カルテ).
 */
export default defineNode({
  type: 'core/normalize-text',
  version: 1,
  replaySafe: true,
  display: {
    title: t('全角半角の統一', 'Normalise text'),
    category: 'text',
    icon: 'Ａ',
    description: t('全角英数字・半角カナ・空白・不可視文字を統一します（NFKC）', 'Unifies full/half-width characters, spaces and invisible characters (NFKC)'),
  },
  inputs: { text: port(PortKinds.text, { title: t('テキスト', 'Text') }) },
  outputs: { text: port(PortKinds.text, { title: t('テキスト', 'Text') }) },
  config: z.object({
    nfkc: z.boolean().default(true).describe('NFKC: ＡＢＣ１２３ → ABC123, ｶﾙﾃ → カルテ').meta(field('全角英数字・半角カナを統一（NFKC）', 'Unify character widths (NFKC)')),
    collapseSpaces: z.boolean().default(true).describe('Runs of spaces and tabs become one space').meta(field('連続する空白を1つに', 'Collapse spaces')),
    trimLines: z.boolean().default(true).meta(field('行頭・行末の空白を除く', 'Trim lines')),
    removeInvisible: z.boolean().default(true).describe('Zero-width characters and byte-order marks').meta(field('不可視文字を除く', 'Remove invisible characters')),
  }),
  async execute(ctx, { text }) {
    let out = text.replace(/\r\n?/g, '\n');
    if (ctx.config.removeInvisible) out = out.replace(ZERO_WIDTH, '');
    if (ctx.config.nfkc) out = out.normalize('NFKC');
    if (ctx.config.collapseSpaces) out = out.replace(/[ \t\u3000]+/g, ' ');
    if (ctx.config.trimLines) out = out.split('\n').map((l) => l.trim()).join('\n').trim();
    return { text: out };
  },
});
