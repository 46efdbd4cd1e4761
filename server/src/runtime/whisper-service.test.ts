import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { cer, testModelsDir } from '../testing/ai-fixtures.js';
import { ModelRegistry } from './model-registry.js';
import { WhisperCppService } from './whisper-service.js';

const models = testModelsDir();
const work = mkdtempSync(join(tmpdir(), 'medflow-asr-test-'));
const registry = new ModelRegistry(models, 1024 ** 3, silentLogger);
const whisper = new WhisperCppService(registry, { gpu: false, threads: 2 }, silentLogger);
afterAll(async () => { await registry.unloadAll(); rmSync(models, { recursive: true, force: true }); rmSync(work, { recursive: true, force: true }); });

describe('transcription (whisper.cpp)', () => {
  it('says which directory it looked in when the whisper model is missing', async () => {
    const speech = new Uint8Array(Buffer.from('RIFF\0\0\0\0WAVEfmt '));
    await expect(whisper.transcribe({ model: 'ggml-large-v3-turbo.bin', audio: speech, language: 'ja' })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND', category: 'USER', details: { directory: models },
    });
  });

  // No whisper model is shipped in ../shared/models (see its README); set MEDFLOW_TEST_WHISPER_MODEL to a
  // whisper.cpp model file to run this. The speech is generated here with espeak-ng.
  const modelGiven = Boolean(process.env.MEDFLOW_TEST_WHISPER_MODEL && existsSync(process.env.MEDFLOW_TEST_WHISPER_MODEL));
  if (!modelGiven) console.warn('[whisper-service.test] transcription of generated speech SKIPPED: no whisper model (set MEDFLOW_TEST_WHISPER_MODEL=/path/to/ggml-*.bin)');
  it.runIf(modelGiven)('transcribes generated English speech (mp3 via ffmpeg) with a character error rate under 20%', async () => {
    const text = 'The patient has had a fever and a cough for three days.';
    execFileSync('espeak-ng', ['-v', 'en', '-s', '140', '-w', join(work, 'en.wav'), text]);
    execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-i', join(work, 'en.wav'), join(work, 'en.mp3')]);
    const progress: Array<number | null> = [];
    const result = await whisper.transcribe({ model: 'whisper-test.bin', audio: readFileSync(join(work, 'en.mp3')), language: 'en', onProgress: (f) => progress.push(f) });
    expect(cer(text.toLowerCase(), result.text.toLowerCase().replace(/[.,]/g, ''))).toBeLessThan(0.2);
    expect(result.segments.length).toBeGreaterThan(0);
    expect(result.segments[0]!.end).toBeGreaterThan(result.segments[0]!.start);
  });
});
