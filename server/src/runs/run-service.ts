import { ErrorCodes, MedflowError, TERMINAL_RUN_STATUSES, type NodeRunRecord, type RunEvent, type RunRecord, type RunStatus } from '@medflow/sdk';
import type { Engine, RunHandle } from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { DocumentStore } from '../store/index.js';
import type { ChosenDocument, WorkflowService } from '../workflows/workflow-service.js';
import type { StoredEventChunk, StoredNodeRecord, StoredRun, StoredRunDocument } from './store-journal.js';

export interface RunDetail {
  run: RunRecord;
  /** One record per node of the run's document, in document order; nodes not reached yet are `pending`. */
  nodes: NodeRunRecord[];
}

/** Orders node records by the run's document, filling in nodes not reached yet. */
export function detailOf(run: RunRecord, records: NodeRunRecord[]): RunDetail {
  const byNode = new Map(records.map((n) => [n.nodeId, n]));
  const nodes = run.document.nodes.map((n) => {
    const rec = byNode.get(n.id) ?? { runId: run.id, nodeId: n.id, status: 'pending' as const, attempts: 0 };
    const { id: _storageId, ...plain } = rec as StoredNodeRecord;
    return plain;
  });
  return { run, nodes };
}

export const runNotFound = (id: string) => new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `run "${id}" not found`, details: { id } });

/** Starts, reads, cancels and recovers runs; fans run events out to live subscribers. */
export class RunService {
  private readonly subscribers = new Map<string, Set<(event: RunEvent) => void>>();

  constructor(
    private readonly store: DocumentStore,
    private readonly engine: Engine,
    private readonly workflows: WorkflowService,
    private readonly logger: Logger,
  ) {
    engine.on((event) => {
      for (const listener of this.subscribers.get(event.runId) ?? []) listener(event);
    });
  }

  private get runs() { return this.store.collection<StoredRun>('runs'); }
  private get documents() { return this.store.collection<StoredRunDocument>('run_documents'); }
  private readonly documentCache = new Map<string, StoredRunDocument['document']>();

  /** A stored run with its document attached again. */
  private async hydrate(stored: StoredRun): Promise<RunRecord> {
    const { documentId, ...rest } = stored;
    let document = this.documentCache.get(documentId);
    if (!document) {
      const row = await this.documents.get(documentId);
      if (!row) throw new MedflowError({ code: 'RUN_DOCUMENT_MISSING', category: 'SYSTEM', message: `run ${stored.id}: workflow document ${documentId.slice(0, 12)}… is missing from the store`, details: { runId: stored.id } });
      document = row.document;
      if (this.documentCache.size >= 500) this.documentCache.delete(this.documentCache.keys().next().value!);
      this.documentCache.set(documentId, document);
    }
    return { ...rest, document };
  }
  private get nodes() { return this.store.collection<StoredNodeRecord>('run_nodes'); }
  private get events() { return this.store.collection<StoredEventChunk>('run_events'); }

  /** Starts a run of a document chosen by `WorkflowService.documentForRun` (which applies the policy). */
  /** `runId`: chosen by the caller when files were stored for the run before it started. */
  async start(workflowId: string, chosen: ChosenDocument, inputs: Record<string, unknown>, startedBy?: string, runId?: string): Promise<RunHandle> {
    return this.engine.start(chosen.document, inputs, { workflowId, workflowVersion: chosen.version, ...(startedBy ? { startedBy } : {}), ...(runId ? { runId } : {}) });
  }

  /** The run without its node records (which carry most of the payload). */
  async record(id: string): Promise<RunRecord> {
    const stored = await this.runs.get(id);
    if (!stored) throw runNotFound(id);
    return this.hydrate(stored);
  }

  async get(id: string): Promise<RunDetail> {
    const run = await this.record(id);
    return detailOf(run, this.engine.liveNodes(id) ?? (await this.nodes.find({}, { idPrefix: `${id}/` })));
  }

  /** Runs without their documents (newest first). */
  async list(filter: { workflowId?: string; status?: RunStatus; startedBy?: string }, limit: number, skip: number): Promise<StoredRun[]> {
    const where: Record<string, string> = {};
    if (filter.workflowId) where.workflowId = filter.workflowId;
    if (filter.startedBy) where.startedBy = filter.startedBy;
    if (filter.status) where.status = filter.status;
    return this.runs.find(where, { sort: { field: 'createdAt', direction: 'desc' }, limit, skip });
  }

  async cancel(id: string, reason?: string): Promise<RunRecord> {
    const detail = await this.get(id);
    if (TERMINAL_RUN_STATUSES.includes(detail.run.status)) {
      throw new MedflowError({ code: ErrorCodes.CONFLICT, category: 'USER', message: `run is already ${detail.run.status}`, details: { status: detail.run.status } });
    }
    if (this.engine.isActive(id)) await this.engine.cancel(id, reason);
    else await this.engine.cancel({ run: detail.run, nodes: detail.nodes, lastSeq: await this.lastSeq(id) }, reason);
    return (await this.get(id)).run;
  }

  /**
   * Continues a run at a node that suspended it (a review gate), with the decision. Earlier nodes are not
   * run again: their outputs are in the store. Works for a run still executing other branches too.
   */
  async resumeNode(id: string, nodeId: string, data: unknown): Promise<RunHandle> {
    const { run, nodes } = await this.get(id);
    // A live run keeps its own event sequence; the snapshot's is used only to restart a stored one.
    const lastSeq = this.engine.isActive(id) ? 0 : await this.lastSeq(id);
    return this.engine.resume({ run, nodes, lastSeq }, { nodeId, data });
  }

  /** Events stored after `afterSeq`, in order. */
  async history(id: string, afterSeq: number): Promise<RunEvent[]> {
    const chunks = await this.events.find({}, { idPrefix: `${id}/`, sort: { field: 'id', direction: 'asc' } });
    return chunks.flatMap((c) => c.events).filter((e) => e.seq > afterSeq);
  }

  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    let set = this.subscribers.get(runId);
    if (!set) this.subscribers.set(runId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.subscribers.delete(runId);
    };
  }

  isLive(runId: string): boolean {
    return this.engine.isActive(runId);
  }

  /** After a crash or restart: continues every run that was executing. Returns how many. */
  async recoverInterrupted(): Promise<number> {
    const interrupted = await this.runs.find({ status: { $in: ['running', 'queued'] } });
    for (const stored of interrupted) {
      try {
        const run = await this.hydrate(stored);
        const nodes = (await this.nodes.find({}, { idPrefix: `${run.id}/` })).map(({ id: _storageId, ...n }) => n);
        await this.engine.resume({ run, nodes, lastSeq: await this.lastSeq(run.id) });
        this.logger.info('run resumed after restart', { runId: run.id, completedNodes: nodes.filter((n) => n.status === 'completed').length });
      } catch (error) {
        this.logger.error('run could not be resumed', { runId: stored.id, error: (error as Error).message });
        await this.runs.put({ ...stored, status: 'failed', error: { code: 'RESUME_FAILED', category: 'SYSTEM', message: (error as Error).message }, finishedAt: new Date().toISOString() });
      }
    }
    return interrupted.length;
  }

  private async lastSeq(runId: string): Promise<number> {
    const [last] = await this.events.find({}, { idPrefix: `${runId}/`, sort: { field: 'id', direction: 'desc' }, limit: 1 });
    return last?.events.at(-1)?.seq ?? 0;
  }
}
