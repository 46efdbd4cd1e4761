import { WorkflowDocumentSchema } from '@medflow/sdk';
import { z } from 'zod';
import { workflowAccess, type WorkflowShare } from '../auth/access.js';
import { ROLES } from '../auth/roles.js';
import type { AuditLog } from '../compliance/audit-log.js';
import type { WorkflowRecord, WorkflowService } from '../workflows/workflow-service.js';
import { auditRequest } from './audit-helpers.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { workflowFor } from './workflow-access.js';
import { parse } from './validate.js';

const IdParams = z.object({ id: z.uuid('workflow id must be a UUID') });
const VersionParams = IdParams.extend({ version: z.coerce.number().int().min(1) });
const SaveBody = z.object({ document: WorkflowDocumentSchema, revision: z.number().int().min(1).optional() });
const CreateBody = z.object({ document: WorkflowDocumentSchema });
const PublishBody = z.object({ note: z.string().max(2000).optional() }).default({});
const ValidateBody = z.object({ document: z.unknown() });
const Principal = z.union([z.literal('everyone'), z.templateLiteral(['user:', z.uuid()]), z.enum(ROLES.map((r) => `role:${r}` as const))]);
const ShareBody = z.object({ shares: z.array(z.object({ principal: Principal, access: z.enum(['run', 'edit']) })).max(500) });

const summary = (w: WorkflowRecord, access: string) => ({
  id: w.id, name: w.name, description: w.description, revision: w.revision, latestVersion: w.latestVersion ?? null,
  nodeCount: w.draft.nodes.length, createdAt: w.createdAt, updatedAt: w.updatedAt, ownerId: w.ownerId ?? null, access,
});

/** Workflows: drafts (saved even while incomplete, with their problems listed), versions, validation, sharing. */
export function workflowsRouter(table: RouteTable, audit: AuditLog, workflows: WorkflowService) {
  const r = secureRouter(table, '/api/workflows', audit);
  const withAnalysis = (w: WorkflowRecord, access: string) => ({ workflow: w, access, analysis: workflows.analyse(w.draft) });
  const changed = (req: Parameters<typeof auditRequest>[1], action: string, id: string, details: Record<string, unknown> = {}) =>
    auditRequest(audit, req, { action, resource: { type: 'workflow', id }, patientData: false, outcome: 'success', details });

  r.get('/', 'workflow.read', async (req, res) => {
    const visible = (await workflows.list()).map((w) => [w, workflowAccess(req.auth!, w)] as const).filter(([, a]) => a !== 'none');
    res.json({ workflows: visible.map(([w, a]) => summary(w, a)) });
  });

  r.post('/', 'workflow.create', async (req, res) => {
    const { document } = parse(CreateBody, req.body, 'body');
    const created = await workflows.create(document, req.auth!.user.id);
    await changed(req, 'workflow.create', created.id, { name: created.name });
    res.status(201).location(`/api/workflows/${created.id}`).json(withAnalysis(created, 'owner'));
  });

  /** Checks a document without saving it: every problem at once, plus the run inputs it declares. */
  r.post('/validate', 'workflow.create', (req, res) => {
    const { document } = parse(ValidateBody, req.body, 'body');
    res.json(workflows.analyse(document));
  });

  r.get('/:id', 'workflow.read', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { workflow, access } = await workflowFor(req, workflows, id, 'run');
    res.json(withAnalysis(workflow, access));
  });

  /** The document as a file, for sharing between hospitals; an audited export. */
  r.get('/:id/export', 'workflow.read', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { workflow } = await workflowFor(req, workflows, id, 'edit');
    await changed(req, 'workflow.export', id);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(workflow.name)}.json`);
    res.json(workflow.draft);
  });

  r.put('/:id', 'workflow.edit', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { document, revision } = parse(SaveBody, req.body, 'body');
    const { access } = await workflowFor(req, workflows, id, 'edit');
    const saved = await workflows.saveDraft(id, document, revision);
    await changed(req, 'workflow.update', id, { revision: saved.revision });
    res.json(withAnalysis(saved, access));
  });

  r.delete('/:id', 'workflow.delete', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    await workflowFor(req, workflows, id, 'owner');
    await workflows.remove(id);
    await changed(req, 'workflow.delete', id);
    res.status(204).end();
  });

  r.put('/:id/shares', 'workflow.share', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { shares } = parse(ShareBody, req.body, 'body');
    const { access } = await workflowFor(req, workflows, id, 'owner');
    const saved = await workflows.share(id, shares as WorkflowShare[]);
    await changed(req, 'workflow.share', id, { shares });
    res.json(withAnalysis(saved, access));
  });

  r.post('/:id/publish', 'workflow.publish', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { note } = parse(PublishBody, req.body ?? {}, 'body');
    await workflowFor(req, workflows, id, 'edit');
    const version = await workflows.publish(id, note);
    await changed(req, 'workflow.publish', id, { version: version.version });
    res.status(201).json({ version });
  });

  r.get('/:id/versions', 'workflow.read', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    await workflowFor(req, workflows, id, 'edit');
    const versions = await workflows.listVersions(id);
    res.json({ versions: versions.map(({ document, ...meta }) => ({ ...meta, nodeCount: document.nodes.length })) });
  });

  r.get('/:id/versions/:version', 'workflow.read', async (req, res) => {
    const { id, version } = parse(VersionParams, req.params, 'params');
    await workflowFor(req, workflows, id, 'edit');
    res.json({ version: await workflows.getVersion(id, version) });
  });

  r.post('/:id/versions/:version/restore', 'workflow.edit', async (req, res) => {
    const { id, version } = parse(VersionParams, req.params, 'params');
    const { access } = await workflowFor(req, workflows, id, 'edit');
    const restored = await workflows.restore(id, version);
    await changed(req, 'workflow.restore', id, { version });
    res.json(withAnalysis(restored, access));
  });

  return r.router;
}
