/**
 * Per-address throttle of failed sign-ins (a sliding window in memory): slows password guessing across
 * many user names, which per-account lockout alone does not.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly maxFailures = 20, private readonly windowMs = 5 * 60_000) {}

  /** Milliseconds until this address may try again, or 0. */
  retryAfter(address: string, now = Date.now()): number {
    const recent = this.recent(address, now);
    return recent.length >= this.maxFailures ? recent[0]! + this.windowMs - now : 0;
  }

  /** Counts a failure, or reserves an attempt before it is checked, so attempts in flight count too. */
  fail(address: string, now = Date.now()): void {
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.set(address, recent);
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Takes back the attempt reserved for a sign-in that turned out not to be a failure (success, TOTP asked for). */
  release(address: string): void {
    const list = this.failures.get(address);
    if (list?.length) list.pop();
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((t) => now - t < this.windowMs);
  }
}
