import type { Request, Response } from 'express';
import { ErrorCodes, MedflowError, TERMINAL_RUN_STATUSES, type RunEvent } from '@medflow/sdk';
import { z } from 'zod';
import { atLeast } from '../auth/access.js';
import { forbidden } from '../auth/auth-errors.js';
import type { AuditLog } from '../compliance/audit-log.js';
import { aiProvenance, outputProvenance, type NodeLookup } from '../compliance/ai-provenance.js';
import type { StorePhiVault } from '../compliance/phi-vault.js';
import { detailOf, runNotFound, type RunDetail, type RunService } from '../runs/run-service.js';
import { uuidV7 } from '../ids/uuid-v7.js';
import type { RunFiles } from '../services/file-service.js';
import type { ReviewService } from '../reviews/review-service.js';
import type { ChosenDocument, WorkflowService } from '../workflows/workflow-service.js';
import { auditRequest } from './audit-helpers.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { FileIdSchema, fileOfRun, sendFile } from './file-refs.js';
import { readRunRequest, uploadParser } from './start-run.js';
import { accessTo, workflowFor } from './workflow-access.js';
import { parse } from './validate.js';

const RunParams = z.object({ id: z.uuid('run id must be a UUID') });
const PhiParams = RunParams.extend({ nodeId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a node id') });
const ReidentifyBody = z.object({ reason: z.string().trim().min(5, 'say why the original words are needed (5+ characters)').max(500) });
const WorkflowParams = z.object({ id: z.uuid('workflow id must be a UUID') });
const StartQuery = z.object({
  wait: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
  timeoutMs: z.coerce.number().int().min(1).max(300_000).default(60_000),
});
const ListQuery = z.object({
  workflowId: z.uuid().optional(),
  status: z.enum(['queued', 'running', 'waiting_review', 'completed', 'failed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const CancelBody = z.object({ reason: z.string().max(500).optional() }).default({});
const TERMINAL_EVENTS = new Set(['run.completed', 'run.failed', 'run.cancelled']);
const KEEPALIVE_MS = 15_000;

export interface RunsRouterDeps {
  table: RouteTable; audit: AuditLog; runs: RunService; workflows: WorkflowService; reviews: ReviewService; files: RunFiles; maxUploadBytes: number;
  /** Node definitions by type and version, for the AI-draft labels. */
  lookup: NodeLookup;
  phiVault: StorePhiVault;
}

const AI_DRAFT_NOTICE = {
  ja: 'AI下書きを含みます。医師が確認するまで確定した記録ではありません。',
  en: 'Contains AI drafts: not a confirmed record until a physician has reviewed it.',
};

export function runsRouter({ table, audit, runs, workflows, reviews, files, maxUploadBytes, lookup, phiVault }: RunsRouterDeps) {
  const workflowRuns = secureRouter(table, '/api/workflows', audit, { mergeParams: true });
  const upload = uploadParser(maxUploadBytes);

  /**
   * A run the caller may see: their own, any run of a workflow they edit or own, or a run whose review gate names
   * them as a reviewer (see review-access.ts). Anything else is "not found". Every view of run data is audited.
   */
  const runFor = async (req: Request, id: string, action = 'run.view', details?: Record<string, unknown>, sealed?: Record<string, string>): Promise<RunDetail> => {
    const detail = await runs.get(id);
    const auth = req.auth!;
    let allowed = detail.run.startedBy === auth.user.id || auth.user.roles.includes('admin');
    if (!allowed && detail.run.workflowId) allowed = atLeast(await accessTo(req, workflows, detail.run.workflowId), 'edit');
    // Reviewers by the same rule as the review itself (review-access.ts): the gate of this run names them.
    if (!allowed) allowed = await reviews.mayViewRunAsReviewer(auth, id);
    if (!allowed) {
      await auditRequest(audit, req, { action, resource: { type: 'run', id }, patientData: true, outcome: 'denied', ...(details ? { details } : {}), ...(sealed ? { sealed } : {}) });
      throw runNotFound(id);
    }
    await auditRequest(audit, req, { action, resource: { type: 'run', id }, patientData: true, outcome: 'success', ...(details ? { details } : {}), ...(sealed ? { sealed } : {}) });
    return detail;
  };

  /**
   * Starts a run. 202 with the run at once; with `?wait=true`, 201 with the run and node results once
   * it settles (or its current state after `timeoutMs`).
   */
  workflowRuns.post('/:id/runs', 'run.start', (req, res, next) => (req.is('multipart/form-data') ? upload(req, res, next) : next()), async (req, res) => {
    const { id } = parse(WorkflowParams, req.params, 'params');
    const { wait, timeoutMs } = parse(StartQuery, req.query, 'query');
    const { workflow, access } = await workflowFor(req, workflows, id, 'run');
    // Chosen once: file inputs are typed against the same document the run then executes.
    let chosen: Promise<ChosenDocument> | undefined;
    const chooseDocument = (v: number | 'draft' | undefined) => (chosen ??= workflows.documentForRun(workflow, v));
    // The run's id comes first: its uploads are stored as files of this run and of no other.
    const runId = uuidV7();
    const { inputs, version } = await readRunRequest(req, chooseDocument, workflows, (bytes, name) => files.storeUpload(runId, bytes, name));
    // Drafts are for the people building the workflow; everyone else runs published versions.
    if (version === 'draft' && !atLeast(access, 'edit')) throw forbidden('only editors of a workflow may run its draft / 下書きの実行は編集者のみ可能です', { access });
    const handle = await runs.start(id, await chooseDocument(version), inputs, req.auth!.user.id, runId);
    await auditRequest(audit, req, { action: 'run.start', resource: { type: 'run', id: handle.run.id }, patientData: true, outcome: 'success', details: { workflowId: id, version: handle.run.workflowVersion } });
    res.location(`/api/runs/${handle.run.id}`);
    if (!wait) {
      res.status(202).json({ run: handle.run });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([handle.done, new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), timeoutMs); })]);
    clearTimeout(timer);
    // A settled run is answered from the engine's records (already in the store); a slow one from the store.
    // The document is left out: the caller sent the run, and GET /api/runs/:id has it.
    const { run: { document: _document, ...run }, nodes } = settled ? detailOf(settled, handle.nodes()) : await runs.get(handle.run.id);
    res.status(201).json({ run, nodes });
  });

  const router = secureRouter(table, '/api/runs', audit);
  router.get('/', 'run.read', async (req, res) => {
    const q = parse(ListQuery, req.query, 'query');
    const auth = req.auth!;
    // Admins see every run; editors of a workflow see its runs; everyone sees the runs they started.
    let mineOnly = !auth.user.roles.includes('admin');
    if (mineOnly && q.workflowId && atLeast(await accessTo(req, workflows, q.workflowId), 'edit')) mineOnly = false;
    const list = await runs.list({ ...(q.workflowId ? { workflowId: q.workflowId } : {}), ...(q.status ? { status: q.status } : {}), ...(mineOnly ? { startedBy: auth.user.id } : {}) }, q.limit, q.offset);
    res.json({ runs: list.map(({ documentId: _documentId, ...rest }) => rest) });
  });

  /** The run, its node records, and which values are AI drafts (per node and per result). */
  router.get('/:id', 'run.read', async (req, res) => {
    const { id } = parse(RunParams, req.params, 'params');
    const detail = await runFor(req, id);
    res.json({ ...detail, provenance: provenanceOf(detail, lookup) });
  });

  /**
   * The run's results as a document to hand on (electronic entry, the chart): every value carries
   * whether it is an AI draft and which nodes made it. An export of patient data, so it is audited.
   */
  router.get('/:id/export', 'run.read', async (req, res) => {
    const { id } = parse(RunParams, req.params, 'params');
    const detail = await runFor(req, id, 'run.export');
    const { outputs } = provenanceOf(detail, lookup);
    const results = Object.entries(detail.run.outputs).map(([name, value]) => {
      const p = outputs[name] ?? { aiDraft: false, sources: [] };
      return { name, value, aiDraft: p.aiDraft, ...(p.aiDraft ? { label: AI_DRAFT_NOTICE } : {}), madeBy: p.sources };
    });
    const { run } = detail;
    const aiDraft = results.some((r) => r.aiDraft);
    res.setHeader('Content-Disposition', `attachment; filename="medflow-run-${run.id}.json"`);
    res.json({
      format: 'medflow.run-export', formatVersion: 1, exportedAt: new Date().toISOString(),
      exportedBy: { id: req.auth!.user.id, username: req.auth!.user.username },
      run: { id: run.id, workflowId: run.workflowId, workflowName: run.workflowName, workflowVersion: run.workflowVersion, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, startedBy: run.startedBy },
      aiDraft, ...(aiDraft ? { notice: AI_DRAFT_NOTICE } : {}), results,
    });
  });

  /**
   * Undoes a PHI redaction node's masks: the table of token → original words. Only for someone who may
   * see the run, with a reason, and audited with that reason (sealed).
   */
  router.post('/:id/phi/:nodeId/reidentify', 'run.read', async (req, res) => {
    const { id, nodeId } = parse(PhiParams, req.params, 'params');
    const { reason } = parse(ReidentifyBody, req.body ?? {}, 'body');
    // The reason may name the patient: sealed beside the event, read by auditors through an audited request.
    await runFor(req, id, 'phi.reidentify', { nodeId }, { reason });
    const table = await phiVault.get(id, nodeId);
    if (!table) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `node "${nodeId}" of run ${id} kept no re-identification table`, details: { runId: id, nodeId } });
    res.json({ runId: id, nodeId, createdAt: table.createdAt, entries: table.entries });
  });

  router.post('/:id/cancel', 'run.cancel', async (req, res) => {
    const { id } = parse(RunParams, req.params, 'params');
    const { reason } = parse(CancelBody, req.body ?? {}, 'body');
    await runFor(req, id, 'run.cancel');
    res.json({ run: await runs.cancel(id, reason) });
  });

  /** A file a run received or produced (scans and recordings for the run view). */
  router.get('/:id/files/:fileId', 'run.read', async (req, res) => {
    const { id } = parse(RunParams, req.params, 'params');
    const fileId = parse(FileIdSchema, req.params.fileId, 'params');
    const detail = await runFor(req, id, 'run.view_file');
    const ref = fileOfRun(detail, fileId);
    await sendFile(res, fileId, ref, ref && (await files.open(id, fileId)), 'this run has no such file');
  });

  /**
   * Server-sent events: stored events after Last-Event-ID (or `?after=`), then live ones. The stream
   * ends after the run's terminal event; a client reconnecting with Last-Event-ID misses nothing.
   */
  router.get('/:id/events', 'run.read', async (req, res) => {
    const { id } = parse(RunParams, req.params, 'params');
    const after = Number(req.get('Last-Event-ID') ?? req.query.after ?? 0) || 0;
    const { run } = await runFor(req, id, 'run.view_events');
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    let lastSent = after;
    let replaying = true;
    const buffered: RunEvent[] = [];
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      clearInterval(keepalive);
      unsubscribe();
      res.end();
    };
    const send = (event: RunEvent) => {
      if (closed) return;
      if (event.type !== 'node.progress') {
        if (event.seq <= lastSent) return;
        lastSent = event.seq;
      }
      writeEvent(res, event);
      if (TERMINAL_EVENTS.has(event.type)) close();
    };
    const unsubscribe = runs.subscribe(id, (event) => (replaying ? buffered.push(event) : send(event)));
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    res.on('close', close); // the client went away (or the stream ended)
    for (const event of await runs.history(id, after)) send(event);
    replaying = false;
    for (const event of buffered) send(event);
    if (!closed && TERMINAL_RUN_STATUSES.includes(run.status) && !runs.isLive(id)) close();
  });

  return { workflowRuns: workflowRuns.router, runs: router.router };
}

function provenanceOf(detail: RunDetail, lookup: NodeLookup) {
  const byNode = aiProvenance(detail.run.document, lookup);
  return { nodes: Object.fromEntries(byNode), outputs: outputProvenance(detail.run.document, lookup, byNode) };
}

function writeEvent(res: Response, event: RunEvent): void {
  // Progress events carry no id: they are not stored, so they must not move a client's Last-Event-ID.
  const id = event.type === 'node.progress' ? '' : `id: ${event.seq}\n`;
  res.write(`${id}event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}
