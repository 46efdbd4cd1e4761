import type { Request, RequestHandler, Response } from 'express';
import { pendingSteps, type AuthContext } from '../auth/access.js';
import { AuthCodes, refusal } from '../auth/auth-errors.js';
import { permissionsOf } from '../auth/roles.js';
import type { SessionService } from '../auth/session-service.js';
import type { UserService } from '../auth/user-service.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request { auth?: AuthContext }
  }
}

export const SESSION_COOKIE = 'medflow_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface CookiePolicy { secure: 'auto' | 'always' | 'never' }

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      // A malformed escape (「%E0%A4%A」) is no session at all, not a server error on every route.
      try { return decodeURIComponent(part.slice(at + 1).trim()); } catch { return undefined; }
    }
  }
  return undefined;
}

/** A cookie with the given attributes, Secure over HTTPS (or always, by policy). */
export function setCookie(req: Request, res: Response, policy: CookiePolicy, name: string, value: string, attributes: string[]): void {
  const secure = policy.secure === 'always' || (policy.secure === 'auto' && req.secure);
  res.append('Set-Cookie', [`${name}=${value}`, ...attributes, ...(secure ? ['Secure'] : [])].join('; '));
}

/** HttpOnly (no script reads it), SameSite=Strict (not sent on cross-site requests). */
export function setSessionCookie(req: Request, res: Response, token: string | undefined, policy: CookiePolicy): void {
  setCookie(req, res, policy, SESSION_COOKIE, token ?? '', ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(token ? [] : ['Max-Age=0'])]);
}

const csrfError = (message: string) => refusal(AuthCodes.CSRF_REJECTED, message);

/**
 * Resolves the session cookie into `req.auth`, and defends state-changing requests against CSRF:
 * a cross-origin Origin header is refused outright, and a signed-in request must echo the session's
 * CSRF token in `X-CSRF-Token` (a page on another site cannot read it).
 */
export function authenticate(sessions: SessionService, users: UserService): RequestHandler {
  return async (req, _res, next) => {
    try {
      if (UNSAFE.has(req.method)) {
        const origin = req.get('origin');
        if (origin && origin !== 'null') {
          let host: string | undefined;
          try { host = new URL(origin).host; } catch { /* malformed */ }
          if (host !== req.get('host')) return next(csrfError(`cross-origin request from ${origin} refused`));
        } else if (origin === 'null') return next(csrfError('request from an opaque origin refused'));
      }
      const token = readCookie(req, SESSION_COOKIE);
      if (token) {
        const session = await sessions.resolve(token);
        const user = session ? await users.find(session.userId) : undefined;
        if (session && user && !user.disabled) {
          if (UNSAFE.has(req.method) && !sessions.checkCsrf(session, req.get('x-csrf-token'))) {
            return next(csrfError('missing or wrong X-CSRF-Token header; reload the page / ページを再読み込みしてください'));
          }
          req.auth = { user, session, permissions: permissionsOf(user.roles), pending: pendingSteps(user) };
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}
