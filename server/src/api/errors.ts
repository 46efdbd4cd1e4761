import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCodes, isMedflowError, MedflowError, type ErrorInfo } from '@medflow/sdk';
import type { Logger } from '../logger.js';

const STATUS_BY_CODE: Record<string, number> = {
  [ErrorCodes.NOT_FOUND]: 404,
  [ErrorCodes.CONFLICT]: 409,
  [ErrorCodes.FILE_TOO_LARGE]: 413,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOTP_REQUIRED: 401,
  FORBIDDEN: 403,
  CSRF_REJECTED: 403,
  ACCOUNT_SETUP_REQUIRED: 403,
  SETUP_DONE: 409,
  SELF_LOCKOUT: 409,
  ACCOUNT_LOCKED: 423,
  TOO_MANY_ATTEMPTS: 429,
  EGRESS_REFUSED: 403,
  REVIEW_ALREADY_DECIDED: 409,
  PACKAGE_IN_USE: 409,
  PACKAGE_CONFLICT: 409,
  OIDC_NOT_CONFIGURED: 404,
  CODE_NOT_FOUND: 404,
  OIDC_REJECTED: 401,
  OIDC_NO_ROLE: 403,
  OIDC_USERNAME_TAKEN: 409,
  // The hospital's identity provider failed, not the caller: a gateway error.
  OIDC_PROVIDER_ERROR: 502,
  REGISTRY_ERROR: 502,
  REGISTRY_UNREACHABLE: 502,
  INTEGRITY_MISMATCH: 502,
};

/** Maps an error to an HTTP status: USER errors are 4xx, anything else is 500. */
export function statusFor(info: ErrorInfo): number {
  if (info.category !== 'USER') return 500;
  return STATUS_BY_CODE[info.code] ?? 400;
}

/**
 * Sends `{ error: { code, category, message, details } }`. Internal errors get a generic message and
 * an incident id that matches the server log; stacks never reach clients.
 * USER errors keep their message, also those mapped to 502 (an upstream system of the hospital failed).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const info = fromHttpLayer(error);
    const status = statusFor(info);
    // Our own failures are hidden behind an incident id; a USER error with a gateway status (the hospital's
    // registry or identity provider failed) keeps its message, which tells the administrator what to fix.
    if (info.category !== 'USER') {
      const incident = randomUUID();
      logger.error('request failed', { incident, method: req.method, path: req.path, error: info.message, stack: (error as Error)?.stack });
      if (!res.headersSent) res.status(500).json({ error: { code: info.code, category: info.category, message: 'internal error; the administrator can find details in the server log', details: { incident } } });
      return;
    }
    if (res.headersSent) return;
    res.status(status).json({ error: { code: info.code, category: info.category, message: info.message, details: info.details ?? {} } });
  };
}

/** Translates errors raised by Express's own parsers and multer into USER errors. */
function fromHttpLayer(error: unknown): ErrorInfo {
  if (isMedflowError(error)) return error.toJSON();
  const e = error as { type?: string; status?: number; code?: string; field?: string; message?: string; limit?: number };
  if (e?.type === 'entity.too.large') return { code: 'PAYLOAD_TOO_LARGE', category: 'USER', message: `request body exceeds ${e.limit} bytes`, details: { limit: e.limit } };
  if (e?.type === 'entity.parse.failed') return { code: 'MALFORMED_JSON', category: 'USER', message: `request body is not valid JSON: ${e.message}`, details: {} };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return { code: 'UNSUPPORTED_MEDIA_TYPE', category: 'USER', message: e.message ?? 'unsupported encoding', details: {} };
  if (typeof e?.code === 'string' && e.code.startsWith('LIMIT_')) {
    const tooLarge = e.code === 'LIMIT_FILE_SIZE' || e.code === 'LIMIT_FIELD_VALUE';
    return { code: tooLarge ? ErrorCodes.FILE_TOO_LARGE : 'UPLOAD_REJECTED', category: 'USER', message: `${e.message}${e.field ? ` (field "${e.field}")` : ''}`, details: { reason: e.code, ...(e.field ? { field: e.field } : {}) } };
  }
  if (e?.message === 'Unexpected end of form' || e?.message?.startsWith('Malformed part header') || e?.message?.startsWith('Multipart:')) {
    return { code: 'MALFORMED_MULTIPART', category: 'USER', message: `malformed multipart body: ${e.message}`, details: {} };
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return { code: 'BAD_REQUEST', category: 'USER', message: e.message ?? 'bad request', details: {} };
  return { code: ErrorCodes.INTERNAL_ERROR, category: 'SYSTEM', message: (error as Error)?.message ?? String(error) };
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `no route for ${req.method} ${req.path}`, details: { method: req.method, path: req.path } }));
};
