import { createHash } from 'node:crypto';
import type { RunRecord } from '@medflow/sdk';
import type { Engine, RunHandle } from '../engine/index.js';
import { uuidV7 } from '../ids/uuid-v7.js';
import type { Dataset } from './dataset.js';
import { metricKindOf, OutputScorer } from './metrics.js';

export interface EvaluationOptions {
  /** Runs at a time; LLM nodes queue on the model anyway. */
  concurrency?: number;
  /**
   * Review gates are approved as drafted, so what is scored is the AI draft itself. Off: a run that
   * waits for review counts as failed.
   */
  autoApproveReviews?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Called with each record's inputs and the id its run will have, before it starts (files are shared into that run here). */
  prepareRun?: (inputs: Record<string, unknown>, runId: string) => Promise<void>;
}

export interface RecordOutcome { id: string; status: RunRecord['status']; ok: boolean; ms: number; error?: string; byOutput: Record<string, boolean> }

export interface EvaluationReport {
  dataset: { name: string; sha256: string; records: number };
  workflow: { name: string; documentSha256: string };
  startedAt: string;
  durationMs: number;
  /** Records per second over the whole evaluation (with the concurrency used). */
  throughput: number;
  medianRecordMs: number;
  concurrency: number;
  failedRuns: number;
  /** Per expected output: the scores its label shape calls for (codes, spans, fields or exact). */
  metrics: Record<string, Record<string, unknown>>;
  /** By tag in the dataset (e.g. suspected, external): the share of records fully right. */
  byTag: Record<string, { records: number; exactMatch: number }>;
  records: RecordOutcome[];
}

/**
 * Runs a document to its end, approving each review gate as drafted (the gate then passes on the
 * draft's values); bounded, so a flow that loops through gates cannot hang. Without `autoApprove` a
 * waiting run is returned as it is.
 */
export async function runApprovingReviews(engine: Engine, document: unknown, inputs: Record<string, unknown>, autoApprove = true, prepareRun?: EvaluationOptions['prepareRun']): Promise<RunRecord> {
  const runId = uuidV7();
  await prepareRun?.(inputs, runId);
  let handle: RunHandle = await engine.start(document, inputs, { runId });
  let final = await handle.done;
  for (let gates = 0; final.status === 'waiting_review' && autoApprove && gates < 20; gates++) {
    const waiting = handle.nodes().find((n) => n.status === 'waiting');
    if (!waiting) break;
    handle = await engine.resume({ run: final, nodes: handle.nodes(), lastSeq: 0 }, {
      nodeId: waiting.nodeId, data: { decision: 'approved', decidedAt: new Date().toISOString(), edits: [], reviewId: `evaluation/${final.id}/${waiting.nodeId}` },
    });
    final = await handle.done;
  }
  return final;
}

const stableHash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/** Runs every record of a dataset through the workflow on `engine`, and scores the outputs. */
export async function evaluate(engine: Engine, document: unknown, dataset: Dataset, options: EvaluationOptions = {}): Promise<EvaluationReport> {
  const plan = engine.planOrThrow(document);
  const concurrency = Math.max(1, Math.min(32, options.concurrency ?? 4));
  // The score kind comes from the labels' shape; an empty list says nothing, so look for one that does.
  const scorers = new Map<string, OutputScorer>();
  for (const record of dataset.records) {
    for (const [name, expected] of Object.entries(record.expected)) {
      if (!scorers.has(name) && !(Array.isArray(expected) && expected.length === 0)) scorers.set(name, new OutputScorer(metricKindOf(expected)));
    }
  }
  const outcomes: RecordOutcome[] = new Array(dataset.records.length);
  const started = Date.now();
  let next = 0;
  let done = 0;

  const runOne = async (index: number) => {
    const record = dataset.records[index]!;
    const t0 = performance.now();
    let final: RunRecord | undefined;
    let error: string | undefined;
    try {
      final = await runApprovingReviews(engine, plan.document, record.inputs, options.autoApproveReviews !== false, options.prepareRun);
      if (final.status !== 'completed') error = final.error ? `${final.error.code}: ${final.error.message}` : `run ended ${final.status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    const byOutput: Record<string, boolean> = {};
    for (const [name, expected] of Object.entries(record.expected)) {
      let scorer = scorers.get(name);
      if (!scorer) scorers.set(name, scorer = new OutputScorer('codes'));
      byOutput[name] = scorer.add(expected, final?.outputs?.[name]);
    }
    outcomes[index] = {
      id: record.id, status: final?.status ?? 'failed', ok: !error && Object.values(byOutput).every(Boolean),
      ms: Math.round(performance.now() - t0), byOutput, ...(error ? { error } : {}),
    };
    options.onProgress?.(++done, dataset.records.length);
  };

  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < dataset.records.length && !options.signal?.aborted) await runOne(next++);
  }));
  if (options.signal?.aborted) throw options.signal.reason ?? new Error('evaluation cancelled');

  const durationMs = Date.now() - started;
  const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const byTag: EvaluationReport['byTag'] = {};
  dataset.records.forEach((r, i) => {
    for (const tag of r.tags ?? []) {
      const t = byTag[tag] ??= { records: 0, exactMatch: 0 };
      t.records++;
      if (outcomes[i]!.ok) t.exactMatch++;
    }
  });
  for (const t of Object.values(byTag)) t.exactMatch = Math.round((t.exactMatch / t.records) * 10_000) / 10_000;
  return {
    dataset: { name: dataset.name, sha256: dataset.sha256, records: dataset.records.length },
    workflow: { name: plan.document.name, documentSha256: stableHash(plan.document) },
    startedAt: new Date(started).toISOString(), durationMs,
    throughput: Math.round((dataset.records.length / Math.max(1, durationMs)) * 1000 * 10) / 10,
    medianRecordMs: times[Math.floor(times.length / 2)] ?? 0,
    concurrency, failedRuns: outcomes.filter((o) => o.status !== 'completed').length,
    metrics: Object.fromEntries([...scorers.entries()].map(([name, s]) => [name, s.summary()])),
    byTag, records: outcomes,
  };
}

/** The change of every number between two reports of the same dataset (`after − before`), for comparing versions. */
export function compareReports(before: EvaluationReport, after: EvaluationReport): Record<string, number> {
  const flat = (obj: unknown, prefix = '', out: Record<string, number> = {}) => {
    if (typeof obj === 'number') out[prefix] = obj;
    else if (obj && typeof obj === 'object' && !Array.isArray(obj)) for (const [k, v] of Object.entries(obj)) flat(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  };
  const a = flat(before.metrics); const b = flat(after.metrics);
  return Object.fromEntries(Object.keys(b).filter((k) => k in a && /(recall|precision|f1|exactMatch|macroF1)$/i.test(k)).map((k) => [k, Math.round((b[k]! - a[k]!) * 10_000) / 10_000]).filter(([, d]) => d !== 0));
}
