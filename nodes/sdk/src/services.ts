/**
 * Local AI services the server hands to nodes through `ctx.services`. Nodes never load models or start
 * processes themselves: the server decides where models live, what stays loaded and who waits for the GPU.
 */

export interface ProgressSink {
  (fraction: number | null, note?: string): void;
}

export interface LlmGenerateRequest {
  /** Model file name in the models directory, e.g. `qwen2.5-7b-instruct-q4_k_m.gguf`. */
  model: string;
  prompt: string;
  system?: string;
  temperature?: number;
  maxTokens?: number;
  /** When set, output is constrained by a grammar built from this JSON Schema, so it always parses. */
  jsonSchema?: Record<string, unknown>;
  signal?: AbortSignal;
  /** Streamed text, for progress displays. */
  onText?: (chunk: string) => void;
  onProgress?: ProgressSink;
}

export interface LlmGenerateResult {
  text: string;
  /** Parsed output when `jsonSchema` was given. */
  json?: unknown;
  model: string;
  tokens: { prompt: number; generated: number };
  timings: { firstTokenMs: number; totalMs: number };
  device: 'gpu' | 'cpu';
  stopReason: 'eos' | 'maxTokens' | 'aborted';
}

/**
 * @example
 * const r = await ctx.services.llm.generate({ model: ctx.config.model, prompt, signal: ctx.signal });
 */
export interface LlmService {
  generate(request: LlmGenerateRequest): Promise<LlmGenerateResult>;
}

export interface TranscriptionSegment { start: number; end: number; text: string }

export interface TranscriptionRequest {
  model: string;
  audio: Uint8Array;
  /** `ja`, `en` or `auto`. */
  language: string;
  prompt?: string;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
}

export interface TranscriptionResult {
  text: string;
  language: string;
  /** Seconds from the start of the recording. */
  segments: TranscriptionSegment[];
  durationSeconds: number;
  model: string;
}

export interface TranscriptionService {
  transcribe(request: TranscriptionRequest): Promise<TranscriptionResult>;
}

export interface OcrLine {
  text: string;
  confidence: number;
  /** Pixels in the page image: left, top, width, height. */
  box: { x: number; y: number; width: number; height: number };
}

export interface OcrPage {
  page: number;
  text: string;
  width: number;
  height: number;
  meanConfidence: number;
  lines: OcrLine[];
}

export interface OcrRequest {
  file: Uint8Array;
  mediaType: string;
  /** Tesseract languages, e.g. ['jpn', 'eng'] or ['jpn_vert']. */
  languages: string[];
  /** Page segmentation: `auto`, `block`, `vertical` (縦書き), `line`. */
  layout: 'auto' | 'block' | 'vertical' | 'line';
  dpi?: number;
  signal?: AbortSignal;
  onProgress?: ProgressSink;
}

export interface OcrResult {
  text: string;
  pages: OcrPage[];
}

export interface OcrService {
  recognize(request: OcrRequest): Promise<OcrResult>;
}

/** Where an AI-made value came from: shown beside every draft value for review. */
export interface Provenance {
  nodeId: string;
  nodeType: string;
  model?: string;
  /** Character offsets into the source text, when the value rests on one. */
  evidence?: { start: number; end: number; text: string } | null;
}

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Larger responses fail the request instead of filling memory. */
  maxResponseBytes?: number;
}

export interface HttpResponse { status: number; headers: Record<string, string>; body: string }

/**
 * Host-checked HTTP: only hosts the administrator allowed, never loopback, link-local or cloud
 * metadata addresses reached through a name, no redirects followed, bounded size and time.
 */
export interface HttpService {
  request(request: HttpRequest): Promise<HttpResponse>;
}
