import { open, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { MedflowError } from '@medflow/sdk';
import type { Logger } from '../logger.js';

export type ModelKind = 'llm' | 'whisper';

export interface ModelInfo {
  name: string;
  kind: ModelKind;
  sizeBytes: number;
  architecture?: string;
  /** GGUF file type, e.g. MOSTLY_Q4_K_M. */
  quantization?: string;
  contextLength?: number;
  loaded: boolean;
}

/** Loaded models kept warm, evicted least-recently-used when the memory budget would be exceeded. */
interface Slot<T> { name: string; bytes: number; value: Promise<T>; lastUsed: number; users: number; dispose: (value: T) => Promise<void> }

const FILE_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M', 13: 'Q3_K_L',
  14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K', 19: 'IQ2_XXS', 20: 'IQ2_XS', 24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S', 28: 'IQ4_XS', 32: 'BF16',
};

/**
 * The models directory: what is there, and which models are loaded. Models are files the hospital puts
 * in the directory; nothing is ever downloaded. A name that is not a file there is an error naming the
 * directory and what it does contain.
 */
export class ModelRegistry {
  readonly dir: string;
  private readonly slots = new Map<string, Slot<unknown>>();

  constructor(dir: string, private readonly memoryBudgetBytes: number, private readonly logger: Logger) {
    this.dir = resolve(dir);
  }

  async list(): Promise<ModelInfo[]> {
    let names: string[];
    try { names = await readdir(this.dir); } catch { return []; }
    const out: ModelInfo[] = [];
    for (const name of names.sort()) {
      const info = await this.describe(name).catch(() => undefined);
      if (info) out.push(info);
    }
    return out;
  }

  /** The path of a model of the given kind, or a USER error naming the directory and the models in it. */
  async resolve(name: string, kind: ModelKind): Promise<string> {
    if (!name || basename(name) !== name || name.startsWith('.')) {
      throw new MedflowError({ code: 'MODEL_NAME_INVALID', category: 'USER', message: `model name must be a file name in the models directory, not "${name}"`, details: { directory: this.dir } });
    }
    const info = await this.describe(name).catch(() => undefined);
    if (!info || info.kind !== kind) {
      const available = (await this.list()).filter((m) => m.kind === kind).map((m) => m.name);
      throw new MedflowError({
        code: 'MODEL_NOT_FOUND', category: 'USER', retryable: false,
        message: `${kind === 'llm' ? 'LLM' : 'whisper'} model "${name}" is not in ${this.dir}${available.length ? ` (available: ${available.join(', ')})` : ` (no ${kind === 'llm' ? '.gguf' : 'whisper'} models there)`}; put the file there or choose another model`,
        details: { directory: this.dir, model: name, available },
      });
    }
    return join(this.dir, name);
  }

  /**
   * A loaded model, loading it on first use (concurrent callers share one load). `release` must be
   * called when done; models in use are never evicted.
   */
  async acquire<T>(name: string, bytes: number, load: () => Promise<T>, dispose: (value: T) => Promise<void>): Promise<{ value: T; release: () => void }> {
    let slot = this.slots.get(name) as Slot<T> | undefined;
    if (!slot) {
      await this.makeRoom(bytes);
      slot = { name, bytes, value: load(), lastUsed: Date.now(), users: 0, dispose };
      this.slots.set(name, slot as Slot<unknown>);
      slot.value.catch(() => this.slots.delete(name));
    }
    slot.users++;
    slot.lastUsed = Date.now();
    try {
      const value = await slot.value;
      const s = slot;
      let released = false;
      return { value, release: () => { if (!released) { released = true; s.users--; s.lastUsed = Date.now(); } } };
    } catch (error) {
      slot.users--;
      throw error;
    }
  }

  isLoaded(name: string): boolean {
    return this.slots.has(name);
  }

  async unloadAll(): Promise<void> {
    for (const [name, slot] of this.slots) {
      this.slots.delete(name);
      await slot.value.then((v) => slot.dispose(v)).catch(() => {});
    }
  }

  private async makeRoom(bytes: number): Promise<void> {
    const used = () => [...this.slots.values()].reduce((sum, s) => sum + s.bytes, 0);
    while (used() + bytes > this.memoryBudgetBytes) {
      const idle = [...this.slots.values()].filter((s) => s.users === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!idle) break; // everything loaded is in use: load anyway and let the allocator decide
      this.slots.delete(idle.name);
      this.logger.info('model unloaded to make room', { model: idle.name, freedMb: Math.round(idle.bytes / 1048576) });
      await idle.value.then((v) => idle.dispose(v)).catch(() => {});
    }
  }

  /** Descriptions by file name, valid while the file's size and modification time are unchanged. */
  private readonly described = new Map<string, { key: string; info: Omit<ModelInfo, 'loaded'> | undefined }>();

  private async describe(name: string): Promise<ModelInfo | undefined> {
    const path = join(this.dir, name);
    const st = await stat(path);
    if (!st.isFile()) return undefined;
    const key = `${st.size}:${st.mtimeMs}`;
    let cached = this.described.get(name);
    if (cached?.key !== key) {
      cached = { key, info: await this.read(path, name, st.size) };
      this.described.set(name, cached);
    }
    return cached.info ? { ...cached.info, loaded: this.slots.has(name) } : undefined;
  }

  private async read(path: string, name: string, size: number): Promise<Omit<ModelInfo, 'loaded'> | undefined> {
    const st = { size };
    const handle = await open(path, 'r');
    const head = Buffer.alloc(4);
    try { await handle.read(head, 0, 4, 0); } finally { await handle.close(); }
    if (head.toString('ascii') === 'GGUF') {
      const meta = await readGgufMetadata(path);
      const arch = meta['general.architecture'] as string | undefined;
      return {
        name, kind: 'llm', sizeBytes: st.size,
        ...(arch ? { architecture: arch } : {}),
        ...(typeof meta['general.file_type'] === 'number' ? { quantization: FILE_TYPES[meta['general.file_type'] as number] ?? `type ${meta['general.file_type']}` } : {}),
        ...(arch && typeof meta[`${arch}.context_length`] === 'number' ? { contextLength: meta[`${arch}.context_length`] as number } : {}),
      };
    }
    // whisper.cpp models start with the ggml magic 0x67676d6c, little-endian.
    if (head.readUInt32LE(0) === 0x67676d6c) return { name, kind: 'whisper', sizeBytes: st.size };
    return undefined;
  }
}

async function readGgufMetadata(path: string): Promise<Record<string, unknown>> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  const info = await readGgufFileInfo(path, { readTensorInfo: false, ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'] });
  const flat: Record<string, unknown> = {};
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, `${prefix}${k}.`);
      else flat[`${prefix}${k}`] = v;
    }
  };
  walk(info.metadata as unknown as Record<string, unknown>, '');
  return flat;
}
