// Local AI benchmark (issue #4). Prints:
//  LLM: prompt-processing and generation tokens/s and first-token latency, single stream and 4 concurrent
//       (aggregate), through MedFlow's LLM service and through node-llama-cpp's own API on the same model,
//       so our overhead is a ratio;
//  OCR: seconds per page and character error rate on rendered Japanese clinical text;
//  transcription: real-time factor and CER, when MEDFLOW_TEST_WHISPER_MODEL names a whisper.cpp model.
// Usage: npm run bench:ai. Model: BENCH_LLM_MODEL (default ../shared/models/llama-2-tiny-random.gguf, random
// weights: speed only, no quality). Set MEDFLOW_GPU=off to force CPU.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getLlama, LlamaChatSession } from 'node-llama-cpp';
import { createRuntime, defaultRuntimeConfig } from '../../../server/dist/runtime/index.js';
import { median } from '../shared.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const modelPath = resolve(process.env.BENCH_LLM_MODEL ?? join(root, '../shared/models/llama-2-tiny-random.gguf'));
const TOKENS = Number(process.env.BENCH_TOKENS ?? 128);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const gpu = process.env.MEDFLOW_GPU ?? 'auto';
const f = (n, d = 1) => Number(n).toFixed(d);
const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const prompt = '次の診療記録を要約してください。主訴：３日前からの発熱と咳嗽。既往歴：２型糖尿病、高血圧。体温38.5℃、SpO2 95%、CRP 12.5 mg/dL。胸部X線で右下肺野に浸潤影。';

// Raw node-llama-cpp: one context, one sequence, the chat session API.
async function raw(maxThreads) {
  const llama = await getLlama({ gpu: gpu === 'off' ? false : gpu, ...(maxThreads ? { maxThreads } : {}) });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: { max: 4096 } });
  const promptTokens = model.tokenize(prompt).length;
  const runs = [];
  const sequence = context.getSequence();
  for (let i = 0; i < REPEAT; i++) {
    const session = new LlamaChatSession({ contextSequence: sequence });
    const t0 = performance.now();
    let first = 0;
    const text = await session.prompt(prompt, { maxTokens: TOKENS, temperature: 0, onTextChunk: () => { if (!first) first = performance.now(); } });
    const end = performance.now();
    const generated = model.tokenize(text).length;
    runs.push({ first: first - t0, pp: promptTokens / ((first - t0) / 1000), gen: generated / ((end - first) / 1000) });
    session.dispose({ disposeSequence: false });
    await sequence.clearHistory();
  }
  const backend = llama.gpu === false ? 'cpu' : llama.gpu;
  await context.dispose(); await model.dispose();
  return { backend, threads: llama.maxThreads, first: median(runs.map((r) => r.first)), pp: median(runs.map((r) => r.pp)), gen: median(runs.map((r) => r.gen)) };
}

async function ours(runtime, name, concurrency) {
  const results = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    const rs = await Promise.all(Array.from({ length: concurrency }, () => runtime.llm.generate({ model: name, prompt, maxTokens: TOKENS, temperature: 0 })));
    const wall = (performance.now() - t0) / 1000;
    const tokens = rs.reduce((s, r) => s + r.tokens.generated, 0);
    const r0 = rs[0];
    results.push({ first: r0.timings.firstTokenMs, pp: r0.tokens.prompt / (r0.timings.firstTokenMs / 1000), gen: r0.tokens.generated / ((r0.timings.totalMs - r0.timings.firstTokenMs) / 1000), aggregate: tokens / wall });
  }
  return { first: median(results.map((r) => r.first)), pp: median(results.map((r) => r.pp)), gen: median(results.map((r) => r.gen)), aggregate: median(results.map((r) => r.aggregate)) };
}

const models = mkdtempSync(join(tmpdir(), 'medflow-bench-ai-'));
symlinkSync(modelPath, join(models, basename(modelPath)));
const whisperModel = process.env.MEDFLOW_TEST_WHISPER_MODEL;
if (whisperModel && existsSync(whisperModel)) symlinkSync(resolve(whisperModel), join(models, 'whisper.bin'));
const runtime = createRuntime({ ...defaultRuntimeConfig(models), gpu, llmSequences: 4 }, quiet);
const name = basename(modelPath);
await runtime.llm.generate({ model: name, prompt: 'warm up', maxTokens: 4 });

const info = await runtime.llm.backendInfo();
// node-llama-cpp as it comes (its default threads), and with the thread count MedFlow chose: the same settings.
const rawDefault = await raw();
const rawFigures = await raw(info.backend === 'cpu' ? info.threads : undefined);
const single = await ours(runtime, name, 1);
const four = await ours(runtime, name, 4);

// OCR ------------------------------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'medflow-bench-ocr-'));
const page = ['診療情報提供書', '傷病名：市中肺炎、２型糖尿病', '主訴：３日前からの発熱と咳嗽', '既往歴：高血圧（アムロジピン５mg内服中）',
  '現病歴：38.5℃の発熱、湿性咳嗽、呼吸困難感あり', '検査所見：CRP 12.5 mg/dL、WBC 12000/μL、SpO2 95%', '画像所見：胸部X線で右下肺野に浸潤影',
  '処方：アモキシシリン 500mg 1日3回 7日間', '貴院での継続加療をお願い申し上げます。'].join('\n');
const convert = existsSync('/usr/bin/convert') ? '/usr/bin/convert' : 'convert';
// One label per line, stacked (ImageMagick 6 fails on long multi-line labels); `%` is its escape character.
execFileSync(convert, ['-font', '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '-pointsize', '44', '-background', 'white', '-fill', 'black',
  ...page.split('\n').map((l) => `label:${l.replaceAll('%', '%%')}`), '-gravity', 'West', '-append', '-bordercolor', 'white', '-border', '60', join(work, 'page.png')]);
const png = readFileSync(join(work, 'page.png'));
const cer = (ref, hyp) => {
  const n = (s) => [...s.normalize('NFKC').replace(/\s+/g, '')];
  const r = n(ref), h = n(hyp);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) { const cur = [i]; for (let j = 1; j <= h.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] === h[j - 1] ? 0 : 1)); prev = cur; }
  return prev[h.length] / r.length;
};
const ocrTimes = [];
let ocrCer = 0;
for (let i = 0; i < REPEAT; i++) {
  const t0 = performance.now();
  const result = await runtime.ocr.recognize({ file: png, mediaType: 'image/png', languages: ['jpn', 'eng'], layout: 'auto' });
  ocrTimes.push((performance.now() - t0) / 1000);
  ocrCer = cer(page, result.text);
}
const t4 = performance.now();
await Promise.all([1, 2, 3, 4].map(() => runtime.ocr.recognize({ file: png, mediaType: 'image/png', languages: ['jpn', 'eng'], layout: 'auto' })));
const parallelPerPage = (performance.now() - t4) / 1000 / 4;

// Transcription ----------------------------------------------------------------------------------------
let asr = 'skipped: no whisper model (set MEDFLOW_TEST_WHISPER_MODEL=/path/to/ggml-*.bin; none ships in ../shared/models)';
if (whisperModel && existsSync(whisperModel)) {
  const text = 'The patient has had a fever and a cough for three days and takes metformin for diabetes.';
  execFileSync('espeak-ng', ['-v', 'en', '-s', '150', '-w', join(work, 'en.wav'), text]);
  const t0 = performance.now();
  const result = await runtime.transcription.transcribe({ model: 'whisper.bin', audio: readFileSync(join(work, 'en.wav')), language: 'en' });
  const seconds = (performance.now() - t0) / 1000;
  asr = `real-time factor ${f(seconds / result.durationSeconds, 3)} (${f(seconds, 2)} s for ${f(result.durationSeconds, 1)} s of audio), CER ${f(cer(text.toLowerCase(), result.text.toLowerCase().replace(/[.,]/g, '')), 3)}`;
}
await runtime.close();
rmSync(models, { recursive: true, force: true });
rmSync(work, { recursive: true, force: true });

console.log(`MedFlow local AI benchmark — node ${process.version}, ${availableParallelism()} cores, MedFlow backend ${info.backend} (${info.threads} CPU threads), raw default backend ${rawDefault.backend} (${rawDefault.threads} threads), model ${name}, ${TOKENS} tokens, median of ${REPEAT}`);
console.log('LLM                              prompt tok/s   gen tok/s   first token');
console.log(`  node-llama-cpp, its defaults   ${f(rawDefault.pp).padStart(12)}   ${f(rawDefault.gen).padStart(9)}   ${f(rawDefault.first)} ms`);
console.log(`  node-llama-cpp, same threads   ${f(rawFigures.pp).padStart(12)}   ${f(rawFigures.gen).padStart(9)}   ${f(rawFigures.first)} ms`);
console.log(`  MedFlow, 1 stream              ${f(single.pp).padStart(12)}   ${f(single.gen).padStart(9)}   ${f(single.first)} ms`);
console.log(`  MedFlow, 4 concurrent          aggregate ${f(four.aggregate)} tok/s (1 stream aggregate ${f(single.aggregate)} tok/s)`);
console.log(`  ratios: single-stream generation MedFlow/raw same threads ${f(single.gen / rawFigures.gen, 2)} (target ≥ 0.90), MedFlow/raw defaults ${f(single.gen / rawDefault.gen, 1)}×; 4-concurrent/1 aggregate ${f(four.aggregate / single.aggregate, 2)}× (target ≥ 2.5×)`);
console.log(`OCR: ${f(median(ocrTimes), 2)} s/page one at a time, ${f(parallelPerPage, 2)} s/page with 4 pages in the pool; CER ${f(ocrCer, 3)} (${page.length} characters, rendered at 44 px)`);
console.log(`Transcription: ${asr}`);
