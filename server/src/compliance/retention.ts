import { TERMINAL_RUN_STATUSES } from '@medflow/sdk';
import { RunFiles } from '../services/file-service.js';
import type { DocumentStore } from '../store/index.js';
import type { AuditLog } from './audit-log.js';

export interface RetentionReport { runsPurged: number; nodeRecords: number; eventChunks: number; reviews: number; files: number; cutoff: string }

interface RunRow { id: string; status: string; createdAt: string; finishedAt?: string; purgedAt?: string; inputs?: unknown; outputs?: unknown; error?: unknown }

/**
 * Deletes the payloads of finished runs older than the retention period: run inputs and outputs,
 * per-node inputs/outputs, stored events, review drafts and decisions' values, and uploaded files. What ran, when and with what status stays,
 * and the audit trail is never touched. Runs waiting for review keep their payloads.
 */
export async function purgeExpiredPayloads(store: DocumentStore, audit: AuditLog, retentionDays: number, now = Date.now()): Promise<RetentionReport> {
  const cutoffMs = now - retentionDays * 86_400_000;
  const cutoff = new Date(cutoffMs).toISOString();
  const report: RetentionReport = { runsPurged: 0, nodeRecords: 0, eventChunks: 0, reviews: 0, files: 0, cutoff };
  const runs = store.collection<RunRow>('runs');
  const nodes = store.collection<{ id: string; inputs?: unknown; outputs?: unknown; error?: unknown; suspend?: unknown; resume?: unknown }>('run_nodes');
  const events = store.collection<{ id: string }>('run_events');
  const reviews = store.collection<{ id: string; draft?: unknown; sources?: unknown; result?: unknown; edits?: unknown }>('reviews');
  const files = RunFiles.of(store);

  for (let skip = 0; ; skip += 200) {
    const page = await runs.find({}, { sort: { field: 'createdAt', direction: 'asc' }, limit: 200, skip });
    for (const run of page) {
      if (run.purgedAt || !TERMINAL_RUN_STATUSES.includes(run.status as never)) continue;
      if (Date.parse(run.finishedAt ?? run.createdAt) > cutoffMs) continue;
      const { inputs: _i, outputs: _o, error: _e, ...kept } = run;
      await runs.put({ ...kept, inputs: {}, outputs: {}, purgedAt: new Date(now).toISOString() } as RunRow);
      for (const node of await nodes.find({}, { idPrefix: `${run.id}/` })) {
        const { inputs: _ni, outputs: _no, error: _ne, suspend: _s, resume: _r, ...meta } = node;
        await nodes.put(meta);
        report.nodeRecords++;
      }
      for (const chunk of await events.find({}, { idPrefix: `${run.id}/` })) if (await events.delete(chunk.id)) report.eventChunks++;
      // A review keeps who decided what and when; the draft, sources, values and edits go.
      for (const review of await reviews.find({ runId: run.id })) {
        const { draft: _d, sources: _s, result: _r, edits: _x, ...decision } = review;
        await reviews.put({ ...decision, draft: { fields: [], raw: null }, sources: [] });
        report.reviews++;
      }
      // Re-identification tables of redaction nodes hold the very words that were masked.
      await store.collection('phi_vault').deleteMany({ runId: run.id });
      await files.forget(run.id);
      report.runsPurged++;
    }
    if (page.length < 200 || Date.parse(page[page.length - 1]!.createdAt) > cutoffMs) break;
  }

  // Files are shared by content; one not uploaded or produced since the cutoff belongs only to purged runs.
  const blobIndex = store.collection<{ id: string; lastUsedAt: string }>('blob_keys');
  for (;;) {
    const stale = (await blobIndex.find({}, { sort: { field: 'lastUsedAt', direction: 'asc' }, limit: 200 })).filter((b) => b.lastUsedAt < cutoff);
    if (!stale.length) break;
    for (const blob of stale) if (await store.blobs.delete(blob.id)) report.files++;
    if (stale.length < 200) break;
  }

  await audit.append({ actor: null, action: 'retention.purge', patientData: true, outcome: 'success', details: { ...report, retentionDays } });
  return report;
}
