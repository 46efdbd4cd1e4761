import { MedflowError } from '@medflow/sdk';

/** Stable codes of authentication and authorisation failures; the API maps them to 401/403/423/429. */
export const AuthCodes = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  TOTP_REQUIRED: 'TOTP_REQUIRED',
  FORBIDDEN: 'FORBIDDEN',
  CSRF_REJECTED: 'CSRF_REJECTED',
  ACCOUNT_SETUP_REQUIRED: 'ACCOUNT_SETUP_REQUIRED',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_ATTEMPTS',
  PASSWORD_POLICY: 'PASSWORD_POLICY',
  SETUP_DONE: 'SETUP_DONE',
  OIDC_NOT_CONFIGURED: 'OIDC_NOT_CONFIGURED',
  /** The provider's answer did not hold up (state, signature, audience, nonce, expiry). */
  OIDC_REJECTED: 'OIDC_REJECTED',
  /** The provider could not be reached or answered nonsense. */
  OIDC_PROVIDER_ERROR: 'OIDC_PROVIDER_ERROR',
  /** Signed in at the provider, but none of the user's groups maps to a role here. */
  OIDC_NO_ROLE: 'OIDC_NO_ROLE',
  OIDC_USERNAME_TAKEN: 'OIDC_USERNAME_TAKEN',
} as const;

/** A refused request: a USER error (4xx, see api/errors.ts) that retrying will not fix. */
export const refusal = (code: string, message: string, details: Record<string, unknown> = {}) =>
  new MedflowError({ code, category: 'USER', retryable: false, message, details });

export const unauthenticated = (message = 'sign in first / ログインしてください') => refusal(AuthCodes.UNAUTHENTICATED, message);

export const forbidden = (message: string, details: Record<string, unknown> = {}) => refusal(AuthCodes.FORBIDDEN, message, details);
