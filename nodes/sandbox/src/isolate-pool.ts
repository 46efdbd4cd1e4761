/**
 * Keeps up to `max` warm slots (an isolate with its code loaded) and lends each to one execution at a
 * time. Loading a package into a fresh isolate takes milliseconds; borrowing a warm one takes
 * microseconds, which is what keeps a sandboxed node's overhead near a built-in one's.
 */
export class SlotPool<S extends { disposed(): boolean; dispose(): void }> {
  private readonly idle: S[] = [];
  private readonly waiting: Array<{ resolve: (slot: S) => void; reject: (error: unknown) => void; signal?: AbortSignal; onAbort?: () => void }> = [];
  private live = 0;
  private closed = false;

  constructor(private readonly create: () => Promise<S>, private readonly max: number) {}

  /** A slot for one execution; give it back with `release`. Waits while all slots are busy. */
  async acquire(signal?: AbortSignal): Promise<S> {
    if (this.closed) throw new Error('sandbox pool is closed');
    signal?.throwIfAborted();
    while (this.idle.length) {
      const slot = this.idle.pop()!;
      if (!slot.disposed()) return slot;
      this.live--;
    }
    if (this.live < this.max) {
      this.live++;
      try {
        return await this.create();
      } catch (error) {
        this.live--;
        throw error;
      }
    }
    return new Promise<S>((resolve, reject) => {
      const waiter: (typeof this.waiting)[number] = { resolve, reject, ...(signal ? { signal } : {}) };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiting.push(waiter);
    });
  }

  /** Returns a slot; a broken one (`healthy` false, or disposed) is thrown away and replaced on demand. */
  release(slot: S, healthy: boolean): void {
    if (!healthy || slot.disposed() || this.closed) {
      // Also when isolated-vm already disposed it (memory limit): dispose() is idempotent and records the time.
      slot.dispose();
      this.live--;
      const next = this.waiting.shift();
      if (next) {
        if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
        this.live++;
        this.create().then(next.resolve, (error) => { this.live--; next.reject(error); });
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) {
      if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
      next.resolve(slot);
    } else {
      this.idle.push(slot);
    }
  }

  /** Warm slots and slots in use. */
  size(): { live: number; idle: number; waiting: number } {
    return { live: this.live, idle: this.idle.length, waiting: this.waiting.length };
  }

  close(): void {
    this.closed = true;
    for (const slot of this.idle.splice(0)) slot.dispose();
    for (const w of this.waiting.splice(0)) w.reject(new Error('sandbox pool closed'));
  }
}
