import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
/** The small real GGUF model kept in ../shared/models (random weights: real llama.cpp, gibberish text). */
export const TINY_MODEL = 'llama-2-tiny-random.gguf';
export const SHARED_MODELS = resolve(root, '../shared/models');

/**
 * Whether the shared test model is there. A clone outside the workplace has no ../shared: the tests that need the
 * model skip with this reason, except under CI, where a missing model is a broken set-up.
 */
export const TINY_MODEL_PATH = join(SHARED_MODELS, TINY_MODEL);
export const tinyModelAvailable = existsSync(TINY_MODEL_PATH);
if (!tinyModelAvailable && process.env.CI === 'true') throw new Error(`test model missing: ${TINY_MODEL_PATH} (see ../shared/models/README.md)`);
export const NO_TINY_MODEL = `skipped: the test model ${TINY_MODEL_PATH} is not here (see ../shared/models/README.md)`;

/** A fresh models directory holding the shared test model (and any whisper model named by MEDFLOW_TEST_WHISPER_MODEL). */
export function testModelsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'medflow-models-'));
  if (tinyModelAvailable) symlinkSync(TINY_MODEL_PATH, join(dir, TINY_MODEL));
  const whisper = process.env.MEDFLOW_TEST_WHISPER_MODEL;
  if (whisper && existsSync(whisper)) symlinkSync(resolve(whisper), join(dir, 'whisper-test.bin'));
  return dir;
}

export const IMAGEMAGICK = existsSync('/usr/bin/convert') ? '/usr/bin/convert' : 'convert';
export const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

/** Renders text to a PNG with ImageMagick and the Noto CJK font, as a scanner would deliver it. */
export function renderText(text: string, path: string, pointsize = 36): string {
  // One label per line, stacked: ImageMagick 6 fails on long multi-line labels. `%` is its escape character.
  const lines = text.split('\n').map((l) => `label:${(l || ' ').replaceAll('%', '%%')}`);
  execFileSync(IMAGEMAGICK, ['-font', CJK_FONT, '-pointsize', String(pointsize), '-background', 'white', '-fill', 'black', ...lines, '-gravity', 'West', '-append', '-bordercolor', 'white', '-border', '40', path]);
  return path;
}

/** Character error rate after NFKC and removing whitespace: edit distance / reference length. */
export function cer(reference: string, hypothesis: string): number {
  const norm = (s: string) => [...s.normalize('NFKC').replace(/\s+/g, '')];
  const r = norm(reference);
  const h = norm(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = cur;
  }
  return r.length ? prev[h.length]! / r.length : 0;
}
