import { z } from 'zod';
import { refusal } from '../auth/auth-errors.js';
import { ROLES } from '../auth/roles.js';
import type { SessionService } from '../auth/session-service.js';
import { publicUser, type UserService } from '../auth/user-service.js';
import type { AuditLog } from '../compliance/audit-log.js';
import { auditRequest } from './audit-helpers.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { parse } from './validate.js';

const Roles = z.array(z.enum(ROLES)).max(ROLES.length);
const CreateBody = z.object({ username: z.string().min(2).max(63), displayName: z.string().min(1).max(100), roles: Roles.min(1), temporaryPassword: z.string().min(1).max(1024) });
const UpdateBody = z.object({
  displayName: z.string().min(1).max(100).optional(), roles: Roles.optional(), disabled: z.boolean().optional(),
  unlock: z.literal(true).optional(), resetTotp: z.literal(true).optional(), temporaryPassword: z.string().min(1).max(1024).optional(),
}).refine((b) => Object.keys(b).length > 0, 'nothing to change');
const IdParams = z.object({ id: z.uuid('user id must be a UUID') });

/** User administration (admins), and a directory of names for sharing workflows. */
export function usersRouter(table: RouteTable, audit: AuditLog, users: UserService, sessions: SessionService) {
  const r = secureRouter(table, '/api/users', audit);

  r.get('/', 'user.manage', async (_req, res) => {
    res.json({ users: (await users.list()).map((u) => publicUser(u)) });
  });

  /** Names only, for choosing whom to share a workflow with. */
  r.get('/directory', 'workflow.share', async (_req, res) => {
    res.json({ users: (await users.list()).filter((u) => !u.disabled).map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, roles: u.roles })) });
  });

  r.post('/', 'user.manage', async (req, res) => {
    const body = parse(CreateBody, req.body, 'body');
    const user = await users.create({ username: body.username, displayName: body.displayName, roles: body.roles, password: body.temporaryPassword, passwordField: 'temporaryPassword', mustChangePassword: true });
    await auditRequest(audit, req, { action: 'user.create', resource: { type: 'user', id: user.id }, patientData: false, outcome: 'success', details: { username: user.username, roles: user.roles } });
    res.status(201).json({ user: publicUser(user) });
  });

  r.patch('/:id', 'user.manage', async (req, res) => {
    const { id } = parse(IdParams, req.params, 'params');
    const change = parse(UpdateBody, req.body, 'body');
    // An administrator cannot lock themselves out (possibly the only admin): another admin must do it.
    if (id === req.auth!.user.id && (change.disabled || (change.roles && !change.roles.includes('admin')))) {
      throw refusal('SELF_LOCKOUT', 'you cannot disable your own account or remove your own administrator role / 自分自身の無効化・管理者権限の削除はできません', { problems: [{ path: change.disabled ? 'body.disabled' : 'body.roles', message: 'not allowed on your own account' }] });
    }
    const user = await users.update(id, change);
    // Fewer roles, a disabled account or a new password take effect now, not at the next sign-in.
    if (change.roles || change.disabled || change.temporaryPassword || change.resetTotp) await sessions.revokeUser(id, id === req.auth!.user.id ? req.auth!.session.id : undefined);
    await auditRequest(audit, req, { action: 'user.update', resource: { type: 'user', id }, patientData: false, outcome: 'success', details: { changed: Object.keys(change), ...(change.roles ? { roles: change.roles } : {}) } });
    res.json({ user: publicUser(user) });
  });

  return r.router;
}
