import ivm from 'isolated-vm';
import { functionBodyProblem, type CodeRunnerService, type CodeRunRequest } from '@medflow/sdk';
import { sandboxError, SandboxErrorCodes } from './errors.js';
import { SlotPool } from './isolate-pool.js';
import { parseUntrustedJson } from './safe-json.js';
import { disposalsSettled, noteDisposal } from './teardown.js';

export interface CodeSandboxPolicy {
  memoryMb: number;
  /** Ceiling for a code node's own `timeoutMs`. */
  maxCpuMs: number;
  maxOutputChars: number;
  poolSize: number;
}

export const DEFAULT_CODE_POLICY: CodeSandboxPolicy = Object.freeze({ memoryMb: 64, maxCpuMs: 30_000, maxOutputChars: 8_000_000, poolSize: 2 });

/**
 * Captured before the user's code runs, so what the code does to JSON or Error later cannot change
 * how its result or its failure is reported.
 */
const RUNNER = String.raw`(function (notify) {
  const stringify = JSON.stringify, parse = JSON.parse, ErrorCtor = Error, StringCtor = String;
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics']) delete globalThis[name];
  function text(v) { try { return typeof v === 'string' ? v : StringCtor(v); } catch (e) { return '[unprintable]'; } }
  const log = function (level) { return function () { const parts = []; for (let i = 0; i < arguments.length; i++) parts.push(text(arguments[i])); notify(level, parts.join(' ')); }; };
  globalThis.console = Object.freeze({ log: log('debug'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') });
  function describe(e) {
    try {
      if (e instanceof ErrorCtor) {
        const m = /code\.js:(\d+)/.exec(text(e.stack));
        return { name: text(e.name), message: text(e.message), line: m ? Number(m[1]) : null };
      }
      let shown;
      try { shown = typeof e === 'string' ? e : stringify(e); } catch (x) { shown = undefined; }
      return { name: 'Thrown', message: 'non-Error thrown: ' + (shown === undefined ? text(e) : shown).slice(0, 500), line: null };
    } catch (x) {
      return { name: 'Thrown', message: 'a value that cannot be described was thrown', line: null };
    }
  }
  return function run(userFn, inputJson) {
    return (async function () {
      let value;
      try { value = await userFn(parse(inputJson)); } catch (e) { return stringify({ ok: false, error: describe(e) }); }
      // A function, symbol or bigint has no JSON form: returning one is a mistake to report, not an empty result.
      const kind = typeof value;
      if (kind === 'function' || kind === 'symbol' || kind === 'bigint') return stringify({ ok: false, error: { name: 'OutputError', message: 'the code returned a ' + kind + '; return data (an object, array, string, number, boolean or null)', line: null } });
      try {
        const out = stringify({ ok: true, value: value === undefined ? null : value });
        if (typeof out !== 'string') throw new TypeError('not JSON');
        return out;
      } catch (e) {
        return stringify({ ok: false, error: { name: 'OutputError', message: 'the returned value cannot be turned into JSON: ' + describe(e).message, line: null } });
      }
    })();
  };
})`;

interface CodeSlot { isolate: ivm.Isolate; disposed(): boolean; dispose(): void }

/**
 * Runs the JavaScript a user wrote in a code node. Each run gets a fresh context in a pooled isolate:
 * nothing one workflow's code leaves behind (a patched global) is seen by another's.
 */
export class CodeSandbox implements CodeRunnerService {
  private readonly pool: SlotPool<CodeSlot>;

  constructor(readonly policy: CodeSandboxPolicy = DEFAULT_CODE_POLICY) {
    this.pool = new SlotPool<CodeSlot>(async () => {
      const isolate = new ivm.Isolate({ memoryLimit: policy.memoryMb });
      return { isolate, disposed: () => isolate.isDisposed, dispose: () => { if (!isolate.isDisposed) isolate.dispose(); noteDisposal(); } };
    }, policy.poolSize);
  }

  async run(request: CodeRunRequest): Promise<unknown> {
    const timeoutMs = Math.max(1, Math.min(request.timeoutMs, this.policy.maxCpuMs));
    const slot = await this.pool.acquire(request.signal);
    let healthy = true;
    let context: ivm.Context | undefined;
    // Every handle into the run's context keeps it alive: all are released when the run ends, or the isolate's heap fills up run by run.
    const handles: Array<{ release(): void }> = [];
    let stopped: 'wall' | 'abort' | undefined;
    const stop = (reason: 'wall' | 'abort') => { if (!stopped) { stopped = reason; slot.dispose(); } };
    // Awaiting a promise that never settles uses no CPU; the wall clock catches it.
    const wallTimer = setTimeout(() => stop('wall'), timeoutMs * 2 + 1_000);
    const onAbort = () => stop('abort');
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      context = await slot.isolate.createContext();
      const notify = new ivm.Callback((level: string, message: string) => {
        const lvl = level === 'info' || level === 'warn' || level === 'error' ? level : 'debug';
        request.log?.(lvl, String(message).slice(0, 2_000));
      }, { ignored: true });
      const factory = await context.eval(RUNNER, { reference: true, timeout: 1_000 }) as ivm.Reference<(n: unknown) => unknown>;
      handles.push(factory);
      const runner = await factory.apply(undefined, [notify], { result: { reference: true }, timeout: 1_000 }) as ivm.Reference<(fn: unknown, input: string) => Promise<string>>;
      handles.push(runner);
      let script: ivm.Script;
      try {
        script = await slot.isolate.compileScript(`(async function (input) {\n${request.source}\n})`, { filename: 'code.js', lineOffset: -1 });
      } catch (error) {
        const message = (error as Error).message;
        const line = /code\.js:(\d+)/.exec(message)?.[1];
        throw sandboxError(SandboxErrorCodes.CODE_SYNTAX, `syntax error in the code: ${message}`, line ? { line: Number(line) } : {});
      }
      // Concatenated into the wrapper, code that closes it early (`}); … (function () {`) can still compile: it would
      // run at the top of the context and hand back a function of its own. Parsed as a body on its own, it does not.
      const bodyProblem = functionBodyProblem(request.source);
      if (bodyProblem) { script.release(); throw sandboxError(SandboxErrorCodes.CODE_SYNTAX, `syntax error in the code: ${bodyProblem} (it closes the function it is written in)`, {}); }
      handles.push(script);
      const userFn = await script.run(context, { reference: true, timeout: timeoutMs }) as ivm.Reference<unknown>;
      handles.push(userFn);
      if (userFn.typeof !== 'function') throw sandboxError(SandboxErrorCodes.CODE_SYNTAX, 'the code must be the body of a function: it closed the function early');
      const inputJson = JSON.stringify(request.input ?? null);
      const text = await runner.apply(undefined, [userFn.derefInto(), inputJson], { result: { promise: true, copy: true }, timeout: timeoutMs });
      return this.readResult(text);
    } catch (error) {
      healthy = false;
      if (stopped === 'abort') throw request.signal?.reason ?? error;
      if (stopped === 'wall') throw sandboxError(SandboxErrorCodes.TIMEOUT, `the code did not finish within ${timeoutMs * 2 + 1_000} ms (it waits for something that never comes)`, { timeoutMs });
      if ((error as { name?: string }).name === 'MedflowError') { healthy = !slot.disposed(); throw error; }
      const message = (error as Error)?.message ?? String(error);
      if (/timed out/i.test(message)) throw sandboxError(SandboxErrorCodes.CPU_LIMIT, `the code ran longer than ${timeoutMs} ms and was stopped`, { timeoutMs });
      if (/memory limit/i.test(message)) throw sandboxError(SandboxErrorCodes.MEMORY_LIMIT, `the code used more than ${this.policy.memoryMb} MB of memory and was stopped`, { memoryMb: this.policy.memoryMb });
      throw sandboxError(SandboxErrorCodes.CRASHED, `the sandbox stopped unexpectedly: ${message}`, {}, 'THIRD_PARTY');
    } finally {
      clearTimeout(wallTimer);
      request.signal?.removeEventListener('abort', onAbort);
      for (const handle of handles) { try { handle.release(); } catch { /* already gone */ } }
      if (context) try { context.release(); } catch { /* already gone */ }
      this.pool.release(slot, healthy && !slot.disposed());
    }
  }

  private readResult(text: unknown): unknown {
    if (typeof text !== 'string') throw sandboxError(SandboxErrorCodes.PROTOCOL, 'the code returned no result text', {}, 'THIRD_PARTY');
    if (text.length > this.policy.maxOutputChars) {
      throw sandboxError(SandboxErrorCodes.OUTPUT_TOO_LARGE, `the result is ${text.length} characters of JSON, more than the ${this.policy.maxOutputChars} allowed`, { size: text.length, limit: this.policy.maxOutputChars });
    }
    const result = parseUntrustedJson(text) as { ok: boolean; value?: unknown; error?: { name: string; message: string; line: number | null } };
    if (result.ok) return result.value;
    const error = result.error ?? { name: 'Error', message: 'failed', line: null };
    throw sandboxError(SandboxErrorCodes.CODE_FAILED, `${error.name}: ${error.message}${error.line ? ` (line ${error.line})` : ''}`, { name: error.name, ...(error.line ? { line: error.line } : {}) });
  }

  /** Disposes the isolates and waits until disposals have finished: await it before the process exits. */
  async close(): Promise<void> {
    this.pool.close();
    await disposalsSettled();
  }
}
