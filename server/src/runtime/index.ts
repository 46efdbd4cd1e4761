import { loadCodeTables, loadNotifiableTable } from '@medflow/data';
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
  ocrWorkers: number;
  /** Hosts the HTTP node may contact (MEDFLOW_HTTP_ALLOWED_HOSTS); empty refuses every request. */
  httpAllowedHosts: string[];
  /** ICD tables in the bundled format (MEDFLOW_CODE_TABLES_DIR); the bundled subset when unset. */
  codeTablesDir?: string;
  /** Limits of the user code node's sandbox. */
  codeSandbox?: CodeSandboxPolicy;
}

/** Local AI for nodes: one registry of models, shared by every run. */
export function createRuntime(config: RuntimeConfig, logger: Logger) {
  const registry = new ModelRegistry(config.modelsDir, config.modelMemoryBytes, logger);
  const llm = new NodeLlamaService(registry, { gpu: config.gpu, sequences: config.llmSequences, contextSize: config.llmContextSize }, logger);
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

export function defaultRuntimeConfig(modelsDir: string): RuntimeConfig {
  return { modelsDir, modelMemoryBytes: 16 * 1024 ** 3, gpu: 'auto', llmSequences: 4, llmContextSize: 4096, ocrWorkers: availableParallelism(), httpAllowedHosts: [] };
}
