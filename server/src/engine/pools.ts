import { ErrorCodes, MedflowError } from '@medflow/sdk';

/** A counting semaphore whose waiters leave the queue when their signal aborts. */
class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {}

  get waiting(): number { return this.waiters.length; }
  get running(): number { return this.active; }

  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.capacity) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.active++;
        resolve(this.releaser());
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiters.shift()?.();
    };
  }
}

/**
 * Named resource pools shared by every run of one engine: with `{ gpu: 1 }`, two runs that both reach
 * an LLM node take turns on the GPU instead of fighting over its memory.
 */
export class ResourcePools {
  private readonly pools = new Map<string, Semaphore>();

  constructor(capacities: Record<string, number> = {}) {
    for (const [name, capacity] of Object.entries(capacities)) this.define(name, capacity);
  }

  define(name: string, capacity: number): void {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`pool ${name}: capacity must be a positive integer`);
    this.pools.set(name, new Semaphore(capacity));
  }

  acquire(name: string, signal: AbortSignal): Promise<() => void> {
    const pool = this.pools.get(name);
    if (!pool) {
      return Promise.reject(new MedflowError({
        code: ErrorCodes.SERVICE_UNAVAILABLE, category: 'SYSTEM', retryable: false,
        message: `resource pool "${name}" is not configured`, details: { pool: name, configured: [...this.pools.keys()] },
      }));
    }
    return pool.acquire(signal);
  }

  stats(): Record<string, { capacity: number; running: number; waiting: number }> {
    return Object.fromEntries([...this.pools].map(([name, p]) => [name, { capacity: p.capacity, running: p.running, waiting: p.waiting }]));
  }
}
