import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpNow } from '../../server/src/auth/totp.js';
import { ADMIN_PASSWORD, Client, createUser, TEST_SETUP_TOKEN, USER_PASSWORD } from '../support/client.js';
import { api, startTestServer } from '../support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => { server = await startTestServer({ MEDFLOW_LOCKOUT_THRESHOLD: '3' }); });
afterAll(async () => { await server.stop(); });

describe('sign-in', () => {
  it('refuses a second first-run setup, and a wrong setup code', async () => {
    const again = await api(server.url, 'POST', '/api/auth/setup/totp', { setupToken: TEST_SETUP_TOKEN });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SETUP_DONE');
  });

  it('requires the TOTP code of an administrator, and refuses a replayed one', async () => {
    const noCode = await new Client(server.url).signIn('admin', ADMIN_PASSWORD);
    expect(noCode.status).toBe(401);
    expect(noCode.body.error.code).toBe('TOTP_REQUIRED');
    const code = totpNow(server.admin.totpSecret);
    await new Client(server.url).api('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD, totp: code });
    // Whether or not the first use succeeded (the setup may have used this step already), a second use is a replay.
    const replay = await new Client(server.url).api('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD, totp: code });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie and hides whether a user exists', async () => {
    await createUser(server.admin, 'nurse1', ['runner']);
    const ok = await new Client(server.url).api('POST', '/api/auth/login', { username: 'nurse1', password: USER_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/medflow_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict/);
    const unknown = await new Client(server.url).signIn('nobody', 'whatever-Pass-1');
    const wrong = await new Client(server.url).signIn('nurse1', 'wrong-Password-1');
    expect([unknown.status, unknown.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect(wrong.body.error).toEqual(unknown.body.error);
  });

  it('locks an account after repeated failures, even for the right password, until an admin unlocks it', async () => {
    const user = await createUser(server.admin, 'doctor-lock', ['author']);
    for (let i = 0; i < 2; i++) expect((await new Client(server.url).signIn('doctor-lock', 'Wrong-Password-9')).status).toBe(401);
    const third = await new Client(server.url).signIn('doctor-lock', 'Wrong-Password-9');
    expect([third.status, third.body.error.code]).toEqual([423, 'ACCOUNT_LOCKED']);
    expect((await new Client(server.url).signIn('doctor-lock', USER_PASSWORD)).status).toBe(423);
    expect((await server.admin.api('PATCH', `/api/users/${user.user!.id}`, { unlock: true })).status).toBe(200);
    expect((await new Client(server.url).signIn('doctor-lock', USER_PASSWORD)).status).toBe(200);
  });

  it('confines a user with a temporary password to changing it, and applies the password policy', async () => {
    await server.admin.api('POST', '/api/users', { username: 'newbie', displayName: '新人', roles: ['author'], temporaryPassword: 'Kari-Pass-2026-x' });
    const newbie = new Client(server.url);
    const login = await newbie.signIn('newbie', 'Kari-Pass-2026-x');
    expect(login.body.pending).toEqual(['password_change']);
    const blocked = await newbie.api('GET', '/api/workflows');
    expect([blocked.status, blocked.body.error.code]).toEqual([403, 'ACCOUNT_SETUP_REQUIRED']);
    const weak = await newbie.api('POST', '/api/auth/password', { currentPassword: 'Kari-Pass-2026-x', newPassword: 'short' });
    expect(weak.body.error.code).toBe('PASSWORD_POLICY');
    expect(weak.body.error.details.problems[0].path).toBe('body.newPassword');
    expect((await newbie.api('POST', '/api/auth/password', { currentPassword: 'Kari-Pass-2026-x', newPassword: USER_PASSWORD })).status).toBe(200);
    expect((await newbie.api('GET', '/api/workflows')).status).toBe(200);
  });

  it('enrols a second factor and then requires it', async () => {
    const user = await createUser(server.admin, 'tfa-user', ['reviewer']);
    const { secret } = (await user.api('POST', '/api/auth/totp/begin')).body;
    expect((await user.api('POST', '/api/auth/totp/confirm', { code: '000000' })).status).toBe(401);
    expect((await user.api('POST', '/api/auth/totp/confirm', { code: totpNow(secret) })).body.user.totpEnabled).toBe(true);
    expect((await new Client(server.url).signIn('tfa-user', USER_PASSWORD)).body.error.code).toBe('TOTP_REQUIRED');
  });

  it('does not let an administrator disable themselves or drop their own admin role', async () => {
    const self = server.admin.user!.id;
    for (const change of [{ disabled: true }, { roles: ['author'] }]) {
      const res = await server.admin.api('PATCH', `/api/users/${self}`, change);
      expect([res.status, res.body.error.code]).toEqual([409, 'SELF_LOCKOUT']);
    }
    expect((await server.admin.api('GET', '/api/users')).status).toBe(200);
  });

  it('ends other sessions when roles change', async () => {
    const user = await createUser(server.admin, 'demoted', ['author']);
    expect((await user.api('GET', '/api/workflows')).status).toBe(200);
    await server.admin.api('PATCH', `/api/users/${user.user!.id}`, { roles: ['runner'] });
    expect((await user.api('GET', '/api/workflows')).status).toBe(401);
  });

  it('throttles sign-in failures per client address', async () => {
    const throttled = await startTestServer({ MEDFLOW_LOCKOUT_THRESHOLD: '100' });
    try {
      let last = 0;
      for (let i = 0; i < 22; i++) last = (await new Client(throttled.url).signIn(`guess${i}`, 'Guess-Password-1')).status;
      expect(last).toBe(429);
    } finally { await throttled.stop(); }
  });
});

describe('CSRF', () => {
  it('refuses a signed-in state change without the CSRF token, with a wrong one, and from another origin', async () => {
    const author = await createUser(server.admin, 'csrf-author', ['author']);
    const doc = { document: { name: 'x', nodes: [], edges: [] } };
    const missing = await author.api('POST', '/api/workflows', doc, { 'x-csrf-token': '' });
    expect([missing.status, missing.body.error.code]).toEqual([403, 'CSRF_REJECTED']);
    expect((await author.api('POST', '/api/workflows', doc, { 'x-csrf-token': 'forged' })).status).toBe(403);
    const crossSite = await author.api('POST', '/api/workflows', doc, { origin: 'https://evil.example' });
    expect([crossSite.status, crossSite.body.error.code]).toEqual([403, 'CSRF_REJECTED']);
    const loginCsrf = await api(server.url, 'POST', '/api/auth/login', { username: 'csrf-author', password: USER_PASSWORD }, { origin: 'https://evil.example' });
    expect(loginCsrf.status).toBe(403);
    expect((await author.api('POST', '/api/workflows', doc, { origin: server.url })).status).toBe(201);
  });
});
