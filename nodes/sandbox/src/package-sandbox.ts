import { MedflowError, type ErrorCategory, type SandboxExecuteRequest } from '@medflow/sdk';
import { z } from 'zod';
import { parseDescriptions, type GuestNodeDescription } from './description.js';
import { sandboxError, SandboxErrorCodes } from './errors.js';
import { GuestSlot, type HostCallHandler } from './guest-slot.js';
import { SlotPool } from './isolate-pool.js';
import type { SandboxLimits } from './limits.js';
import { parseUntrustedJson } from './safe-json.js';
import { disposalsSettled } from './teardown.js';

export interface PackageSandboxOptions {
  /** `name@version`, used in file names of stack traces and in errors. */
  id: string;
  bundle: string;
  limits: SandboxLimits;
  poolSize: number;
}

/** A slot is replaced after this many executions, so a slow leak in package code stays bounded. */
const RECYCLE_AFTER = 5_000;

const ResultSchema = z.union([
  z.object({ ok: z.literal(true), outputs: z.record(z.string(), z.unknown()) }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string().max(100),
      category: z.enum(['USER', 'SYSTEM', 'THIRD_PARTY']),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
      retryable: z.boolean().optional(),
    }),
  }),
]);

/**
 * One installed package's code, loaded in a pool of isolates. Node descriptions are read inside the
 * sandbox when it opens; executions borrow a warm isolate.
 *
 * @example
 * const sandbox = await PackageSandbox.open({ id: 'jp-date@1.0.0', bundle, limits, poolSize: 2 });
 * sandbox.descriptions[0].type // 'example/jp-date'
 * const outputs = await sandbox.execute(0, request, handler, signal);
 */
export class PackageSandbox {
  private constructor(readonly options: PackageSandboxOptions, readonly descriptions: GuestNodeDescription[], private readonly pool: SlotPool<GuestSlot>) {}

  static async open(options: PackageSandboxOptions): Promise<PackageSandbox> {
    const filename = `medflow-package:${options.id}`;
    const first = await GuestSlot.load(options.bundle, filename, options.limits);
    let descriptions: GuestNodeDescription[];
    try {
      descriptions = parseDescriptions(await first.describe(options.limits));
    } catch (error) {
      first.dispose();
      throw sandboxError(SandboxErrorCodes.BUNDLE_INVALID, `the package's node descriptions are invalid: ${(error as Error).message}`, { package: options.id });
    }
    let seeded: GuestSlot | undefined = first;
    const pool = new SlotPool<GuestSlot>(async () => {
      if (seeded) { const slot = seeded; seeded = undefined; return slot; }
      return GuestSlot.load(options.bundle, filename, options.limits);
    }, Math.max(1, options.poolSize));
    // The slot that described the package becomes the first warm one.
    pool.release(await pool.acquire(), true);
    return new PackageSandbox(options, descriptions, pool);
  }

  /** Runs node `index` of the package; returns its outputs or throws the node's error. */
  async execute(index: number, request: SandboxExecuteRequest, handler: HostCallHandler, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const requestJson = JSON.stringify(request);
    // A warm slot carries the module state of the run it served: another run gets a fresh one (the package is loaded
    // again, ~30 ms), nodes of the same run share it.
    let slot = await this.pool.acquire(signal);
    while (slot.tenant !== undefined && slot.tenant !== request.runId) {
      this.pool.release(slot, false);
      slot = await this.pool.acquire(signal);
    }
    slot.tenant = request.runId;
    let healthy = false;
    let text: string;
    try {
      text = await slot.execute(index, requestJson, handler, this.options.limits, signal);
      healthy = slot.useCount < RECYCLE_AFTER;
    } finally {
      this.pool.release(slot, healthy);
    }
    return this.readResult(text);
  }

  private readResult(text: string): Record<string, unknown> {
    const { maxOutputChars } = this.options.limits;
    if (text.length > maxOutputChars) {
      throw sandboxError(SandboxErrorCodes.OUTPUT_TOO_LARGE, `the node's outputs are ${text.length} characters of JSON, more than the ${maxOutputChars} allowed`, { size: text.length, limit: maxOutputChars });
    }
    let parsed;
    try {
      parsed = ResultSchema.safeParse(parseUntrustedJson(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) throw sandboxError(SandboxErrorCodes.PROTOCOL, 'the node returned a result the host cannot read', { package: this.options.id }, 'THIRD_PARTY');
    if (parsed.data.ok) return parsed.data.outputs;
    const info = parsed.data.error;
    // The package's own errors keep their code; a plain exception in its code is its fault, not ours.
    const category: ErrorCategory = info.category === 'SYSTEM' ? 'THIRD_PARTY' : info.category;
    throw new MedflowError({
      code: info.code, category, message: info.message.slice(0, 2_000),
      details: { ...(info.details ?? {}), package: this.options.id },
      retryable: info.retryable ?? category !== 'USER',
    });
  }

  stats(): { live: number; idle: number; waiting: number } {
    return this.pool.size();
  }

  /** Disposes the isolates and waits until disposals have finished: await it before the process exits. */
  async close(): Promise<void> {
    this.pool.close();
    await disposalsSettled();
  }
}
