import { Router } from 'express';
import { WorkflowDocumentSchema } from '@medflow/sdk';
import { z } from 'zod';
import type { WorkflowRecord, WorkflowService } from '../workflows/workflow-service.js';
import { parse } from './validate.js';

const IdParams = z.object({ id: z.uuid('workflow id must be a UUID') });
const VersionParams = IdParams.extend({ version: z.coerce.number().int().min(1) });
const SaveBody = z.object({ document: WorkflowDocumentSchema, revision: z.number().int().min(1).optional() });
const CreateBody = z.object({ document: WorkflowDocumentSchema });
const PublishBody = z.object({ note: z.string().max(2000).optional() }).default({});
const ValidateBody = z.object({ document: z.unknown() });

const summary = (w: WorkflowRecord) => ({
  id: w.id, name: w.name, description: w.description, revision: w.revision, latestVersion: w.latestVersion ?? null,
  nodeCount: w.draft.nodes.length, createdAt: w.createdAt, updatedAt: w.updatedAt,
});

/** Workflows: drafts (saved even while incomplete, with their problems listed), versions, validation. */
export function workflowsRouter(workflows: WorkflowService): Router {
  const router = Router();
  const withAnalysis = (w: WorkflowRecord) => ({ workflow: w, analysis: workflows.analyse(w.draft) });

  router.get('/', async (_req, res) => {
    res.json({ workflows: (await workflows.list()).map(summary) });
  });

  router.post('/', async (req, res) => {
    const { document } = parse(CreateBody, req.body, 'body');
    const created = await workflows.create(document);
    res.status(201).location(`/api/workflows/${created.id}`).json(withAnalysis(created));
  });

  /** Checks a document without saving it: every problem at once, plus the run inputs it declares. */
  router.post('/validate', (req, res) => {
    const { document } = parse(ValidateBody, req.body, 'body');
    res.json(workflows.analyse(document));
  });

  router.get('/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    res.json(withAnalysis(await workflows.get(id)));
  });

  router.put('/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { document, revision } = parse(SaveBody, req.body, 'body');
    res.json(withAnalysis(await workflows.saveDraft(id, document, revision)));
  });

  router.delete('/:id', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    await workflows.remove(id);
    res.status(204).end();
  });

  router.post('/:id/publish', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const { note } = parse(PublishBody, req.body ?? {}, 'body');
    res.status(201).json({ version: await workflows.publish(id, note) });
  });

  router.get('/:id/versions', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const versions = await workflows.listVersions(id);
    res.json({ versions: versions.map(({ document, ...meta }) => ({ ...meta, nodeCount: document.nodes.length })) });
  });

  router.get('/:id/versions/:version', async (req, res) => {
    const { id, version } = parse(VersionParams, req.params, 'params');
    res.json({ version: await workflows.getVersion(id, version) });
  });

  router.post('/:id/versions/:version/restore', async (req, res) => {
    const { id, version } = parse(VersionParams, req.params, 'params');
    res.json(withAnalysis(await workflows.restore(id, version)));
  });

  return router;
}
