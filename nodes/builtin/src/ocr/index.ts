import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';

/** Scanned documents (images or PDF) to text, with each line's box and confidence kept for review. */
export default defineNode({
  type: 'ai/ocr',
  version: 1,
  display: {
    title: t('文字認識（OCR）', 'OCR'),
    category: 'ai',
    icon: '⌸',
    description: t('スキャン画像・PDF を文字にします（日本語の横書き・縦書き、英語）。行ごとの位置と確信度つき', 'Reads scans and PDFs (Japanese horizontal/vertical, English) with line boxes and confidence'),
  },
  inputs: { file: port(PortKinds.file, { title: t('画像・PDF', 'Image or PDF') }) },
  outputs: {
    text: port(PortKinds.text, { title: t('本文', 'Text') }),
    pages: port(PortKinds.json, { title: t('ページ（行・位置・確信度）', 'Pages with lines') }),
  },
  config: z.object({
    languages: z.array(z.enum(['jpn', 'eng', 'jpn_vert'])).min(1).default(['jpn', 'eng']).meta(field('言語', 'Languages')),
    layout: z.enum(['auto', 'block', 'vertical', 'line']).default('auto').meta(field('レイアウト', 'Layout', 'vertical は縦書き')),
    dpi: z.number().int().min(72).max(600).default(300).meta(field('解像度（dpi）', 'Resolution (dpi)', 'PDF の画像化と認識に使います')),
  }),
  limits: { timeoutMs: 30 * 60_000 },
  capabilities: { ai: 'recognises' },
  async execute(ctx, { file }) {
    const bytes = await ctx.services.files.read(file);
    const result = await ctx.services.ocr.recognize({
      file: bytes, mediaType: file.mediaType, languages: ctx.config.languages, layout: ctx.config.layout, dpi: ctx.config.dpi, signal: ctx.signal,
      onProgress: (fraction, note) => ctx.progress(fraction, note),
    });
    return { text: result.text, pages: { aiDraft: true, source: file.fileId, pages: result.pages } };
  },
});
