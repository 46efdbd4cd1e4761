import { loadCodeTables, loadNotifiableTable, type CodeTables } from '@medflow/data';
import { CodeSandbox, DEFAULT_CODE_POLICY, type CodeSandboxPolicy } from '@medflow/sandbox';
import { createHttpService } from './http-service.js';
import { availableParallelism } from 'node:os';
import type { FileService, NodeServices, PhiVaultService } from '@medflow/sdk';
import type { Logger } from '../logger.js';
import { NodeLlamaService, type LlmOptions } from './llm-service.js';
import { ModelRegistry } from './model-registry.js';
import { TesseractOcrService } from './ocr-service.js';
import { WhisperCppService } from './whisper-service.js';

export { ModelRegistry, type ModelInfo } from './model-registry.js';
export { NodeLlamaService } from './llm-service.js';
export { TesseractOcrService, parseTsv } from './ocr-service.js';
export { WhisperCppService } from './whisper-service.js';

export interface RuntimeConfig {
  modelsDir: string;
  modelMemoryBytes: number;
  gpu: LlmOptions['gpu'];
  llmSequences: number;
  llmContextSize: number;
  /** CPU threads of llama.cpp (MEDFLOW_LLM_THREADS): `auto` = the cores left free, adapting while tools run. */
  llmThreads?: number | 'auto';
  ocrWorkers: number;
  /** Hosts the HTTP node may contact (MEDFLOW_HTTP_ALLOWED_HOSTS); empty refuses every request. */
  httpAllowedHosts: string[];
  /** Complete code tables (MEDFLOW_CODE_TABLES_DIR: WHO ICD-10/11, MEDIS, 万病辞書); the development subset when unset. */
  codeTablesDir?: string;
  /** Limits of the user code node's sandbox. */
  codeSandbox?: CodeSandboxPolicy;
}

/** Local AI for nodes: one registry of models, shared by every run. */
export function createRuntime(config: RuntimeConfig, logger: Logger) {
  const registry = new ModelRegistry(config.modelsDir, config.modelMemoryBytes, logger);
  const llm = new NodeLlamaService(registry, { gpu: config.gpu, sequences: config.llmSequences, contextSize: config.llmContextSize, threads: config.llmThreads ?? 'auto' }, logger);
  const transcription = new WhisperCppService(registry, { gpu: config.gpu !== 'off', threads: Math.max(1, availableParallelism() - 1) }, logger);
  const ocr = new TesseractOcrService(config.ocrWorkers);
  const http = createHttpService(config.httpAllowedHosts);
  const codes = loadCodeTables(config.codeTablesDir);
  const code = new CodeSandbox(config.codeSandbox ?? DEFAULT_CODE_POLICY);
  const notifiable = loadNotifiableTable();
  return {
    registry, llm, transcription, ocr, codes, code, notifiable,
    services: (files: FileService, phiVault: PhiVaultService): NodeServices => ({ files, llm, transcription, ocr, http, codes, phiVault, code, notifiable }),
    close: async () => { await code.close(); await registry.unloadAll(); },
  };
}

export type Runtime = ReturnType<typeof createRuntime>;

/**
 * Says which code tables are active, loudly when it is the development subset. Complete tables are
 * read right after start-up (about a second), so the first note to code does not wait for them.
 */
export function announceCodeTables(codes: CodeTables, logger: Logger): void {
  if (codes.kind === 'subset') {
    const info = codes.info();
    logger.warn(`code tables: development subset (${info.icd10} ICD-10 / ${info.icd11} ICD-11 codes, ${info.synonyms} expressions), not for clinical use; load the complete tables with MEDFLOW_CODE_TABLES_DIR (README: "Code tables")`, { ...info });
    return;
  }
  const timer = setTimeout(() => {
    const started = performance.now();
    try {
      codes.warm();
      const { tables, ...info } = codes.info();
      logger.info('code tables loaded', { ...info, ms: Math.round(performance.now() - started), tables: tables?.map((t) => `${t.file} ${t.rows} rows (${t.version ?? 'version not stated'})`) });
    } catch (e) {
      logger.error('code tables could not be read; coding nodes will fail until this is fixed', { dir: codes.dir, error: (e as Error).message });
    }
  }, 50);
  timer.unref();
}

export function defaultRuntimeConfig(modelsDir: string): RuntimeConfig {
  return { modelsDir, modelMemoryBytes: 16 * 1024 ** 3, gpu: 'auto', llmSequences: 4, llmContextSize: 4096, ocrWorkers: availableParallelism(), httpAllowedHosts: [] };
}
