import { spawn } from 'node:child_process';
import { ErrorCodes, MedflowError } from '@medflow/sdk';
import { processCpuBudget, type CpuBudget } from './cpu-budget.js';

/** Debian packages that provide each external tool, for the error a missing tool produces. */
const PACKAGE_OF: Record<string, string> = {
  tesseract: 'tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert tesseract-ocr-eng',
  pdftoppm: 'poppler-utils',
  ffmpeg: 'ffmpeg',
  ffprobe: 'ffmpeg',
};

export interface RunResult { stdout: Buffer; stderr: string }

/**
 * Runs a local tool. Aborting kills it; a missing tool is a clear SERVICE_UNAVAILABLE naming the Debian
 * package; a failure carries the end of its stderr.
 */
export function runTool(command: string, args: string[], options: { input?: Uint8Array; signal?: AbortSignal; timeoutMs?: number; env?: NodeJS.ProcessEnv; cpu?: CpuBudget } = {}): Promise<RunResult> {
  // The tool takes a core while it runs: llama.cpp, sharing the machine, gets one thread fewer meanwhile.
  return (options.cpu ?? processCpuBudget).during(() => spawnTool(command, args, options));
}

function spawnTool(command: string, args: string[], options: { input?: Uint8Array; signal?: AbortSignal; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) { reject(options.signal.reason); return; }
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const finish = (fn: () => void) => { if (!settled) { settled = true; clearTimeout(timer); options.signal?.removeEventListener('abort', onAbort); fn(); } };
    const onAbort = () => { child.kill('SIGKILL'); finish(() => reject(options.signal!.reason)); };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new MedflowError({ code: 'TOOL_TIMEOUT', category: 'SYSTEM', message: `${command} did not finish within ${options.timeoutMs} ms`, details: { command } })));
    }, options.timeoutMs ?? 10 * 60_000);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-4000); });
    child.on('error', (e: NodeJS.ErrnoException) => finish(() => reject(e.code === 'ENOENT'
      ? new MedflowError({ code: ErrorCodes.SERVICE_UNAVAILABLE, category: 'SYSTEM', retryable: false, message: `${command} is not installed on this server (Debian: apt-get install ${PACKAGE_OF[command] ?? command})`, details: { command, package: PACKAGE_OF[command] ?? command } })
      : e)));
    child.on('close', (code) => finish(() => (code === 0
      ? resolve({ stdout: Buffer.concat(out), stderr: err })
      : reject(new MedflowError({ code: 'TOOL_FAILED', category: 'THIRD_PARTY', message: `${command} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}`, details: { command, code } })))));
    child.stdin.on('error', () => { /* the tool may exit before reading all input; its exit code tells */ });
    child.stdin.end(options.input ? Buffer.from(options.input) : undefined);
  });
}

/** A counting semaphore for tool processes (OCR pages), bounded by cores. */
export class ProcessPool {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try { return await task(); } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
