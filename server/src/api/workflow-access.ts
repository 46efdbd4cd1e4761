import type { Request } from 'express';
import { atLeast, workflowAccess, type AuthContext, type WorkflowAccess } from '../auth/access.js';
import { forbidden } from '../auth/auth-errors.js';
import { notFound, type WorkflowRecord, type WorkflowService } from '../workflows/workflow-service.js';

/**
 * Loads a workflow the caller may use at the level asked. A workflow the caller cannot see at all is
 * "not found" (its existence is not disclosed); one they can see but not change is 403.
 */
export async function workflowFor(req: Request, workflows: WorkflowService, id: string, need: WorkflowAccess): Promise<{ workflow: WorkflowRecord; access: WorkflowAccess }> {
  const workflow = await workflows.get(id);
  const access = workflowAccess(req.auth!, workflow);
  if (access === 'none') throw notFound('workflow', id);
  if (!atLeast(access, need)) throw forbidden(`this workflow is shared with you for "${access}" only; "${need}" is needed / このワークフローへの権限が不足しています`, { access, need });
  return { workflow, access };
}

/** The caller's access to a workflow by id; `none` also when it no longer exists. */
export async function accessTo(req: Request, workflows: WorkflowService, id: string): Promise<WorkflowAccess> {
  return accessOf(req.auth!, workflows, id);
}

/** A user's access to a workflow by id (none without an id, or when it no longer exists). */
export async function accessOf(auth: AuthContext, workflows: WorkflowService, id: string | undefined): Promise<WorkflowAccess> {
  const workflow = id ? await workflows.get(id).catch(() => undefined) : undefined;
  return workflow ? workflowAccess(auth, workflow) : 'none';
}
