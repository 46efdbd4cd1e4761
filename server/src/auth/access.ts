import type { Permission, Role } from './roles.js';
import type { SessionRecord } from './session-service.js';
import type { UserRecord } from './user-service.js';

/** Who is making a request: set by the authentication middleware on every signed-in request. */
export interface AuthContext {
  user: UserRecord;
  session: SessionRecord;
  permissions: Set<Permission>;
  /** Things the user must do before anything else (change a temporary password, enrol TOTP as admin). */
  pending: Array<'password_change' | 'totp_enrolment'>;
}

/** A workflow shared with a user, a role, or every signed-in user; `edit` includes `run`. */
export interface WorkflowShare { principal: `user:${string}` | `role:${Role}` | 'everyone'; access: 'run' | 'edit' }

export type WorkflowAccess = 'none' | 'run' | 'edit' | 'owner';
const RANK: Record<WorkflowAccess, number> = { none: 0, run: 1, edit: 2, owner: 3 };

export function workflowAccess(auth: AuthContext, workflow: { ownerId?: string; shares?: WorkflowShare[] }): WorkflowAccess {
  if (auth.user.roles.includes('admin')) return 'owner';
  if (workflow.ownerId === auth.user.id) return 'owner';
  let best: WorkflowAccess = 'none';
  for (const share of workflow.shares ?? []) {
    const applies = share.principal === 'everyone' || share.principal === `user:${auth.user.id}` || auth.user.roles.some((r) => share.principal === `role:${r}`);
    if (applies && RANK[share.access] > RANK[best]) best = share.access;
  }
  return best;
}

export const atLeast = (have: WorkflowAccess, need: WorkflowAccess) => RANK[have] >= RANK[need];

export const pendingSteps = (user: UserRecord): AuthContext['pending'] => [
  ...(user.mustChangePassword ? ['password_change' as const] : []),
  ...(user.roles.includes('admin') && !user.totp && !user.oidcSubject ? ['totp_enrolment' as const] : []),
];
