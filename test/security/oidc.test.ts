import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcClient } from '../../server/src/auth/oidc/oidc-client.js';
import { createUser } from '../support/client.js';
import { TestIdentityProvider, type Tamper } from '../support/oidc-provider.js';
import { api, startTestServer } from '../support/server.js';

/**
 * Single sign-on against a real (small, in-process) OpenID Connect provider: code flow with PKCE,
 * state and nonce; every way a token can be wrong is refused without a session.
 */
let idp: TestIdentityProvider;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  idp = await new TestIdentityProvider().start();
  server = await startTestServer({
    MEDFLOW_OIDC_ISSUER: idp.issuer, MEDFLOW_OIDC_CLIENT_ID: idp.clientId, MEDFLOW_OIDC_CLIENT_SECRET: idp.clientSecret,
    MEDFLOW_OIDC_ROLE_MAP: 'physicians=reviewer+runner,medflow-admins=admin',
  });
});
afterAll(async () => { await server.stop(); await idp.stop(); });

/** A browser: follows redirects across both servers and keeps cookies (all on 127.0.0.1, so one jar, as browsers ignore ports). */
class Browser {
  readonly cookies = new Map<string, string>();
  readonly visited: string[] = [];

  async navigate(url: string, hops = 10): Promise<{ url: string; status: number }> {
    let current = url;
    for (let i = 0; i < hops; i++) {
      this.visited.push(current);
      const res = await fetch(current, { redirect: 'manual', headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair!.indexOf('=');
        const name = pair!.slice(0, at), value = pair!.slice(at + 1);
        if (/Max-Age=0/i.test(line) || !value) this.cookies.delete(name); else this.cookies.set(name, value);
      }
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (res.status < 300 || res.status >= 400 || !location) return { url: current, status: res.status };
      current = new URL(location, current).toString();
    }
    throw new Error('too many redirects');
  }

  session() { return api(server.url, 'GET', '/api/auth/session', undefined, this.cookies.has('medflow_session') ? { cookie: `medflow_session=${this.cookies.get('medflow_session')}` } : {}); }
}

async function signInWithSso(): Promise<{ browser: Browser; landed: string }> {
  const browser = new Browser();
  const end = await browser.navigate(`${server.url}/api/auth/oidc/start`);
  return { browser, landed: end.url };
}

const auditOf = async (action: string) => (await server.admin.api('GET', `/api/audit?action=${action}&limit=1000`)).body.events as Array<{ actor: { username?: string }; outcome: string; details?: Record<string, unknown> }>;

describe('OIDC single sign-on', () => {
  it('tells the editor that single sign-on is available', async () => {
    expect((await api(server.url, 'GET', '/api/auth/session')).body).toMatchObject({ authenticated: false, oidc: true });
  });

  it('signs a physician in through the provider, creating the account with the mapped roles', async () => {
    idp.tamper = 'none';
    idp.nextUser = { sub: 'kc-1001', preferred_username: 'Yamada.Taro', name: '山田 太郎', groups: ['physicians', 'unmapped-group'] };
    const { browser, landed } = await signInWithSso();
    expect(landed).toBe(`${server.url}/`);
    expect(browser.visited.some((u) => u.startsWith(`${idp.issuer}/authorize`) && u.includes('code_challenge_method=S256'))).toBe(true);
    const session = (await browser.session()).body;
    expect(session).toMatchObject({ authenticated: true, user: { username: 'yamada.taro', displayName: '山田 太郎', roles: ['reviewer', 'runner'], sso: true }, pending: [] });
    expect(browser.cookies.has('medflow_oidc_state')).toBe(false);
    const logins = await auditOf('auth.login');
    expect(logins[0]).toMatchObject({ actor: { username: 'yamada.taro' }, outcome: 'success', details: { method: 'oidc', roles: ['reviewer', 'runner'] } });
  });

  it('keeps the same account on the next sign-in and takes the roles from the provider again', async () => {
    idp.nextUser = { sub: 'kc-1001', preferred_username: 'Yamada.Taro', name: '山田 太郎', groups: ['medflow-admins'] };
    const first = (await server.admin.api('GET', '/api/users')).body.users.find((u: { username: string }) => u.username === 'yamada.taro');
    const { browser } = await signInWithSso();
    const session = (await browser.session()).body;
    expect(session.user).toMatchObject({ id: first.id, roles: ['admin'] });
    // The provider is trusted for the second factor: an SSO administrator is not asked to enrol TOTP here.
    expect(session.pending).toEqual([]);
  });

  const refusals: Array<[Tamper, string]> = [
    ['signature', 'signature does not verify'], ['audience', 'another client'], ['issuer', 'issuer'], ['expired', 'expired'],
    ['nonce', 'nonce'], ['alg-none', '"none" is not accepted'], ['hs256', '"HS256" is not accepted'], ['unknown-kid', 'no signing key'],
  ];
  it.each(refusals)('refuses a token with a forged or wrong %s, without a session', async (tamper, reason) => {
    idp.tamper = tamper;
    idp.nextUser = { sub: 'kc-2002', preferred_username: 'mallory', groups: ['physicians'] };
    try {
      const { browser, landed } = await signInWithSso();
      expect(landed).toBe(`${server.url}/?signin_error=OIDC_REJECTED`);
      expect(browser.cookies.has('medflow_session')).toBe(false);
      expect((await browser.session()).body.authenticated).toBe(false);
      expect(String((await auditOf('auth.login'))[0]!.details?.reason)).toContain(reason);
    } finally { idp.tamper = 'none'; }
  });

  it('refuses a callback from another browser (login CSRF) and a replayed one', async () => {
    idp.nextUser = { sub: 'kc-3003', preferred_username: 'suzuki', groups: ['physicians'] };
    // The attacker starts a sign-in and stops before coming back...
    const attacker = new Browser();
    const start = await fetch(`${server.url}/api/auth/oidc/start`, { redirect: 'manual' });
    const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const callback = authorize.headers.get('location')!;
    // ...and makes the victim's browser (without the state cookie) open the callback.
    const victim = new Browser();
    expect((await victim.navigate(callback)).url).toBe(`${server.url}/?signin_error=OIDC_REJECTED`);
    expect(victim.cookies.has('medflow_session')).toBe(false);
    // The attacker's own browser now has nothing to finish either: the state was used up.
    attacker.cookies.set('medflow_oidc_state', new URL(callback).searchParams.get('state')!);
    expect((await attacker.navigate(callback)).url).toBe(`${server.url}/?signin_error=OIDC_REJECTED`);
  });

  it('passes on an error from the provider, and refuses a user whose groups map to no role', async () => {
    const browser = new Browser();
    const start = await fetch(`${server.url}/api/auth/oidc/start`, { redirect: 'manual' });
    browser.cookies.set('medflow_oidc_state', /medflow_oidc_state=([^;]+)/.exec(start.headers.get('set-cookie')!)![1]!);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    expect((await browser.navigate(`${server.url}/api/auth/oidc/callback?state=${state}&error=access_denied`)).url).toBe(`${server.url}/?signin_error=OIDC_REJECTED`);

    idp.nextUser = { sub: 'kc-4004', preferred_username: 'clerk', groups: ['front-desk'] };
    expect((await signInWithSso()).landed).toBe(`${server.url}/?signin_error=OIDC_NO_ROLE`);
    expect((await auditOf('auth.login'))[0]).toMatchObject({ actor: { username: 'clerk' }, outcome: 'failure', details: { code: 'OIDC_NO_ROLE' } });
  });

  it('does not hand a local account to a provider user of the same name, and honours a disabled SSO account', async () => {
    await createUser(server.admin, 'tanaka', ['author']);
    idp.nextUser = { sub: 'kc-5005', preferred_username: 'tanaka', groups: ['medflow-admins'] };
    expect((await signInWithSso()).landed).toBe(`${server.url}/?signin_error=OIDC_USERNAME_TAKEN`);

    idp.nextUser = { sub: 'kc-6006', preferred_username: 'sato', groups: ['physicians'] };
    expect((await signInWithSso()).landed).toBe(`${server.url}/`);
    const sato = (await server.admin.api('GET', '/api/users')).body.users.find((u: { username: string }) => u.username === 'sato');
    expect((await server.admin.api('PATCH', `/api/users/${sato.id}`, { disabled: true })).status).toBe(200);
    expect((await signInWithSso()).landed).toBe(`${server.url}/?signin_error=INVALID_CREDENTIALS`);
  });

  it('keeps working when the provider rotates its signing key', async () => {
    const client = new OidcClient({ issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, redirectUri: 'http://127.0.0.1:1/cb', scopes: 'openid' }, fetch, { jwksRefetchMinMs: 0 });
    const signInOnce = async () => {
      const { url, pending } = await client.begin();
      const back = await fetch(url, { redirect: 'manual' });
      return client.complete(new URL(back.headers.get('location')!).searchParams.get('code')!, pending);
    };
    idp.nextUser = { sub: 'kc-7007', groups: [] };
    expect((await signInOnce()).sub).toBe('kc-7007');
    idp.rotateKey();
    expect((await signInOnce()).sub).toBe('kc-7007');
    expect(idp.refusals).toEqual([]);
  });
});

describe('OIDC when not configured or unreachable', () => {
  it('answers 404 OIDC_NOT_CONFIGURED without configuration', async () => {
    const plain = await startTestServer();
    try {
      expect((await api(plain.url, 'GET', '/api/auth/session')).body.oidc).toBe(false);
      const res = await api(plain.url, 'GET', '/api/auth/oidc/start');
      expect([res.status, res.body.error.code]).toEqual([404, 'OIDC_NOT_CONFIGURED']);
    } finally { await plain.stop(); }
  });

  it('sends the user back with OIDC_PROVIDER_ERROR and records why when the provider is down', async () => {
    const down = await startTestServer({ MEDFLOW_OIDC_ISSUER: 'http://127.0.0.1:9/realm', MEDFLOW_OIDC_CLIENT_ID: 'x', MEDFLOW_OIDC_ROLE_MAP: 'g=runner' });
    try {
      const res = await fetch(`${down.url}/api/auth/oidc/start`, { redirect: 'manual' });
      expect([res.status, res.headers.get('location')]).toEqual([302, '/?signin_error=OIDC_PROVIDER_ERROR']);
      const last = (await down.admin.api('GET', '/api/audit?action=auth.login&limit=100')).body.events[0];
      expect(last).toMatchObject({ outcome: 'failure', details: { code: 'OIDC_PROVIDER_ERROR' } });
      expect(last.details.reason).toContain('unreachable');
    } finally { await down.stop(); }
  });

  it('refuses at start-up an issuer without a client id or role map, naming the variable', async () => {
    const { loadConfig } = await import('../../server/src/config.js');
    expect(() => loadConfig({ MEDFLOW_OIDC_ISSUER: 'https://idp.example/realm' })).toThrow(/MEDFLOW_OIDC_CLIENT_ID: required[\s\S]*MEDFLOW_OIDC_ROLE_MAP: required/);
    expect(() => loadConfig({ MEDFLOW_OIDC_ISSUER: 'https://idp.example/realm', MEDFLOW_OIDC_CLIENT_ID: 'c', MEDFLOW_OIDC_ROLE_MAP: 'g=chief' })).toThrow(/unknown role chief/);
  });
});
