import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { testModelsDir, TINY_MODEL, tinyModelAvailable, NO_TINY_MODEL } from '../testing/ai-fixtures.js';
import { ModelRegistry } from './model-registry.js';
import { NodeLlamaService } from './llm-service.js';

// Real llama.cpp (node-llama-cpp, CPU here) on the small real model from ../shared/models.
const dir = testModelsDir();
const registry = new ModelRegistry(dir, 1024 ** 3, silentLogger);
const llm = new NodeLlamaService(registry, { gpu: 'auto', sequences: 4, contextSize: 1024 }, silentLogger);
afterAll(async () => { await registry.unloadAll(); rmSync(dir, { recursive: true, force: true }); });

describe.skipIf(!tinyModelAvailable)(`model registry${tinyModelAvailable ? '' : ` (${NO_TINY_MODEL})`}`, () => {
  it('lists GGUF models with architecture, quantisation and context length', async () => {
    const [model] = await registry.list();
    expect(model).toMatchObject({ name: TINY_MODEL, kind: 'llm', architecture: 'llama', contextLength: 4096 });
    expect(model!.sizeBytes).toBe(1_750_560);
    expect(typeof model!.quantization).toBe('string');
  });

  it('names the directory and the available models when a model is missing, and refuses paths', async () => {
    await expect(registry.resolve('qwen-7b.gguf', 'llm')).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND', category: 'USER', details: { directory: dir, available: [TINY_MODEL] },
    });
    await expect(registry.resolve('../../etc/passwd', 'llm')).rejects.toMatchObject({ code: 'MODEL_NAME_INVALID' });
    await expect(registry.resolve(TINY_MODEL, 'whisper')).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND' });
  });
});

describe.skipIf(!tinyModelAvailable)(`LLM generation (node-llama-cpp)${tinyModelAvailable ? '' : ` (${NO_TINY_MODEL})`}`, () => {
  it('never runs on a software or device-less Vulkan, and gives llama.cpp no more threads than free cores', async () => {
    const { availableParallelism } = await import('node:os');
    const { getLlama } = await import('node-llama-cpp');
    const { backend, threads } = await llm.backendInfo();
    // What node-llama-cpp would pick by itself here: on this machine (no GPU) a Vulkan with no device.
    const own = await getLlama({ gpu: 'auto', build: 'never', progressLogs: false });
    const ownDevices = own.gpu === false ? [] : await own.getGpuDeviceNames().catch(() => []);
    if (own.gpu === false || !ownDevices.length) expect(backend).toBe('cpu');
    if (backend === 'cpu') expect(threads).toBeLessThanOrEqual(Math.max(1, availableParallelism() - 1));
  });

  it('generates text, streaming progress, and reports tokens and timings', async () => {
    const progress: Array<number | null> = [];
    const result = await llm.generate({ model: TINY_MODEL, prompt: '主訴を要約してください', maxTokens: 12, onProgress: (f) => progress.push(f) });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.tokens.generated).toBeGreaterThan(0);
    expect(result.tokens.generated).toBeLessThanOrEqual(13);
    expect(result.timings.firstTokenMs).toBeGreaterThan(0);
    expect(progress.filter((p) => typeof p === 'number').length).toBeGreaterThan(0);
    expect(registry.isLoaded(TINY_MODEL)).toBe(true);
  });

  it('constrains output with a JSON Schema grammar so it always parses and matches', async () => {
    const schema = {
      type: 'object',
      properties: { diagnosis: { type: 'string', maxLength: 12 }, suspected: { type: 'boolean' }, age: { type: 'integer' } },
      required: ['diagnosis', 'suspected', 'age'],
    };
    const result = await llm.generate({ model: TINY_MODEL, prompt: 'JSON で答えてください', jsonSchema: schema, maxTokens: 80 });
    const json = result.json as { diagnosis: unknown; suspected: unknown; age: unknown };
    expect(JSON.parse(result.text)).toEqual(json);
    expect(typeof json.diagnosis).toBe('string');
    expect((json.diagnosis as string).length).toBeLessThanOrEqual(12);
    expect(typeof json.suspected).toBe('boolean');
    expect(Number.isInteger(json.age)).toBe(true);
  });

  it('serves concurrent requests from one loaded model through parallel sequences', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((i) => llm.generate({ model: TINY_MODEL, prompt: `記録 ${i}`, maxTokens: 8 })));
    expect(results.every((r) => r.text.length > 0)).toBe(true);
    expect((await registry.list()).filter((m) => m.loaded)).toHaveLength(1);
  });

  it('stops generating when cancelled, and the model stays usable', async () => {
    const controller = new AbortController();
    const t0 = performance.now();
    const pending = llm.generate({ model: TINY_MODEL, prompt: '長い文章を書いてください', maxTokens: 400, signal: controller.signal, onText: () => controller.abort(new Error('cancelled by physician')) });
    await expect(pending).rejects.toThrow('cancelled by physician');
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect((await llm.generate({ model: TINY_MODEL, prompt: 'もう一度', maxTokens: 4 })).text.length).toBeGreaterThan(0);
  });
});
