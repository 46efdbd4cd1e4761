import type { NodeRunRecord, RunEvent, RunRecord } from '@medflow/sdk';

/**
 * Where the engine checkpoints runs. The engine awaits `saveNode` before it starts anything
 * downstream, so a node the journal has recorded as completed is never run again after a crash.
 * Implementations must take a snapshot of the record when called and apply writes to the same record
 * in call order, even when an earlier write is not awaited yet.
 * Implemented by the server over its DocumentStore; the engine knows no database.
 */
export interface RunJournal {
  /**
   * True when writes reach the store in call order, across records (the embedded store's group commit): a write
   * that resolved means every earlier one did too. Only then may the engine go on without awaiting a replay-safe
   * node's checkpoint.
   */
  readonly writesInCallOrder?: boolean;
  saveRun(run: RunRecord): Promise<void>;
  saveNode(node: NodeRunRecord): Promise<void>;
  appendEvent(event: RunEvent): Promise<void>;
}

/** Keeps everything in memory: for the CLI, tests and benchmarks without persistence. */
export class MemoryJournal implements RunJournal {
  readonly writesInCallOrder = true;
  readonly runs = new Map<string, RunRecord>();
  readonly nodes = new Map<string, NodeRunRecord>();
  readonly events: RunEvent[] = [];

  async saveRun(run: RunRecord): Promise<void> { this.runs.set(run.id, structuredClone(run)); }
  async saveNode(node: NodeRunRecord): Promise<void> { this.nodes.set(`${node.runId}/${node.nodeId}`, structuredClone(node)); }
  async appendEvent(event: RunEvent): Promise<void> { this.events.push(event); }

  nodesOf(runId: string): NodeRunRecord[] {
    return [...this.nodes.values()].filter((n) => n.runId === runId);
  }
}

/** Records nothing: for measuring the engine alone. */
export class NullJournal implements RunJournal {
  readonly writesInCallOrder = true;
  async saveRun(): Promise<void> {}
  async saveNode(): Promise<void> {}
  async appendEvent(): Promise<void> {}
}
