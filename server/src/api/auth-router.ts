import type { Request, Response } from 'express';
import { MedflowError } from '@medflow/sdk';
import { z } from 'zod';
import { pendingSteps } from '../auth/access.js';
import { AuthCodes, refusal } from '../auth/auth-errors.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { permissionsOf } from '../auth/roles.js';
import { sameSecret } from '../auth/same-secret.js';
import type { SessionService } from '../auth/session-service.js';
import { generateTotpSecret, otpauthUrl, verifyTotp } from '../auth/totp.js';
import { publicUser, type UserRecord, type UserService } from '../auth/user-service.js';
import type { AuditLog } from '../compliance/audit-log.js';
import { auditRequest } from './audit-helpers.js';
import { readCookie, setCookie, setSessionCookie, type CookiePolicy } from './authenticate.js';
import type { OidcSignIn } from '../auth/oidc/oidc-sign-in.js';
import { secureRouter, type RouteTable } from './secure-router.js';
import { parse } from './validate.js';

const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024), totp: z.string().max(12).optional() });
const SetupStartBody = z.object({ setupToken: z.string().min(1).max(200) });
const SetupBody = SetupStartBody.extend({
  username: z.string().min(2).max(63), displayName: z.string().min(1).max(100), password: z.string().min(1).max(1024),
  totpSecret: z.string().regex(/^[A-Z2-7]{32}$/, 'the secret from /api/auth/setup/totp'), totpCode: z.string().min(6).max(12),
});
const PasswordBody = z.object({ currentPassword: z.string().max(1024).optional(), newPassword: z.string().min(1).max(1024) });
const CodeBody = z.object({ code: z.string().min(6).max(12) });
const CallbackQuery = z.object({
  state: z.string().max(200).optional(), code: z.string().max(4096).optional(),
  error: z.string().max(200).optional(), error_description: z.string().max(1000).optional(),
});

/** A browser navigation, not an API call: failures go back to the sign-in page with a code it explains. */
function backToSignIn(res: Response, error: unknown): void {
  if (!(error instanceof MedflowError)) throw error;
  res.redirect(302, `/?signin_error=${encodeURIComponent(error.code)}`);
}

export interface AuthRouterDeps {
  table: RouteTable; audit: AuditLog; users: UserService; sessions: SessionService; throttle: LoginThrottle;
  cookies: CookiePolicy; setupToken?: string; oidc?: OidcSignIn;
}

const OIDC_STATE_COOKIE = 'medflow_oidc_state';


/** Sign-in, sign-out, first-run setup, own password and second factor. */
export function authRouter(deps: AuthRouterDeps) {
  const { audit, users, sessions } = deps;
  const r = secureRouter(deps.table, '/api/auth', audit);

  const signIn = async (req: Request, res: Response, user: UserRecord, method: 'password' | 'oidc' = 'password') => {
    const { token, session } = await sessions.create(user.id, { clientAddress: req.ip ?? '', userAgent: req.get('user-agent') ?? '', method });
    setSessionCookie(req, res, token, deps.cookies);
    return session;
  };

  const sessionView = (user: UserRecord, csrfToken: string) => ({
    authenticated: true, user: publicUser(user), csrfToken, permissions: [...permissionsOf(user.roles)], pending: pendingSteps(user),
  });

  r.get('/session', 'public', async (req, res) => {
    if (req.auth) { res.json({ ...sessionView(req.auth.user, req.auth.session.csrfToken), setupRequired: false, oidc: !!deps.oidc }); return; }
    res.json({ authenticated: false, setupRequired: (await users.count()) === 0, oidc: !!deps.oidc });
  });

  const checkSetupToken = async (given: string) => {
    if ((await users.count()) > 0) throw refusal(AuthCodes.SETUP_DONE, 'setup is already done; sign in instead / 初期設定は完了しています');
    const expected = deps.setupToken;
    const ok = !!expected && sameSecret(expected, given);
    if (!ok) throw refusal(AuthCodes.INVALID_CREDENTIALS, 'wrong setup code; it is printed in the server log at start-up / セットアップコードが違います（サーバー起動時のログに表示）', { problems: [{ path: 'body.setupToken', message: 'wrong setup code' }] });
  };

  /** First-run setup, step 1: a TOTP secret for the first administrator's authenticator app. */
  r.post('/setup/totp', 'public', async (req, res) => {
    const { setupToken } = parse(SetupStartBody, req.body, 'body');
    await checkSetupToken(setupToken);
    const secret = generateTotpSecret();
    res.json({ secret, otpauthUrl: otpauthUrl(secret, 'admin') });
  });

  /** Step 2: the first administrator, with a password and a confirmed second factor. */
  r.post('/setup', 'public', async (req, res) => {
    const body = parse(SetupBody, req.body, 'body');
    await checkSetupToken(body.setupToken);
    const step = verifyTotp(body.totpSecret, body.totpCode);
    if (step === undefined) throw refusal(AuthCodes.INVALID_CREDENTIALS, 'the code does not match the secret; check the authenticator app / 確認コードが一致しません', { problems: [{ path: 'body.totpCode', message: 'wrong code' }] });
    const user = await users.create({ username: body.username, displayName: body.displayName, roles: ['admin'], password: body.password, totpSecret: body.totpSecret, totpStep: step });
    await auditRequest(audit, req, { actor: { id: user.id, username: user.username }, action: 'auth.setup', resource: { type: 'user', id: user.id }, patientData: false, outcome: 'success' });
    const session = await signIn(req, res, user);
    res.status(201).json(sessionView(user, session.csrfToken));
  });

  r.post('/login', 'public', async (req, res) => {
    const address = req.ip ?? '';
    const wait = deps.throttle.retryAfter(address);
    if (wait > 0) {
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      throw refusal(AuthCodes.TOO_MANY_ATTEMPTS, 'too many failed sign-ins from this address; wait and try again / 試行回数が多すぎます。しばらく待ってください', { retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    const { username, password, totp } = parse(LoginBody, req.body, 'body');
    // The attempt counts against the address before it is checked: parallel guesses cannot all slip under the limit.
    deps.throttle.fail(address);
    const result = await users.login(username, password, totp);
    if (result.ok || result.reason === 'totp_required') deps.throttle.release(address);
    if (!result.ok) {
      // A name that is no account may be anything typed (a password in the wrong field, a patient's name): the trail keeps a
      // pseudonym (repeated attempts still correlate) and the typed text sealed.
      await auditRequest(audit, req, {
        actor: result.user ? { id: result.user.id, username: result.user.username } : { username: `unknown:${audit.pseudonym(username.slice(0, 64))}` },
        action: 'auth.login', patientData: false, outcome: 'failure', details: { reason: result.reason },
        ...(result.user ? {} : { sealed: { typedUsername: username.slice(0, 64) } }),
      });
      if (result.reason === 'totp_required') throw refusal(AuthCodes.TOTP_REQUIRED, 'enter the 6-digit code from your authenticator app / 認証アプリの6桁のコードを入力してください');
      if (result.reason === 'locked') throw refusal(AuthCodes.ACCOUNT_LOCKED, `account locked after repeated failures until ${result.lockedUntil}; an administrator can unlock it / 連続して失敗したためロックされています`, { lockedUntil: result.lockedUntil });
      throw refusal(AuthCodes.INVALID_CREDENTIALS, 'wrong user name, password or code / ユーザー名・パスワード・コードが違います');
    }
    await auditRequest(audit, req, { actor: { id: result.user.id, username: result.user.username }, action: 'auth.login', patientData: false, outcome: 'success' });
    const session = await signIn(req, res, result.user);
    res.json(sessionView(result.user, session.csrfToken));
  });

  /**
   * Single sign-on, step 1: off to the hospital's identity provider. The state also goes into a
   * cookie, so only this browser can finish the sign-in. SameSite=Lax, not Strict: the cookie must come
   * back on the provider's redirect, a cross-site navigation.
   */
  const oidc = (): OidcSignIn => {
    if (!deps.oidc) throw refusal(AuthCodes.OIDC_NOT_CONFIGURED, 'single sign-on is not configured (MEDFLOW_OIDC_ISSUER) / シングルサインオンは設定されていません');
    return deps.oidc;
  };

  r.get('/oidc/start', 'public', async (req, res) => {
    const sso = oidc();
    try {
      const { url, state } = await sso.begin();
      setCookie(req, res, deps.cookies, OIDC_STATE_COOKIE, state, ['Path=/api/auth/oidc', 'HttpOnly', 'SameSite=Lax', 'Max-Age=600']);
      res.redirect(302, url);
    } catch (error) {
      await auditRequest(audit, req, { action: 'auth.login', patientData: false, outcome: 'failure', details: { method: 'oidc', code: (error as MedflowError).code, reason: (error as Error).message } });
      backToSignIn(res, error);
    }
  });

  /** Step 2: the provider sends the browser back with a code; a session on success, the sign-in page with a reason otherwise. */
  r.get('/oidc/callback', 'public', async (req, res) => {
    const sso = oidc();
    const q = parse(CallbackQuery, req.query, 'query');
    const browserState = readCookie(req, OIDC_STATE_COOKIE);
    setCookie(req, res, deps.cookies, OIDC_STATE_COOKIE, '', ['Path=/api/auth/oidc', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0']);
    try {
      const outcome = await sso.finish({ ...q, ...(q.error_description ? { errorDescription: q.error_description } : {}) }, browserState);
      const { result } = outcome;
      if (!result.ok) {
        await auditRequest(audit, req, { actor: result.user ? { id: result.user.id, username: result.user.username } : { username: outcome.username }, action: 'auth.login', patientData: false, outcome: 'failure', details: { method: 'oidc', reason: result.reason } });
        backToSignIn(res, refusal(result.reason === 'username_taken' ? AuthCodes.OIDC_USERNAME_TAKEN : AuthCodes.INVALID_CREDENTIALS, result.reason));
        return;
      }
      await auditRequest(audit, req, { actor: { id: result.user.id, username: result.user.username }, action: 'auth.login', patientData: false, outcome: 'success', details: { method: 'oidc', groups: outcome.groups.slice(0, 50), roles: result.user.roles } });
      await signIn(req, res, result.user, 'oidc');
      res.redirect(302, '/');
    } catch (error) {
      const details = (error as MedflowError).details ?? {};
      await auditRequest(audit, req, { ...(typeof details.username === 'string' ? { actor: { username: details.username } } : {}), action: 'auth.login', patientData: false, outcome: 'failure', details: { method: 'oidc', code: (error as MedflowError).code, reason: (error as Error).message.slice(0, 500) } });
      backToSignIn(res, error);
    }
  });

  r.post('/logout', 'signed-in', async (req, res) => {
    await sessions.revokeById(req.auth!.session.id);
    setSessionCookie(req, res, undefined, deps.cookies);
    await auditRequest(audit, req, { action: 'auth.logout', patientData: false, outcome: 'success' });
    res.status(204).end();
  });

  r.post('/password', 'signed-in', async (req, res) => {
    const { currentPassword, newPassword } = parse(PasswordBody, req.body, 'body');
    try {
      const user = await users.changePassword(req.auth!.user.id, currentPassword, newPassword);
      // Other sessions end: whoever knew the old password is signed out.
      await sessions.revokeUser(user.id, req.auth!.session.id);
      await auditRequest(audit, req, { action: 'auth.password_change', resource: { type: 'user', id: user.id }, patientData: false, outcome: 'success' });
      res.json(sessionView(user, req.auth!.session.csrfToken));
    } catch (error) {
      await auditRequest(audit, req, { action: 'auth.password_change', resource: { type: 'user', id: req.auth!.user.id }, patientData: false, outcome: 'failure', details: { reason: (error as MedflowError).code } });
      throw error;
    }
  });

  r.post('/totp/begin', 'signed-in', async (req, res) => {
    res.json(await users.beginTotp(req.auth!.user.id));
  });

  r.post('/totp/confirm', 'signed-in', async (req, res) => {
    const { code } = parse(CodeBody, req.body, 'body');
    const user = await users.confirmTotp(req.auth!.user.id, code);
    await auditRequest(audit, req, { action: 'auth.totp_enrol', resource: { type: 'user', id: user.id }, patientData: false, outcome: 'success' });
    res.json(sessionView(user, req.auth!.session.csrfToken));
  });

  return r.router;
}
