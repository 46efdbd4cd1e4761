import ivm from 'isolated-vm';
import { toErrorInfo } from '@medflow/sdk';
import { sandboxError, SandboxErrorCodes } from './errors.js';
import type { SandboxLimits } from './limits.js';
import { PRELUDE_SOURCE } from './prelude.js';
import { noteDisposal } from './teardown.js';

/** What the host does for the code running in a slot: services, logs, progress. */
export interface HostCallHandler {
  call(method: string, argsJson: string, bytes?: Uint8Array): Promise<{ json: string; bytes?: Uint8Array }>;
  callSync(method: string, argsJson: string): string;
  notify(kind: string, payloadJson: string): void;
}

/** Host calls one execution may have in flight, and make in all: a node cannot flood the model queue. */
const MAX_PENDING_CALLS = 16;
const MAX_CALLS = 10_000;
const MAX_NOTIFICATIONS = 2_000;
/** Loading the prelude and a package's top-level code. */
const LOAD_TIMEOUT_MS = 5_000;

interface Execution {
  handler: HostCallHandler;
  pending: number;
  calls: number;
  notifications: number;
  fail?: Error;
}

/**
 * One isolate with the prelude and a package bundle loaded: the unit the pool lends out. Everything
 * crossing into it is copied; what the code does there cannot reach the host except through the three
 * callbacks the prelude holds, and those act only for the execution in progress.
 */
export class GuestSlot {
  private current: Execution | undefined;
  private stopReason: 'wall' | 'abort' | 'cpu' | undefined;
  private uses = 0;

  private constructor(
    readonly isolate: ivm.Isolate,
    private readonly context: ivm.Context,
    private readonly settle: ivm.Reference<(id: number, ok: boolean, json: string, bytes?: ArrayBuffer) => void>,
    private readonly entry: { execute: ivm.Reference<(index: number, request: string) => Promise<string>>; describe: ivm.Reference<() => string> },
  ) {}

  /** Creates an isolate, runs the prelude, then the bundle, which must set `globalThis.__medflowPackage`. */
  static async load(bundle: string, filename: string, limits: SandboxLimits): Promise<GuestSlot> {
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
    try {
      const context = await isolate.createContext();
      const slotRef: { slot?: GuestSlot } = {};
      const prelude = await context.eval(PRELUDE_SOURCE, { reference: true, timeout: LOAD_TIMEOUT_MS }) as ivm.Reference<(...args: unknown[]) => unknown>;
      const start = new ivm.Callback((id: number, method: string, argsJson: string, bytes?: ArrayBuffer) => slotRef.slot?.onCall(id, method, argsJson, bytes), { ignored: true });
      const callSync = new ivm.Callback((method: string, argsJson: string) => slotRef.slot?.onCallSync(method, argsJson) ?? '0{"code":"SANDBOX_PROTOCOL","category":"SYSTEM","message":"no execution"}', { sync: true });
      const notify = new ivm.Callback((kind: string, payload: string) => slotRef.slot?.onNotify(kind, payload), { ignored: true });
      const settle = await prelude.apply(undefined, [start, callSync, notify], { result: { reference: true }, timeout: LOAD_TIMEOUT_MS }) as unknown as GuestSlot['settle'];
      prelude.release();
      const script = await isolate.compileScript(bundle, { filename });
      await script.run(context, { timeout: LOAD_TIMEOUT_MS });
      script.release();
      // Taken once, by trusted code, right after loading: later changes the package makes to its own globals do not matter.
      const entry = await context.eval(`(function () {
        const p = globalThis.__medflowPackage;
        if (!p || typeof p.execute !== 'function' || typeof p.describe !== 'function') throw new Error('the bundle did not set globalThis.__medflowPackage (build it with create-node pack)');
        const execute = p.execute, describe = p.describe;
        return { execute: function (i, r) { return execute.call(p, i, r); }, describe: function () { return String(describe.call(p)); } };
      })()`, { reference: true, timeout: LOAD_TIMEOUT_MS }) as ivm.Reference<Record<string, unknown>>;
      const execute = await entry.get('execute', { reference: true }) as GuestSlot['entry']['execute'];
      const describe = await entry.get('describe', { reference: true }) as GuestSlot['entry']['describe'];
      entry.release();
      const slot = new GuestSlot(isolate, context, settle, { execute, describe });
      slotRef.slot = slot;
      return slot;
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      noteDisposal();
      throw sandboxError(SandboxErrorCodes.BUNDLE_INVALID, `the package bundle could not be loaded: ${(error as Error).message}`, { filename });
    }
  }

  disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /**
   * Handles into the isolate are released explicitly, also after it was disposed: left to the garbage
   * collector, such handles crashed the process at exit (SIGSEGV with isolated-vm 5 on Node 20, seen in
   * the code sandbox; see test/security/sandbox-exit.test.ts).
   */
  dispose(): void {
    if (!this.isolate.isDisposed) this.isolate.dispose();
    noteDisposal();
    for (const handle of [this.settle, this.entry.execute, this.entry.describe, this.context]) {
      try { handle.release(); } catch { /* already released */ }
    }
  }

  /** The package's node descriptions, as JSON, read inside the sandbox. */
  async describe(limits: SandboxLimits): Promise<string> {
    const text = await this.entry.describe.apply(undefined, [], { result: { copy: true }, timeout: Math.min(limits.cpuMs, LOAD_TIMEOUT_MS) });
    if (typeof text !== 'string') throw sandboxError(SandboxErrorCodes.PROTOCOL, 'describe() did not return text');
    return text;
  }

  /**
   * The run this slot's module state belongs to. A package's globals live as long as its isolate: a slot that served
   * one run is not lent to another, so one patient's text cannot surface in another user's run.
   */
  tenant: string | undefined;

  /** Executions so far: slots are recycled after many, so slow leaks in package code stay bounded. */
  get useCount(): number {
    return this.uses;
  }

  /**
   * Runs one node execution. Stops it, by disposing the isolate, when it uses more CPU than allowed,
   * runs longer than the wall-clock limit, or the signal aborts; the pool then replaces the slot.
   */
  async execute(index: number, requestJson: string, handler: HostCallHandler, limits: SandboxLimits, signal?: AbortSignal): Promise<string> {
    this.uses++;
    const execution: Execution = { handler, pending: 0, calls: 0, notifications: 0 };
    this.current = execution;
    this.stopReason = undefined;
    const cpuStart = this.isolate.cpuTime;
    this.cpuBudget = { start: cpuStart, limitNs: BigInt(limits.cpuMs) * 1_000_000n };
    const wallTimer = setTimeout(() => this.stop('wall'), limits.wallMs);
    const onAbort = () => this.stop('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) this.stop('abort');
      const text = await this.entry.execute.apply(undefined, [index, requestJson], { result: { promise: true, copy: true }, timeout: limits.cpuMs });
      if (this.isolate.cpuTime - cpuStart > this.cpuBudget.limitNs) this.stop('cpu');
      if (this.stopReason) throw new Error('stopped');
      if (typeof text !== 'string') throw sandboxError(SandboxErrorCodes.PROTOCOL, 'the node returned no result text', {}, 'THIRD_PARTY');
      return text;
    } catch (error) {
      throw execution.fail ?? this.describeFailure(error, limits, signal);
    } finally {
      clearTimeout(wallTimer);
      signal?.removeEventListener('abort', onAbort);
      this.current = undefined;
    }
  }

  private cpuBudget = { start: 0n, limitNs: 0n };

  private stop(reason: 'wall' | 'abort' | 'cpu'): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.dispose();
  }

  private describeFailure(error: unknown, limits: SandboxLimits, signal?: AbortSignal): unknown {
    if (this.stopReason === 'abort') return signal?.reason ?? error;
    if (this.stopReason === 'wall') return sandboxError(SandboxErrorCodes.TIMEOUT, `the node did not finish within ${limits.wallMs} ms and was stopped`, { wallMs: limits.wallMs });
    const message = (error as Error)?.message ?? String(error);
    if (this.stopReason === 'cpu' || /timed out/i.test(message)) {
      this.dispose();
      return sandboxError(SandboxErrorCodes.CPU_LIMIT, `the node used more than ${limits.cpuMs} ms of CPU time and was stopped`, { cpuMs: limits.cpuMs });
    }
    if (/memory limit/i.test(message)) {
      return sandboxError(SandboxErrorCodes.MEMORY_LIMIT, `the node used more than ${limits.memoryMb} MB of memory and was stopped`, { memoryMb: limits.memoryMb });
    }
    if (typeof (error as { code?: unknown })?.code === 'string' && (error as { name?: unknown }).name === 'MedflowError') return error;
    this.dispose();
    return sandboxError(SandboxErrorCodes.CRASHED, `the sandbox stopped unexpectedly: ${message}`, {}, 'THIRD_PARTY');
  }

  private onCall(id: number, method: string, argsJson: string, bytes?: ArrayBuffer): void {
    const execution = this.current;
    // A call made outside an execution (a timer-like leftover of an earlier one) is never answered.
    if (!execution) return;
    if (execution.pending >= MAX_PENDING_CALLS || execution.calls >= MAX_CALLS) {
      this.answer(execution, id, false, JSON.stringify(toErrorInfo(sandboxError(SandboxErrorCodes.CAPABILITY_DENIED, `too many host calls (at most ${MAX_PENDING_CALLS} at once and ${MAX_CALLS} per execution)`))));
      return;
    }
    execution.pending++;
    execution.calls++;
    let result: Promise<{ json: string; bytes?: Uint8Array }>;
    try {
      result = execution.handler.call(method, argsJson, bytes ? new Uint8Array(bytes) : undefined);
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => { execution.pending--; this.answer(execution, id, true, value.json, value.bytes); },
      (error: unknown) => { execution.pending--; this.answer(execution, id, false, JSON.stringify(toErrorInfo(error, 'HOST_CALL_FAILED'))); },
    );
  }

  private answer(execution: Execution, id: number, ok: boolean, json: string, bytes?: Uint8Array): void {
    if (this.current !== execution || this.isolate.isDisposed) return;
    const remainingMs = Number(this.cpuBudget.limitNs - (this.isolate.cpuTime - this.cpuBudget.start)) / 1e6;
    if (remainingMs <= 0) { this.stop('cpu'); return; }
    const copied = bytes ? new ivm.ExternalCopy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).copyInto({ release: true }) : undefined;
    // The node's code continues inside this call; the rest of the CPU budget bounds it.
    this.settle.apply(undefined, [id, ok, json, copied] as never, { timeout: Math.max(1, Math.ceil(remainingMs)) }).then(
      () => { if (this.isolate.cpuTime - this.cpuBudget.start > this.cpuBudget.limitNs) this.stop('cpu'); },
      (error: Error) => {
        if (/timed out/i.test(error.message)) this.stop('cpu');
        else if (!this.isolate.isDisposed) {
          execution.fail = sandboxError(SandboxErrorCodes.CRASHED, `the sandbox could not continue the node: ${error.message}`, {}, 'THIRD_PARTY');
          this.dispose();
        }
      },
    );
  }

  private onCallSync(method: string, argsJson: string): string {
    const execution = this.current;
    if (!execution) return '0' + JSON.stringify({ code: SandboxErrorCodes.PROTOCOL, category: 'SYSTEM', message: 'no execution in progress' });
    try {
      return '1' + execution.handler.callSync(method, argsJson);
    } catch (error) {
      return '0' + JSON.stringify(toErrorInfo(error, 'HOST_CALL_FAILED'));
    }
  }

  private onNotify(kind: string, payload: string): void {
    const execution = this.current;
    if (!execution || ++execution.notifications > MAX_NOTIFICATIONS) return;
    execution.handler.notify(kind, payload.length > 20_000 ? payload.slice(0, 20_000) : payload);
  }

  /** Used by tests: the context the package runs in. */
  get guestContext(): ivm.Context {
    return this.context;
  }
}
