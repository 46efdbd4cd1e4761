import { createHash } from 'node:crypto';
import type { NodeRunRecord, RunEvent, RunRecord, WorkflowDocument } from '@medflow/sdk';
import type { RunJournal } from '../engine/index.js';
import type { DocumentStore } from '../store/index.js';

export type StoredNodeRecord = NodeRunRecord & { id: string };

/** A run as stored: its workflow document lives once in `run_documents`, by content hash. */
export type StoredRun = Omit<RunRecord, 'document'> & { documentId: string };
export interface StoredRunDocument { id: string; document: WorkflowDocument }

/**
 * Events are stored in chunks: consecutive events of one run written together share one row, whose id
 * `<runId>/<zero-padded first seq>` sorts in event order.
 */
export interface StoredEventChunk {
  id: string;
  runId: string;
  events: RunEvent[];
}

export const nodeRecordId = (runId: string, nodeId: string) => `${runId}/${nodeId}`;
export const eventChunkId = (runId: string, firstSeq: number) => `${runId}/${String(firstSeq).padStart(10, '0')}`;

/**
 * Checkpoints runs into the DocumentStore.
 *
 * Events go into the run's open chunk, which is re-put on every event; the embedded store merges puts
 * of one document within a commit, so a burst of events costs one row write. A chunk closes once
 * written. Progress events are streamed live but never stored: a token stream would otherwise write
 * thousands of rows per run for no lasting value.
 */
export class StoreJournal implements RunJournal {
  /** Last write per record, for stores that may apply unawaited writes out of order. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly openChunks = new Map<string, StoredEventChunk>();
  private readonly scheduledChunks = new Map<StoredEventChunk, { written: Promise<void>; flush: () => void }>();

  constructor(private readonly store: DocumentStore) {}

  get writesInCallOrder(): boolean { return this.store.writesInCallOrder; }

  private readonly documentIds = new WeakMap<object, string>();
  private readonly storedDocuments = new Set<string>();

  saveRun(run: RunRecord): Promise<void> {
    const { document, ...rest } = run;
    let documentId = this.documentIds.get(document);
    if (!documentId) {
      documentId = createHash('sha256').update(JSON.stringify(document)).digest('hex');
      this.documentIds.set(document, documentId);
    }
    const writes = [this.ordered<StoredRun>(`run:${run.id}`, 'runs', { ...rest, documentId })];
    if (!this.storedDocuments.has(documentId)) {
      const id = documentId;
      this.storedDocuments.add(id);
      writes.push(this.store.collection<StoredRunDocument>('run_documents').put({ id, document }).catch((error) => { this.storedDocuments.delete(id); throw error; }));
    }
    return Promise.all(writes).then(() => undefined);
  }

  saveNode(node: NodeRunRecord): Promise<void> {
    const id = nodeRecordId(node.runId, node.nodeId);
    return this.ordered(`node:${id}`, 'run_nodes', { ...node, id });
  }

  appendEvent(event: RunEvent): Promise<void> {
    if (event.type === 'node.progress') return Promise.resolve();
    let chunk = this.openChunks.get(event.runId);
    if (!chunk) {
      chunk = { id: eventChunkId(event.runId, event.seq), runId: event.runId, events: [] };
      this.openChunks.set(event.runId, chunk);
    }
    chunk.events.push(event);
    // The events until the next turn of the event loop (a chain of fast nodes emits a dozen) go in one put, so the
    // chunk is sealed once for them instead of once per event. Nothing waits on event writes but the run's end.
    let scheduled = this.scheduledChunks.get(chunk);
    if (!scheduled) scheduled = this.schedule(chunk, event.runId);
    // The end of a run is stored at once: a client that connects right after it reads it back from the store (the
    // run is still live until its events are written, so otherwise it would wait for an event already sent).
    if (event.type.startsWith('run.')) scheduled.flush();
    return scheduled.written;
  }

  private schedule(open: StoredEventChunk, runId: string): { written: Promise<void>; flush: () => void } {
    let settle!: (write: Promise<void>) => void;
    const written = new Promise<void>((resolve, reject) => { settle = (write) => write.then(resolve, reject); });
    const entry = {
      written,
      flush: () => {
        if (this.scheduledChunks.get(open) !== entry) return;
        this.scheduledChunks.delete(open);
        const write = this.ordered(`events:${open.id}`, 'run_events', { ...open, events: [...open.events] });
        // Later events start a new chunk once this one is on disk, so a row never grows past one burst.
        void write.finally(() => { if (this.openChunks.get(runId) === open) this.openChunks.delete(runId); }).catch(() => {});
        settle(write);
      },
    };
    this.scheduledChunks.set(open, entry);
    setImmediate(entry.flush);
    return entry;
  }

  private ordered<T extends { id: string }>(key: string, collection: string, doc: T): Promise<void> {
    const coll = this.store.collection<T>(collection);
    if (this.store.writesInCallOrder) return coll.put(doc);
    const snapshot = structuredClone(doc);
    const write = (this.tails.get(key) ?? Promise.resolve()).catch(() => {}).then(() => coll.put(snapshot));
    this.tails.set(key, write);
    void write.finally(() => { if (this.tails.get(key) === write) this.tails.delete(key); }).catch(() => {});
    return write;
  }
}
