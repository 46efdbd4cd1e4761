import type { NodeRunRecord, RunEvent, RunRecord } from '@medflow/sdk';
import type { RunJournal } from '../engine/index.js';
import type { DocumentStore } from '../store/index.js';

export type StoredNodeRecord = NodeRunRecord & { id: string };
export type StoredEvent = RunEvent & { id: string };

export const nodeRecordId = (runId: string, nodeId: string) => `${runId}/${nodeId}`;
export const eventId = (runId: string, seq: number) => `${runId}/${String(seq).padStart(8, '0')}`;

/**
 * Checkpoints runs into the DocumentStore. Progress events are streamed live but not stored: a token
 * stream would otherwise write thousands of rows per run for no lasting value.
 */
export class StoreJournal implements RunJournal {
  constructor(private readonly store: DocumentStore) {}

  async saveRun(run: RunRecord): Promise<void> {
    await this.store.collection<RunRecord>('runs').put(run);
  }

  async saveNode(node: NodeRunRecord): Promise<void> {
    await this.store.collection<StoredNodeRecord>('run_nodes').put({ ...node, id: nodeRecordId(node.runId, node.nodeId) });
  }

  async appendEvent(event: RunEvent): Promise<void> {
    if (event.type === 'node.progress') return;
    await this.store.collection<StoredEvent>('run_events').put({ ...event, id: eventId(event.runId, event.seq) });
  }
}
