import { availableParallelism } from 'node:os';

/**
 * The cores local AI may use, shared: tool processes (Tesseract, ffmpeg, whisper) claim one while they run, and
 * llama.cpp is given what is left. Its worker threads spin-wait on each other, so more threads than free cores does
 * not slow it a little but collapses it (measured on 2 busy cores with the tiny model: 4 threads 3 tok/s, 1 thread
 * 842 tok/s). One core stays with the server itself (HTTP, the engine, the store).
 */
export class CpuBudget {
  private claimed = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly cores = availableParallelism(), readonly reservedForServer = cores > 1 ? 1 : 0) {}

  /** Cores not claimed by tools or kept for the server (at least 1). */
  get free(): number {
    return Math.max(1, this.cores - this.reservedForServer - this.claimed);
  }

  /** Holds a core while `task` runs. */
  async during<T>(task: () => Promise<T>): Promise<T> {
    this.claimed++;
    this.changed();
    try { return await task(); } finally {
      this.claimed--;
      this.changed();
    }
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try { listener(); } catch { /* a listener must not break a tool run */ }
    }
  }
}

/** The one budget of this process: every runtime shares the machine's cores. */
export const processCpuBudget = new CpuBudget();
