import { z } from 'zod';
import type { AuditLog } from '../compliance/audit-log.js';
import { parseDataset } from '../evaluation/dataset.js';
import type { EvaluationService } from '../evaluation/evaluation-service.js';
import type { WorkflowService } from '../workflows/workflow-service.js';
import { auditRequest } from './audit-helpers.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { workflowFor } from './workflow-access.js';
import { parse } from './validate.js';

const Params = z.object({ id: z.uuid('workflow id must be a UUID') });
const EvaluationParams = z.object({ id: z.uuid('evaluation id must be a UUID') });
const StartBody = z.object({
  dataset: z.object({
    name: z.string().trim().min(1).max(200),
    /** JSONL: one `{ "id", "inputs": {...}, "expected": {...} }` a line. */
    jsonl: z.string().min(1, 'the dataset is empty').max(50_000_000),
  }),
  version: z.union([z.literal('draft'), z.number().int().min(1)]).default('draft'),
  concurrency: z.number().int().min(1).max(32).default(4),
});

/**
 * Evaluation of a workflow over a labelled dataset. Authors (edit access) start one and read the
 * scores; datasets may hold patient data, so starting and reading are audited.
 */
export function evaluationsRouter(table: RouteTable, audit: AuditLog, workflows: WorkflowService, evaluations: EvaluationService) {
  const perWorkflow = secureRouter(table, '/api/workflows', audit, { mergeParams: true });
  const byId = secureRouter(table, '/api/evaluations', audit);

  perWorkflow.post('/:id/evaluations', 'workflow.edit', async (req, res) => {
    const { id } = parse(Params, req.params, 'params');
    const body = parse(StartBody, req.body ?? {}, 'body');
    const { workflow } = await workflowFor(req, workflows, id, 'edit');
    const dataset = parseDataset(body.dataset.name, body.dataset.jsonl);
    const chosen = await workflows.documentForRun(workflow, body.version);
    const evaluation = await evaluations.start({ workflowId: id, version: chosen.version, document: chosen.document, dataset, createdBy: req.auth!.user.id, concurrency: body.concurrency });
    await auditRequest(audit, req, { action: 'evaluation.start', resource: { type: 'workflow', id }, patientData: true, outcome: 'success', details: { evaluationId: evaluation.id, dataset: evaluation.dataset, version: chosen.version } });
    res.status(202).json({ evaluation });
  });

  perWorkflow.get('/:id/evaluations', 'workflow.read', async (req, res) => {
    const { id } = parse(Params, req.params, 'params');
    await workflowFor(req, workflows, id, 'edit');
    res.json({ evaluations: await evaluations.list(id) });
  });

  byId.get('/:id', 'workflow.read', async (req, res) => {
    const { id } = parse(EvaluationParams, req.params, 'params');
    const evaluation = await evaluations.get(id);
    await workflowFor(req, workflows, evaluation.workflowId, 'edit');
    await auditRequest(audit, req, { action: 'evaluation.view', resource: { type: 'evaluation', id }, patientData: true, outcome: 'success', details: { workflowId: evaluation.workflowId } });
    res.json({ evaluation });
  });

  return { perWorkflow: perWorkflow.router, byId: byId.router };
}
