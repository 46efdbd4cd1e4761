import { defineNode, field, ErrorCodes, MedflowError, port, PortKinds, t, z } from '@medflow/sdk';
import { InputNameSchema } from '../shared/input-name.js';

/** Text given when the run starts: a clinical note, a diagnosis list, a question. */
export default defineNode({
  type: 'core/text-input',
  version: 1,
  replaySafe: true,
  display: {
    title: t('テキスト入力', 'Text input'),
    category: 'input',
    icon: '✎',
    description: t('実行時に入力する文章（診療記録など）。未入力で任意の場合、後続はスキップされます', 'Text given at run time (e.g. a clinical note); if optional and empty, downstream is skipped'),
  },
  inputs: {},
  outputs: { text: port(PortKinds.text, { title: t('テキスト', 'Text') }) },
  config: z.object({
    name: InputNameSchema.default('text').meta(field('入力名', 'Input name', '実行時に値を渡す名前（英数字）')),
    title: z.string().max(100).optional().describe('Label shown in the run form, e.g. 診療記録').meta(field('入力欄の見出し', 'Label', '実行フォームに表示（例: 診療記録）')),
    required: z.boolean().default(true).meta(field('必須', 'Required')),
    default: z.string().max(1_000_000).optional().meta(field('既定値', 'Default')),
    maxLength: z.number().int().min(1).max(5_000_000).default(1_000_000).meta(field('最大文字数', 'Max length')),
  }),
  role: 'input',
  runInput: (cfg) => ({ name: cfg.name, kind: 'text', required: cfg.required && cfg.default === undefined, ...(cfg.title ? { title: cfg.title } : {}) }),
  async execute(ctx) {
    const given = ctx.runInputs[ctx.config.name];
    const value = typeof given === 'string' && given !== '' ? given : ctx.config.default;
    if (value === undefined || value === '') {
      if (ctx.config.required) throw new MedflowError({ code: ErrorCodes.INPUT_MISSING, category: 'USER', message: `input "${ctx.config.name}" is required`, details: { input: ctx.config.name } });
      return {};
    }
    if (value.length > ctx.config.maxLength) {
      throw new MedflowError({ code: 'INPUT_TOO_LONG', category: 'USER', message: `input "${ctx.config.name}" has ${value.length} characters; the limit is ${ctx.config.maxLength}`, details: { length: value.length, maxLength: ctx.config.maxLength } });
    }
    return { text: value };
  },
});
