let lastDisposal = 0;

/** Called whenever an isolate is disposed (by us, or by isolated-vm at its memory limit). */
export function noteDisposal(): void {
  lastDisposal = Date.now();
}

/**
 * Resolves once recent disposals have had time to finish. isolated-vm tears a disposed isolate down on
 * its own thread; `process.exit` during that teardown crashed Node (SIGSEGV in about 6 of 10 exits right
 * after a memory-limit disposal, isolated-vm 5.0.4 on Node 20; 0 of 20 with this wait). `close()` of
 * both sandboxes waits for this, and the server closes them before it exits.
 */
export async function disposalsSettled(quietMs = 500): Promise<void> {
  const wait = lastDisposal + quietMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
