import { randomUUID } from 'node:crypto';
import { ErrorCodes, MedflowError } from '@medflow/sdk';
import type { Engine } from '../engine/index.js';
import type { Logger } from '../logger.js';
import type { DocumentStore } from '../store/index.js';
import type { Dataset } from './dataset.js';
import { evaluate, type EvaluationReport } from './evaluate.js';

export interface EvaluationRecord {
  id: string;
  workflowId: string;
  /** The workflow version evaluated (`draft` for the unpublished draft), so scores compare across versions. */
  version: number | 'draft';
  status: 'running' | 'completed' | 'failed';
  createdAt: string;
  createdBy: string;
  dataset: { name: string; sha256: string; records: number };
  progress: { done: number; total: number };
  report?: EvaluationReport;
  error?: string;
}

/**
 * Evaluations started from the API: run in the background on an engine of their own (runs kept in
 * memory, not in the run history), the report stored for comparing versions of a workflow.
 */
export class EvaluationService {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly store: DocumentStore, private readonly engine: Engine, private readonly logger: Logger) {}

  private get rows() { return this.store.collection<EvaluationRecord>('evaluations'); }

  async start(input: { workflowId: string; version: number | 'draft'; document: unknown; dataset: Dataset; createdBy: string; concurrency: number }): Promise<EvaluationRecord> {
    this.engine.planOrThrow(input.document);
    const record: EvaluationRecord = {
      id: randomUUID(), workflowId: input.workflowId, version: input.version, status: 'running', createdAt: new Date().toISOString(), createdBy: input.createdBy,
      dataset: { name: input.dataset.name, sha256: input.dataset.sha256, records: input.dataset.records.length }, progress: { done: 0, total: input.dataset.records.length },
    };
    await this.rows.insert(record);
    const abort = new AbortController();
    this.running.set(record.id, abort);
    // Progress and the final report are written in order, so a late progress write cannot undo `completed`.
    let writes: Promise<unknown> = Promise.resolve();
    const save = (row: EvaluationRecord) => { writes = writes.then(() => this.rows.put(row)).catch((error: Error) => this.logger.warn('evaluation not saved', { id: row.id, error: error.message })); return writes; };
    let lastSaved = 0;
    void evaluate(this.engine, input.document, input.dataset, {
      concurrency: input.concurrency, signal: abort.signal,
      onProgress: (done, total) => {
        record.progress = { done, total };
        if (Date.now() - lastSaved > 1000) { lastSaved = Date.now(); void save({ ...record }); }
      },
    }).then(
      (report) => save({ ...record, status: 'completed', progress: { done: report.dataset.records, total: report.dataset.records }, report }),
      (error: Error) => { this.logger.warn('evaluation failed', { id: record.id, error: error.message }); return save({ ...record, status: 'failed', error: error.message }); },
    ).finally(() => this.running.delete(record.id));
    return record;
  }

  async get(id: string): Promise<EvaluationRecord> {
    const row = await this.rows.get(id);
    if (!row) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `evaluation "${id}" not found`, details: { id } });
    return row;
  }

  /** Newest first, without per-record outcomes: the scores side by side, version by version. */
  async list(workflowId: string): Promise<Array<Omit<EvaluationRecord, 'report'> & { report?: Omit<EvaluationReport, 'records'> }>> {
    const rows = await this.rows.find({ workflowId }, { sort: { field: 'createdAt', direction: 'desc' }, limit: 100 });
    return rows.map(({ report, ...rest }) => {
      if (!report) return rest;
      const { records: _records, ...summary } = report;
      return { ...rest, report: summary };
    });
  }

  /** Evaluations still running when the server stops are marked failed at the next start. */
  async markInterrupted(): Promise<number> {
    const stale = await this.rows.find({ status: 'running' });
    for (const row of stale) if (!this.running.has(row.id)) await this.rows.put({ ...row, status: 'failed', error: 'interrupted by a server restart' });
    return stale.length;
  }

  async close(): Promise<void> {
    for (const abort of this.running.values()) abort.abort(new Error('server stopping'));
  }
}
