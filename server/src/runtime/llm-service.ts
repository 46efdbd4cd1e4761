import { ErrorCodes, MedflowError, type LlmGenerateRequest, type LlmGenerateResult, type LlmService } from '@medflow/sdk';
import type { Llama, LlamaContext, LlamaContextSequence, LlamaJsonSchemaGrammar, LlamaModel } from 'node-llama-cpp';

type LlamaGrammar = LlamaJsonSchemaGrammar<any>;
import type { Logger } from '../logger.js';
import { processCpuBudget, type CpuBudget } from './cpu-budget.js';
import type { ModelRegistry } from './model-registry.js';

export interface LlmOptions {
  /** `auto` picks CUDA, then Vulkan, then CPU; `off` forces CPU. */
  gpu: 'auto' | 'off' | 'cuda' | 'vulkan';
  /** Parallel sequences per loaded model: concurrent runs are batched through them. */
  sequences: number;
  contextSize: number;
  /** CPU threads for llama.cpp: `auto` follows the cores left free (CpuBudget); a number pins it. */
  threads?: number | 'auto';
  /** Whose cores are free; tool processes claim from the same budget. */
  cpu?: CpuBudget;
}

/** Vulkan devices that are software rasterisers: a CPU pretending to be a GPU, slower than llama.cpp's own CPU path. */
export const SOFTWARE_GPU = /llvmpipe|lavapipe|swiftshader|softpipe|software rasterizer|\bsoftware\b/i;

/** A model with one context whose sequences are lent to requests, so all runs share one copy of the weights. */
interface LoadedLlm {
  model: LlamaModel;
  context: LlamaContext;
  free: LlamaContextSequence[];
  waiters: Array<(seq: LlamaContextSequence) => void>;
  grammars: Map<string, Promise<LlamaGrammar>>;
  device: 'gpu' | 'cpu';
}

/** Local LLM generation with node-llama-cpp. */
export class NodeLlamaService implements LlmService {
  private llama: Promise<Llama> | undefined;

  constructor(private readonly registry: ModelRegistry, private readonly options: LlmOptions, private readonly logger: Logger) {}

  /** Which backend llama.cpp uses here, and why: shown in health and logged once. */
  async backend(): Promise<string> {
    return (await this.backendInfo()).backend;
  }

  /** The backend and llama.cpp's CPU thread budget right now (it follows the free cores). */
  async backendInfo(): Promise<{ backend: string; threads: number }> {
    const llama = await this.getLlama();
    return { backend: llama.gpu === false ? 'cpu' : llama.gpu, threads: llama.maxThreads };
  }

  async generate(req: LlmGenerateRequest): Promise<LlmGenerateResult> {
    const started = performance.now();
    const path = await this.registry.resolve(req.model, 'llm');
    req.onProgress?.(null, `loading ${req.model}`);
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(path));
    const lease = await this.registry.acquire<LoadedLlm>(req.model, size, () => this.load(path, req.model), async (l) => { await l.context.dispose(); await l.model.dispose(); });
    try {
      const loaded = lease.value;
      const seq = await this.takeSequence(loaded, req.signal);
      try {
        return await this.run(loaded, seq, req, started);
      } finally {
        this.returnSequence(loaded, seq);
      }
    } finally {
      lease.release();
    }
  }

  private async run(loaded: LoadedLlm, seq: LlamaContextSequence, req: LlmGenerateRequest, started: number): Promise<LlmGenerateResult> {
    const { LlamaChatSession } = await import('node-llama-cpp');
    const grammar = req.jsonSchema ? await this.grammar(loaded, req.jsonSchema) : undefined;
    const session = new LlamaChatSession({ contextSequence: seq, ...(req.system ? { systemPrompt: req.system } : {}) });
    const maxTokens = req.maxTokens ?? 512;
    let firstTokenMs = 0;
    let generated = 0;
    try {
      const text = await session.prompt(req.prompt, {
        maxTokens,
        temperature: req.temperature ?? 0,
        ...(grammar ? { grammar } : {}),
        ...(req.signal ? { signal: req.signal, stopOnAbortSignal: false } : {}),
        onTextChunk: (chunk) => {
          if (!firstTokenMs) firstTokenMs = performance.now() - started;
          generated += 1;
          req.onText?.(chunk);
          req.onProgress?.(Math.min(0.99, generated / maxTokens), `${generated} tokens`);
        },
      });
      if (req.signal?.aborted) throw req.signal.reason;
      const tokensGenerated = loaded.model.tokenize(text).length;
      let json: unknown;
      if (grammar) {
        try { json = grammar.parse(text); } catch (e) {
          // Only possible when generation stopped at maxTokens inside the JSON.
          throw new MedflowError({ code: 'LLM_OUTPUT_TRUNCATED', category: 'USER', message: `the model's JSON was cut off at ${maxTokens} tokens; raise maxTokens`, details: { maxTokens, reason: (e as Error).message } });
        }
      }
      return {
        text, ...(grammar ? { json } : {}), model: req.model,
        tokens: { prompt: loaded.model.tokenize(req.prompt).length, generated: tokensGenerated },
        timings: { firstTokenMs: Math.round(firstTokenMs), totalMs: Math.round(performance.now() - started) },
        device: loaded.device,
        stopReason: tokensGenerated >= maxTokens ? 'maxTokens' : 'eos',
      };
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      throw error;
    } finally {
      session.dispose({ disposeSequence: false });
      await seq.clearHistory();
    }
  }

  private get cpu(): CpuBudget { return this.options.cpu ?? processCpuBudget; }

  /** MEDFLOW_LLM_THREADS as a number, or undefined for `auto` (follow the free cores). */
  private get pinnedThreads(): number | undefined {
    return typeof this.options.threads === 'number' ? Math.max(1, this.options.threads) : undefined;
  }

  /** Threads for the CPU path now: the pinned number, or the free cores (never more: the threads would collapse). */
  private cpuThreads(): number {
    return this.pinnedThreads ?? this.cpu.free;
  }

  private getLlama(): Promise<Llama> {
    this.llama ??= (async () => {
      const { getLlama } = await import('node-llama-cpp');
      const gpu = this.options.gpu === 'off' ? false : this.options.gpu;
      const onCpu = (llama: Llama, reason: string) => {
        this.followFreeCores(llama);
        this.logger.info('llama.cpp ready', { backend: 'cpu', threads: llama.maxThreads, requested: this.options.gpu, reason });
        return llama;
      };
      const cpuOnly = async (reason: string) => onCpu(await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: 'error' as never, maxThreads: this.cpuThreads() }), reason);
      if (gpu === false) return cpuOnly('MEDFLOW_GPU=off');
      let llama: Llama;
      try {
        llama = await getLlama({ gpu, build: 'never', progressLogs: false, logLevel: 'error' as never, maxThreads: this.cpuThreads() });
      } catch (error) {
        if (gpu === 'auto') throw error;
        this.logger.warn('requested GPU backend unavailable; falling back to CPU', { requested: gpu, reason: (error as Error).message });
        return cpuOnly(`${gpu} unavailable: ${(error as Error).message}`);
      }
      if (llama.gpu === false) return onCpu(llama, 'no usable CUDA or Vulkan device/driver found');
      const devices = await llama.getGpuDeviceNames().catch(() => [] as string[]);
      // A Vulkan "device" that is a software rasteriser (llvmpipe on a server without a GPU) is the CPU, slowly.
      if (!devices.length || devices.every((d) => SOFTWARE_GPU.test(d))) {
        const why = devices.length ? `the only ${llama.gpu} device is a software rasteriser (${devices.join(', ')}), not a GPU` : `${llama.gpu} reports no device`;
        if (this.options.gpu !== 'auto') this.logger.warn(`MEDFLOW_GPU=${this.options.gpu}: ${why}; using the CPU instead`, { devices });
        await llama.dispose().catch(() => {});
        return cpuOnly(why);
      }
      this.logger.info('llama.cpp ready', { backend: llama.gpu, devices, requested: this.options.gpu });
      return llama;
    })();
    return this.llama;
  }

  /** On the CPU path, llama.cpp's thread budget follows the cores tools leave free (unless pinned). */
  private followFreeCores(llama: Llama): void {
    if (this.pinnedThreads !== undefined) return;
    // Physical cores at most: llama.cpp's math gains nothing from a core's second hardware thread.
    const fit = () => { llama.maxThreads = Math.max(1, Math.min(this.cpu.free, llama.cpuMathCores || this.cpu.free)); };
    fit();
    this.cpu.onChange(fit);
  }

  private async load(path: string, name: string): Promise<LoadedLlm> {
    const llama = await this.getLlama();
    let model: LlamaModel;
    let device: 'gpu' | 'cpu' = llama.gpu === false ? 'cpu' : 'gpu';
    try {
      model = await llama.loadModel({ modelPath: path, gpuLayers: device === 'gpu' ? 'auto' : 0 });
    } catch (error) {
      if (device === 'cpu') throw loadError(name, error);
      // Typically not enough VRAM next to other models: keep serving on the CPU.
      this.logger.warn('model did not fit on the GPU; loading on CPU', { model: name, reason: (error as Error).message });
      model = await llama.loadModel({ modelPath: path, gpuLayers: 0 }).catch((e) => { throw loadError(name, e); });
      device = 'cpu';
    }
    if (device === 'gpu' && model.gpuLayers === 0) device = 'cpu';
    // On the CPU each evaluation wants all free cores and settles for one; concurrent sequences split the budget.
    const threads = device === 'cpu' ? { threads: { ideal: Math.max(1, this.cpu.cores - this.cpu.reservedForServer), min: 1 } } : {};
    const context = await model.createContext({ sequences: this.options.sequences, contextSize: { max: this.options.contextSize }, ...threads });
    const free = Array.from({ length: this.options.sequences }, () => context.getSequence());
    this.logger.info('model loaded', { model: name, device, gpuLayers: model.gpuLayers, sequences: this.options.sequences, contextSize: context.contextSize, ...(device === 'cpu' ? { threads: llama.maxThreads } : {}) });
    return { model, context, free, waiters: [], grammars: new Map(), device };
  }

  private takeSequence(loaded: LoadedLlm, signal?: AbortSignal): Promise<LlamaContextSequence> {
    const seq = loaded.free.pop();
    if (seq) return Promise.resolve(seq);
    return new Promise((resolve, reject) => {
      const grant = (s: LlamaContextSequence) => { signal?.removeEventListener('abort', onAbort); resolve(s); };
      const onAbort = () => { loaded.waiters.splice(loaded.waiters.indexOf(grant), 1); reject(signal!.reason); };
      signal?.addEventListener('abort', onAbort, { once: true });
      loaded.waiters.push(grant);
    });
  }

  private returnSequence(loaded: LoadedLlm, seq: LlamaContextSequence): void {
    const waiter = loaded.waiters.shift();
    if (waiter) waiter(seq); else loaded.free.push(seq);
  }

  private grammar(loaded: LoadedLlm, schema: Record<string, unknown>): Promise<LlamaGrammar> {
    const key = JSON.stringify(schema);
    let grammar = loaded.grammars.get(key);
    if (!grammar) {
      grammar = this.getLlama().then((llama) => llama.createGrammarForJsonSchema(schema as never) as Promise<LlamaGrammar>).catch((e) => {
        loaded.grammars.delete(key);
        throw new MedflowError({ code: 'JSON_SCHEMA_UNSUPPORTED', category: 'USER', message: `the output JSON Schema cannot be turned into a grammar: ${(e as Error).message}`, details: {} });
      });
      loaded.grammars.set(key, grammar);
    }
    return grammar;
  }
}

function loadError(name: string, error: unknown): MedflowError {
  return new MedflowError({ code: 'MODEL_LOAD_FAILED', category: 'SYSTEM', retryable: false, message: `model "${name}" could not be loaded: ${(error as Error).message}`, details: { model: name }, cause: error });
}

export const unavailable = (what: string) => new MedflowError({ code: ErrorCodes.SERVICE_UNAVAILABLE, category: 'SYSTEM', retryable: false, message: `${what} is not available`, details: {} });
