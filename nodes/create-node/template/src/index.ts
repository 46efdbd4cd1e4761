import { defineNode, port, PortKinds, t, z } from '@medflow/sdk';

/**
 * A first node: counts characters and lines of a text. Replace it with yours; keep the default export
 * (an array of node definitions) and list every node type in package.json `medflow.nodes`.
 */
const charCount = defineNode({
  type: '__NODE_TYPE__',
  version: 1,
  display: {
    title: t('文字数カウント', 'Character count'),
    category: 'text',
    description: t('テキストの文字数と行数を数えます', 'Counts the characters and lines of a text'),
  },
  inputs: { text: port(PortKinds.text, { title: t('テキスト', 'Text') }) },
  outputs: { count: port(PortKinds.json, { title: t('文字数', 'Counts') }) },
  config: z.object({
    ignoreWhitespace: z.boolean().default(true).describe('空白・改行を数えない'),
  }),
  async execute(ctx, { text }) {
    const counted = ctx.config.ignoreWhitespace ? text.replace(/\s/gu, '') : text;
    ctx.log.info('counted', { characters: [...counted].length });
    return { count: { characters: [...counted].length, lines: text.split(/\r?\n/).length } };
  },
});

export default [charCount];
