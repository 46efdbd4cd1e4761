import type { FileService } from './files.js';
import type { CodeRunnerService, HttpService, LlmService, MedicalCodesService, NotifiableDiseaseService, OcrService, PhiVaultService, TranscriptionService } from './services.js';

/**
 * Services the server hands to nodes. Extended by declaration merging where a service is defined:
 *
 * @example
 * declare module '@medflow/sdk' { interface NodeServices { llm: LlmService } }
 */
export interface NodeServices {
  files: FileService;
  llm: LlmService;
  transcription: TranscriptionService;
  ocr: OcrService;
  http: HttpService;
  codes: MedicalCodesService;
  phiVault: PhiVaultService;
  code: CodeRunnerService;
  notifiable: NotifiableDiseaseService;
}

export interface NodeLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** What a node asks for when it pauses a run for a person, e.g. a review gate. */
export interface SuspendRequest {
  /** Machine-readable reason, e.g. `review`. */
  reason: string;
  /** Whatever the person needs to decide (drafts, evidence); stored with the run. */
  payload?: Record<string, unknown>;
  /** ISO time after which the server escalates; the node decides what that means on resume. */
  deadline?: string;
}

/** Present when a suspended node is called again with a decision. */
export interface ResumeInfo {
  data: unknown;
  at: string;
  request: SuspendRequest;
}

/**
 * Everything a node sees of the world. Nodes never import fs, http or child_process: they reach
 * files, models and tools only through `services`, so the server controls what each node may do.
 *
 * @example
 * async execute(ctx, inputs) {
 *   ctx.progress(0.5, 'OCR 1/2ページ');
 *   if (ctx.signal.aborted) throw ctx.signal.reason;
 *   const bytes = await ctx.services.files.read(inputs.scan);
 * }
 */
export interface NodeContext<C = unknown> {
  readonly config: C;
  readonly runId: string;
  readonly nodeId: string;
  /** 1 on the first try, 2 on the first retry… */
  readonly attempt: number;
  /** Aborted on cancellation and on timeout; long work must watch it. */
  readonly signal: AbortSignal;
  readonly log: NodeLogger;
  /** Reports progress (0..1, or null when unknown) with a short note shown in the editor. */
  progress(fraction: number | null, note?: string): void;
  readonly services: NodeServices;
  /** Values given when the run was started, by input name. Used by input nodes. */
  readonly runInputs: Readonly<Record<string, unknown>>;
  /** Pauses the run durably until someone resumes this node; never returns. */
  suspend(request: SuspendRequest): never;
  /** Set when this call is the continuation of an earlier `suspend`. */
  readonly resume?: ResumeInfo;
}

/** Thrown by `ctx.suspend`; the engine catches it. Nodes must let it propagate. */
export class SuspendSignal {
  constructor(readonly request: SuspendRequest) {}
}
