import type { Request } from 'express';
import { z } from 'zod';
import type { AuditLog } from '../compliance/audit-log.js';
import { aiProvenance, type NodeLookup } from '../compliance/ai-provenance.js';
import type { ReviewRecord } from '../reviews/review-record.js';
import type { ReviewService } from '../reviews/review-service.js';
import type { RunService } from '../runs/run-service.js';
import type { RunFiles } from '../services/file-service.js';
import { ErrorCodes } from '@medflow/sdk';
import { refusal } from '../auth/auth-errors.js';
import { auditRequest } from './audit-helpers.js';
import { FileIdSchema, fileOfRun, sendFile } from './file-refs.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { parse } from './validate.js';

const Params = z.object({ id: z.uuid('review id must be a UUID') });
const ListQuery = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'returned', 'expired', 'cancelled']).default('pending'),
  workflowId: z.uuid().optional(),
  overdue: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
  olderThanHours: z.coerce.number().min(0).max(24 * 365).optional(),
});
const Values = z.record(z.string().max(64), z.unknown());
const DecisionBody = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approved'), values: Values.optional(), comment: z.string().max(5000).optional() }),
  z.object({ decision: z.literal('rejected'), reason: z.string().trim().min(1, 'give the reason for rejecting').max(5000) }),
  z.object({ decision: z.literal('returned'), comment: z.string().trim().min(1, 'say what should change').max(5000), values: Values.optional() }),
]);

export interface ReviewsRouterDeps { table: RouteTable; audit: AuditLog; reviews: ReviewService; runs: RunService; files: RunFiles; lookup: NodeLookup }

/** The review inbox and decisions. Reading a review is reading patient data: audited like a run view. */
export function reviewsRouter({ table, audit, reviews, runs, files, lookup }: ReviewsRouterDeps) {
  const r = secureRouter(table, '/api/reviews', audit);

  const summary = async (req: Request, review: ReviewRecord) => ({
    id: review.id, runId: review.runId, nodeId: review.nodeId, workflowId: review.workflowId, workflowName: review.workflowName,
    title: review.title, status: review.status, createdAt: review.createdAt, deadline: review.deadline ?? null,
    overdue: !!review.deadline && review.status === 'pending' && Date.parse(review.deadline) < Date.now(), escalated: !!review.escalatedAt,
    fieldCount: review.draft.fields.length, withoutEvidence: review.draft.fields.filter((f) => !f.evidence).length,
    decision: review.decision ?? null, mayDecide: review.status === 'pending' && (await reviews.mayDecide(req.auth!, review)),
    // Who may decide, so a view-only reader learns why and whom to ask (roles and user names: no patient data).
    deciders: { roles: [...new Set([...review.reviewers.roles, ...(review.escalatedAt ? review.escalation.roles : [])])], users: review.reviewers.users },
  });

  /** A review the caller may open; anyone else gets "not found" (and the attempt is audited). */
  const reviewFor = async (req: Request, id: string, action: string) => {
    const review = await reviews.get(id);
    const allowed = await reviews.mayView(req.auth!, review);
    await auditRequest(audit, req, { action, resource: { type: 'review', id }, patientData: true, outcome: allowed ? 'success' : 'denied', details: { runId: review.runId } });
    if (!allowed) throw refusal(ErrorCodes.NOT_FOUND, `review "${id}" not found`, { id });
    return review;
  };

  r.get('/', 'review.read', async (req, res) => {
    const q = parse(ListQuery, req.query, 'query');
    const list = await reviews.list(req.auth!, { status: q.status, overdue: q.overdue, ...(q.workflowId ? { workflowId: q.workflowId } : {}), ...(q.olderThanHours !== undefined ? { olderThanHours: q.olderThanHours } : {}) });
    res.json({ reviews: await Promise.all(list.map((review) => summary(req, review))) });
  });

  /** Everything the reviewer needs: sources, the draft's fields with evidence, which AI nodes made it. */
  r.get('/:id', 'review.read', async (req, res) => {
    const { id } = parse(Params, req.params, 'params');
    const review = await reviewFor(req, id, 'review.view');
    const run = await runs.record(review.runId);
    const madeBy = aiProvenance(run.document, lookup).get(review.nodeId)?.sources ?? [];
    res.json({
      review: {
        ...(await summary(req, review)), instructions: review.instructions, reviewers: review.reviewers, escalation: review.escalation,
        fields: review.draft.fields, sources: review.sources, madeBy, result: review.result ?? null, edits: review.edits ?? [],
      },
    });
  });

  /** Approve (with edits), reject (with a reason) or return for changes (with a comment). */
  r.post('/:id/decision', 'review.decide', async (req, res) => {
    const { id } = parse(Params, req.params, 'params');
    const body = parse(DecisionBody, req.body, 'body');
    const { review, replayed } = await reviews.decide(req.auth!, id, body, req.ip ?? '');
    res.status(replayed ? 200 : 201).json({ review: await summary(req, review), edits: review.edits ?? [], replayed });
  });

  /** A source file of the review (the scan, the recording): only files the review shows. */
  r.get('/:id/files/:fileId', 'review.read', async (req, res) => {
    const { id } = parse(Params, req.params, 'params');
    const fileId = parse(FileIdSchema, req.params.fileId, 'params');
    const review = await reviewFor(req, id, 'review.view_file');
    const shown = review.sources.some((s) => (s.kind === 'ocr' || s.kind === 'file') && s.fileId === fileId);
    const ref = shown ? fileOfRun(await runs.get(review.runId), fileId) : undefined;
    await sendFile(res, fileId, ref, ref && (await files.open(review.runId, fileId)), 'this review shows no such file');
  });

  return r.router;
}
