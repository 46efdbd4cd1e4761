// The part of @fugood/whisper.node's API MedFlow uses. The package ships TypeScript sources without
// declaration files, which strict NodeNext compilation cannot consume; tsconfig maps the module here.
export interface TranscribeOptions {
  language?: string;
  maxThreads?: number;
  prompt?: string;
  onProgress?: (progress: number) => void;
}
export interface TranscribeResult {
  language?: string;
  result: string;
  segments: Array<{ text: string; t0: number; t1: number }>;
  isAborted: boolean;
}
export interface WhisperContext {
  transcribeFile(filePath: string, options?: TranscribeOptions): { stop: () => Promise<void>; promise: Promise<TranscribeResult> };
  release(): Promise<void>;
}
/** `modelUrl` exists upstream and downloads models; MedFlow never passes it. */
export function initWhisper(options: { filePath: string; useGpu?: boolean; useFlashAttn?: boolean }, variant?: 'default' | 'vulkan' | 'cuda'): Promise<WhisperContext>;
