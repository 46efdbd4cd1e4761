import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TranscriptionRequest, TranscriptionResult, TranscriptionService } from '@medflow/sdk';
import type { WhisperContext } from '@fugood/whisper.node';
import type { Logger } from '../logger.js';
import type { ModelRegistry } from './model-registry.js';
import { runTool } from './process.js';

/**
 * Speech to text with whisper.cpp (@fugood/whisper.node, prebuilt CPU/CUDA/Vulkan binaries from npm).
 * Any audio ffmpeg reads (wav, mp3, m4a, webm…) is converted to 16 kHz mono WAV first. Models come only
 * from the models directory: the binding's download option is never used.
 */
export class WhisperCppService implements TranscriptionService {
  constructor(private readonly registry: ModelRegistry, private readonly options: { gpu: boolean; threads: number }, private readonly logger: Logger) {}

  async transcribe(req: TranscriptionRequest): Promise<TranscriptionResult> {
    const path = await this.registry.resolve(req.model, 'whisper');
    const dir = await mkdtemp(join(tmpdir(), 'medflow-asr-'));
    try {
      const input = join(dir, 'input');
      const wav = join(dir, 'audio.wav');
      await writeFile(input, req.audio);
      req.onProgress?.(null, 'converting audio');
      await runTool('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', input, '-ar', '16000', '-ac', '1', '-c:a', 'pcm_s16le', wav], { ...(req.signal ? { signal: req.signal } : {}) });
      const durationSeconds = Math.max(0, ((await stat(wav)).size - 44) / 32000);
      const { size } = await stat(path);
      req.onProgress?.(null, `loading ${req.model}`);
      const lease = await this.registry.acquire<WhisperContext>(req.model, size, () => this.load(path, req.model), (ctx) => ctx.release());
      try {
        if (req.signal?.aborted) throw req.signal.reason;
        const job = lease.value.transcribeFile(wav, {
          ...(req.language === 'auto' ? {} : { language: req.language }),
          maxThreads: this.options.threads,
          ...(req.prompt ? { prompt: req.prompt } : {}),
          onProgress: (p) => req.onProgress?.(Math.min(0.99, p / 100), `transcribing ${Math.round(p)}%`),
        });
        const onAbort = () => { void job.stop(); };
        req.signal?.addEventListener('abort', onAbort, { once: true });
        try {
          const result = await job.promise;
          if (req.signal?.aborted || result.isAborted) throw req.signal?.reason ?? new Error('transcription aborted');
          // whisper.cpp timestamps are in centiseconds.
          const segments = result.segments.map((s) => ({ start: s.t0 / 100, end: s.t1 / 100, text: s.text.trim() }));
          return { text: result.result.trim(), language: result.language ?? req.language, segments, durationSeconds, model: req.model };
        } finally {
          req.signal?.removeEventListener('abort', onAbort);
        }
      } finally {
        lease.release();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async load(path: string, name: string): Promise<WhisperContext> {
    const { initWhisper } = await import('@fugood/whisper.node');
    try {
      return await initWhisper({ filePath: path, useGpu: this.options.gpu });
    } catch (error) {
      if (!this.options.gpu) throw error;
      this.logger.warn('whisper could not use the GPU; loading on CPU', { model: name, reason: (error as Error).message });
      return initWhisper({ filePath: path, useGpu: false });
    }
  }
}
