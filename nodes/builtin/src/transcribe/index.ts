import { defineNode, field, port, PortKinds, t, z } from '@medflow/sdk';
import { ModelNameSchema } from '../shared/model-name.js';

/** Dictation or a recorded 問診 to text with timestamps, by whisper.cpp on this server. */
export default defineNode({
  type: 'ai/transcribe',
  version: 1,
  display: {
    title: t('音声の文字起こし', 'Transcription'),
    category: 'ai',
    icon: '♪',
    description: t('録音（wav/mp3/m4a/webm）を院内の whisper で文字にします。区間ごとの時刻つき', 'Transcribes a recording with on-premises whisper, with timestamped segments'),
  },
  inputs: { audio: port(PortKinds.audio, { title: t('音声', 'Audio') }) },
  outputs: {
    text: port(PortKinds.text, { title: t('文字起こし', 'Transcript') }),
    segments: port(PortKinds.json, { title: t('区間（時刻つき）', 'Segments') }),
  },
  config: z.object({
    model: ModelNameSchema('whisper'),
    language: z.enum(['ja', 'en', 'auto']).default('ja').meta(field('言語', 'Language')),
    prompt: z.string().max(1000).optional().meta(field('語彙のヒント', 'Vocabulary hint', '薬剤名・病名など、正しく書いてほしい語')),
  }),
  capabilities: { gpu: 'optional', ai: 'recognises' },
  limits: { timeoutMs: 60 * 60_000, pool: 'cpu-heavy' },
  async execute(ctx, { audio }) {
    const bytes = await ctx.services.files.read(audio);
    const result = await ctx.services.transcription.transcribe({
      model: ctx.config.model, audio: bytes, language: ctx.config.language, signal: ctx.signal,
      ...(ctx.config.prompt ? { prompt: ctx.config.prompt } : {}),
      onProgress: (fraction, note) => ctx.progress(fraction, note),
    });
    ctx.progress(1);
    return {
      text: result.text,
      segments: { aiDraft: true, model: result.model, language: result.language, durationSeconds: result.durationSeconds, segments: result.segments },
    };
  },
});
