import { defineNode, field, ErrorCodes, FileRefSchema, MedflowError, port, PortKinds, sniffMediaType, t, z } from '@medflow/sdk';
import { InputNameSchema } from '../shared/input-name.js';

const FAMILIES = ['image', 'audio', 'pdf'] as const;
const ACCEPT: Record<(typeof FAMILIES)[number], string> = { image: 'image/*', audio: 'audio/*', pdf: 'application/pdf' };

/**
 * A file given when the run starts. The file is typed by its content, and also appears on the output of
 * its family (`image`, `audio` or `pdf`), so a flow can send scans to OCR and recordings to
 * transcription from one input, and the other branch is skipped.
 */
export default defineNode({
  type: 'core/file-input',
  version: 1,
  replaySafe: true,
  display: {
    title: t('ファイル入力', 'File input'),
    category: 'input',
    icon: '▤',
    description: t('スキャン画像・録音・PDF を受け取ります。種類はファイルの中身で判定します', 'Receives a scan, recording or PDF; its type is detected from its content'),
  },
  inputs: {},
  outputs: {
    file: port(PortKinds.file, { title: t('ファイル', 'File') }),
    image: port(PortKinds.image, { title: t('画像', 'Image') }),
    audio: port(PortKinds.audio, { title: t('音声', 'Audio') }),
    pdf: port(PortKinds.pdf, { title: t('PDF', 'PDF') }),
  },
  config: z.object({
    name: InputNameSchema.default('file').meta(field('入力名', 'Input name')),
    title: z.string().max(100).optional().meta(field('入力欄の見出し', 'Label')),
    required: z.boolean().default(true).meta(field('必須', 'Required')),
    accept: z.array(z.enum(FAMILIES)).min(1).default([...FAMILIES]).meta(field('受け付ける種類', 'Accepted kinds')),
    maxBytes: z.number().int().min(1).max(500 * 1024 * 1024).default(20 * 1024 * 1024).meta(field('最大サイズ（バイト）', 'Max size (bytes)')),
  }),
  role: 'input',
  runInput: (cfg) => ({
    name: cfg.name, kind: 'file', required: cfg.required, accept: cfg.accept.map((f) => ACCEPT[f]), maxBytes: cfg.maxBytes,
    ...(cfg.title ? { title: cfg.title } : {}),
  }),
  async execute(ctx) {
    const given = ctx.runInputs[ctx.config.name];
    if (given === undefined || given === null) {
      if (ctx.config.required) throw new MedflowError({ code: ErrorCodes.INPUT_MISSING, category: 'USER', message: `file "${ctx.config.name}" is required`, details: { input: ctx.config.name } });
      return {};
    }
    const ref = FileRefSchema.parse(given);
    if (ref.size > ctx.config.maxBytes) {
      throw new MedflowError({ code: ErrorCodes.FILE_TOO_LARGE, category: 'USER', message: `file "${ref.name}" is ${ref.size} bytes; this input accepts up to ${ctx.config.maxBytes}`, details: { size: ref.size, maxBytes: ctx.config.maxBytes } });
    }
    const bytes = await ctx.services.files.read(ref);
    const { mediaType, family } = sniffMediaType(bytes);
    if (family === 'other' || !(ctx.config.accept as string[]).includes(family)) {
      throw new MedflowError({
        code: ErrorCodes.FILE_TYPE_REJECTED, category: 'USER',
        message: `file "${ref.name}" is ${family === 'other' ? 'not a recognised image, audio or PDF file' : `a ${family} file`}; this input accepts ${ctx.config.accept.join(', ')}`,
        details: { detected: mediaType, accept: ctx.config.accept },
      });
    }
    const typed = { ...ref, mediaType };
    return { file: typed, [family]: typed };
  },
});
