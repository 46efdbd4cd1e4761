import type { PackageLimits } from '@medflow/sdk';

/** What one sandboxed execution may use. */
export interface SandboxLimits {
  /** V8 heap of the isolate; going over disposes the isolate. */
  memoryMb: number;
  /** Time spent running JavaScript in the isolate, summed over the execution. */
  cpuMs: number;
  /** Time from start to result, including waits for host services (an LLM call counts here). */
  wallMs: number;
  /** Size of the JSON the node returns. */
  maxOutputChars: number;
}

/** The administrator's ceilings (MEDFLOW_SANDBOX_*); a package's own `limits` are clamped to them. */
export interface SandboxPolicy {
  memoryMb: number;
  cpuMs: number;
  wallMs: number;
  maxOutputChars: number;
  /** Isolates kept per package: as many executions of its nodes run at once. */
  poolSize: number;
}

export const DEFAULT_SANDBOX_POLICY: SandboxPolicy = Object.freeze({
  memoryMb: 128, cpuMs: 10_000, wallMs: 300_000, maxOutputChars: 8_000_000, poolSize: 2,
});

/** A package's requested limits within the policy's ceilings; unset ones get the ceilings. */
export function effectiveLimits(requested: PackageLimits, policy: SandboxPolicy): SandboxLimits {
  return {
    memoryMb: Math.min(requested.memoryMb ?? policy.memoryMb, policy.memoryMb),
    cpuMs: Math.min(requested.cpuMs ?? policy.cpuMs, policy.cpuMs),
    wallMs: Math.min(requested.wallMs ?? policy.wallMs, policy.wallMs),
    maxOutputChars: policy.maxOutputChars,
  };
}
