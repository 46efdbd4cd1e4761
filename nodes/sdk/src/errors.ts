/**
 * Who is at fault, which decides retries and what a client is told.
 * USER: the request, workflow or input is wrong (HTTP 4xx, never retried).
 * SYSTEM: our bug or resource trouble (HTTP 5xx, retried by the engine).
 * THIRD_PARTY: a model, tool or plugin misbehaved (retried by the engine).
 */
export type ErrorCategory = 'USER' | 'SYSTEM' | 'THIRD_PARTY';

/** The serialisable form an error takes across process, HTTP and storage boundaries. */
export interface ErrorInfo {
  code: string;
  category: ErrorCategory;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
}

/**
 * The one error type nodes, engine and server throw.
 *
 * @example
 * throw new MedflowError({
 *   code: 'MODEL_NOT_FOUND', category: 'USER',
 *   message: 'モデル qwen.gguf が /models にありません',
 *   details: { directory: '/models', model: 'qwen.gguf' },
 * });
 */
export class MedflowError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly details: Record<string, unknown>;
  readonly retryable: boolean;

  constructor(info: ErrorInfo & { cause?: unknown }) {
    super(info.message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'MedflowError';
    this.code = info.code;
    this.category = info.category;
    this.details = info.details ?? {};
    this.retryable = info.retryable ?? info.category !== 'USER';
  }

  toJSON(): ErrorInfo {
    return { code: this.code, category: this.category, message: this.message, details: this.details, retryable: this.retryable };
  }
}

/** True for MedflowError instances, also ones created by another copy of the SDK. */
export function isMedflowError(value: unknown): value is MedflowError {
  return value instanceof MedflowError || (
    typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'MedflowError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/**
 * Turns anything thrown into an ErrorInfo. Unknown errors become SYSTEM errors whose message is kept
 * (it is useful to the operator) but whose stack is not (it is never sent to clients).
 *
 * @example
 * try { await node.execute(ctx, inputs) } catch (e) { record.error = toErrorInfo(e) }
 */
export function toErrorInfo(error: unknown, fallbackCode = 'INTERNAL_ERROR'): ErrorInfo {
  if (isMedflowError(error)) return error.toJSON();
  if (error instanceof Error) {
    return { code: fallbackCode, category: 'SYSTEM', message: error.message || error.name, details: { name: error.name }, retryable: true };
  }
  let text: string;
  try { text = typeof error === 'string' ? error : JSON.stringify(error) ?? String(error); } catch { text = String(error); }
  return { code: fallbackCode, category: 'SYSTEM', message: `non-Error thrown: ${text.slice(0, 500)}`, retryable: true };
}

/** Stable error codes used across the product; plugins may add their own. */
export const ErrorCodes = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  WORKFLOW_INVALID: 'WORKFLOW_INVALID',
  NODE_TIMEOUT: 'NODE_TIMEOUT',
  RUN_CANCELLED: 'RUN_CANCELLED',
  INPUT_MISSING: 'INPUT_MISSING',
  OUTPUT_INVALID: 'OUTPUT_INVALID',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  FILE_TYPE_REJECTED: 'FILE_TYPE_REJECTED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
