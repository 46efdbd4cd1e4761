import { MedflowError, type ErrorCategory } from '@medflow/sdk';

/** Stable codes for what the sandbox stops; the run view and the API show them as node errors. */
export const SandboxErrorCodes = {
  CPU_LIMIT: 'SANDBOX_CPU_LIMIT',
  TIMEOUT: 'SANDBOX_TIMEOUT',
  MEMORY_LIMIT: 'SANDBOX_MEMORY_LIMIT',
  OUTPUT_TOO_LARGE: 'SANDBOX_OUTPUT_TOO_LARGE',
  CAPABILITY_DENIED: 'SANDBOX_CAPABILITY_DENIED',
  HOST_DENIED: 'SANDBOX_HOST_DENIED',
  PROTOCOL: 'SANDBOX_PROTOCOL',
  CRASHED: 'SANDBOX_CRASHED',
  BUNDLE_INVALID: 'SANDBOX_BUNDLE_INVALID',
  CODE_SYNTAX: 'CODE_SYNTAX_ERROR',
  CODE_FAILED: 'CODE_FAILED',
} as const;

/**
 * Limits broken by third-party code are the code's fault and would break again on a retry: they are
 * USER errors (not retried), with the limit in the details so the author can see what to change.
 */
export function sandboxError(code: string, message: string, details: Record<string, unknown> = {}, category: ErrorCategory = 'USER'): MedflowError {
  return new MedflowError({ code, category, message, details, retryable: false });
}
