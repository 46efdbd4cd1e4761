import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import type { RuntimeConfig } from './runtime/index.js';
import { z } from 'zod';

const PoolsSchema = z.string().regex(/^(\s*[a-z][a-z0-9-]*=\d+\s*)(,\s*[a-z][a-z0-9-]*=\d+\s*)*$/, 'use name=count pairs, e.g. "gpu=1,ocr=2"')
  .transform((s) => Object.fromEntries(s.split(',').map((pair) => { const [k, v] = pair.split('='); return [k!.trim(), Number(v)]; })));

/** Every setting comes from the environment (see README "Configuration"), checked at start-up. */
export const ConfigSchema = z.object({
  MEDFLOW_HOST: z.string().default('127.0.0.1'),
  MEDFLOW_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  MEDFLOW_DATA_DIR: z.string().default('./data'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  MEDFLOW_DURABILITY: z.enum(['normal', 'full']).default('normal'),
  MEDFLOW_MAX_UPLOAD_MB: z.coerce.number().min(1).max(2048).default(50),
  MEDFLOW_MAX_JSON_MB: z.coerce.number().min(1).max(512).default(10),
  MEDFLOW_POOLS: PoolsSchema.prefault('gpu=1,cpu-heavy=2'),
  MEDFLOW_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  MEDFLOW_EDITOR_DIR: z.string().optional(),
  MEDFLOW_TEMPLATES_DIR: z.string().optional(),
  MEDFLOW_MODELS_DIR: z.string().default('./models'),
  MEDFLOW_MODEL_MEMORY_MB: z.coerce.number().int().min(64).default(16_384),
  MEDFLOW_GPU: z.enum(['auto', 'off', 'cuda', 'vulkan']).default('auto'),
  MEDFLOW_LLM_SEQUENCES: z.coerce.number().int().min(1).max(64).default(4),
  MEDFLOW_LLM_CONTEXT: z.coerce.number().int().min(256).max(262_144).default(4096),
  MEDFLOW_OCR_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
});

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  mongodbUri?: string;
  durability: 'normal' | 'full';
  maxUploadBytes: number;
  maxJsonBytes: number;
  pools: Record<string, number>;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  editorDir?: string;
  templatesDir: string;
  runtime: RuntimeConfig;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = ConfigSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([k, v]) => k in ConfigSchema.shape && v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    host: c.MEDFLOW_HOST,
    port: c.MEDFLOW_PORT,
    dataDir: resolve(c.MEDFLOW_DATA_DIR),
    ...(c.MONGODB_URI ? { mongodbUri: c.MONGODB_URI } : {}),
    durability: c.MEDFLOW_DURABILITY,
    maxUploadBytes: Math.round(c.MEDFLOW_MAX_UPLOAD_MB * 1024 * 1024),
    maxJsonBytes: Math.round(c.MEDFLOW_MAX_JSON_MB * 1024 * 1024),
    pools: c.MEDFLOW_POOLS,
    logLevel: c.MEDFLOW_LOG_LEVEL,
    ...(c.MEDFLOW_EDITOR_DIR ? { editorDir: resolve(c.MEDFLOW_EDITOR_DIR) } : {}),
    // The repository's templates/ folder, wherever the server is started from.
    templatesDir: resolve(c.MEDFLOW_TEMPLATES_DIR ?? fileURLToPath(new URL('../../templates', import.meta.url))),
    runtime: {
      modelsDir: resolve(c.MEDFLOW_MODELS_DIR),
      modelMemoryBytes: c.MEDFLOW_MODEL_MEMORY_MB * 1024 * 1024,
      gpu: c.MEDFLOW_GPU,
      llmSequences: c.MEDFLOW_LLM_SEQUENCES,
      llmContextSize: c.MEDFLOW_LLM_CONTEXT,
      ocrWorkers: c.MEDFLOW_OCR_WORKERS ?? availableParallelism(),
    },
  };
}
