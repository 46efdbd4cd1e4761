import type { Request } from 'express';
import type { AuditEventInput, AuditLog } from '../compliance/audit-log.js';

/** Records an audit event for a request: actor and client address from the request, the rest given. */
export function auditRequest(audit: AuditLog, req: Request, event: Omit<AuditEventInput, 'actor' | 'clientAddress'> & { actor?: AuditEventInput['actor'] }): Promise<unknown> {
  const actor = event.actor ?? (req.auth ? { id: req.auth.user.id, username: req.auth.user.username } : null);
  return audit.append({ ...event, actor, clientAddress: req.ip ?? '' });
}
