import { Router, type RequestHandler } from 'express';
import type { AuditLog } from '../compliance/audit-log.js';
import { AuthCodes, forbidden, refusal, unauthenticated } from '../auth/auth-errors.js';
import type { Permission } from '../auth/roles.js';

/**
 * Who may call a route: a permission, any signed-in user (`signed-in`, also allowed while the account
 * still has set-up steps pending), or anyone (`public`: sign-in, first-run setup, health).
 */
export type Access = Permission | 'signed-in' | 'public';
export interface RouteSpec { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; path: string; access: Access }

/** Every API route with who may call it; the security tests walk it, so a route cannot be added unguarded. */
export class RouteTable {
  readonly routes: RouteSpec[] = [];
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Register = (path: string, access: Access, ...handlers: RequestHandler[]) => void;
export type SecureRouter = { router: Router } & Record<Method, Register>;

/**
 * An Express router whose every route names its access. The guard runs before any parsing, so an
 * unauthorised caller learns nothing from validation messages.
 */
export function secureRouter(table: RouteTable, prefix: string, audit: AuditLog, options: { mergeParams?: boolean } = {}): SecureRouter {
  const router = Router(options);
  const register = (method: Method): Register => (path, access, ...handlers) => {
    table.routes.push({ method: method.toUpperCase() as RouteSpec['method'], path: `${prefix}${path === '/' ? '' : path}`, access });
    router[method](path, guard(access, audit), ...handlers);
  };
  return { router, get: register('get'), post: register('post'), put: register('put'), patch: register('patch'), delete: register('delete') };
}

function guard(access: Access, audit: AuditLog): RequestHandler {
  return (req, _res, next) => {
    if (access === 'public') return next();
    const auth = req.auth;
    if (!auth) return next(unauthenticated());
    if (access === 'signed-in') return next();
    if (auth.pending.length) {
      return next(refusal(AuthCodes.ACCOUNT_SETUP_REQUIRED, `finish setting up your account first: ${auth.pending.join(', ')} / アカウントの設定を完了してください`, { pending: auth.pending }));
    }
    if (!auth.permissions.has(access)) {
      void audit.append({ actor: { id: auth.user.id, username: auth.user.username }, action: 'access.denied', resource: { type: 'route', id: `${req.method} ${req.baseUrl}${req.path}` }, patientData: false, outcome: 'denied', clientAddress: req.ip ?? '', details: { permission: access } }).catch(() => {});
      return next(forbidden(`your roles (${auth.user.roles.join(', ') || 'none'}) do not allow ${access} / この操作の権限がありません`, { permission: access }));
    }
    next();
  };
}
