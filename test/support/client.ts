import { totpNow } from '../../server/src/auth/totp.js';

export const TEST_SETUP_TOKEN = 'test-setup-token-0123';
export const ADMIN_PASSWORD = 'Kanri-Sekinin-2026!';
export const USER_PASSWORD = 'Shinsatsu-Shitsu-77';

export interface ApiResponse { status: number; body: any; headers: Headers }

/** An HTTP client with one signed-in session: it keeps the cookie and sends the CSRF token, as the editor does. */
export class Client {
  cookie?: string;
  csrf?: string;
  user?: { id: string; username: string; roles: string[] };

  constructor(readonly base: string) {}

  async api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const h: Record<string, string> = { ...(this.cookie ? { cookie: this.cookie } : {}), ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}), ...headers };
    const init: RequestInit = { method, headers: h };
    if (body instanceof FormData) init.body = body;
    else if (body instanceof Uint8Array) { init.body = body; h['content-type'] ??= 'application/gzip'; }
    else if (typeof body === 'string') { init.body = body; h['content-type'] ??= 'application/json'; }
    else if (body !== undefined) { init.body = JSON.stringify(body); h['content-type'] = 'application/json'; }
    const res = await fetch(`${this.base}${path}`, init);
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /medflow_session=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? `medflow_session=${m[1]}` : undefined;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON */ }
    const out = { status: res.status, body: parsed as any, headers: res.headers };
    if (out.body?.csrfToken) { this.csrf = out.body.csrfToken; this.user = out.body.user; }
    return out;
  }

  /** The raw text of a GET with this session (SSE streams, CSV). */
  async text(path: string): Promise<string> {
    return fetch(`${this.base}${path}`, { headers: this.cookie ? { cookie: this.cookie } : {} }).then((r) => r.text());
  }

  async signIn(username: string, password: string, totpSecret?: string): Promise<ApiResponse> {
    return this.api('POST', '/api/auth/login', { username, password, ...(totpSecret ? { totp: totpNow(totpSecret) } : {}) });
  }
}

export interface AdminClient extends Client { totpSecret: string }

/** First-run setup through the API: the first administrator, with TOTP, signed in. */
export async function setUpAdmin(base: string, setupToken = TEST_SETUP_TOKEN, username = 'admin'): Promise<AdminClient> {
  const client = new Client(base) as AdminClient;
  const totp = await client.api('POST', '/api/auth/setup/totp', { setupToken });
  if (totp.status !== 200) throw new Error(`setup failed: ${JSON.stringify(totp.body)}`);
  client.totpSecret = totp.body.secret;
  const done = await client.api('POST', '/api/auth/setup', { setupToken, username, displayName: '管理者', password: ADMIN_PASSWORD, totpSecret: client.totpSecret, totpCode: totpNow(client.totpSecret) });
  if (done.status !== 201) throw new Error(`setup failed: ${JSON.stringify(done.body)}`);
  return client;
}

/** Creates a user as the admin, then signs in as them and replaces the temporary password, as a new user would. */
export async function createUser(admin: Client, username: string, roles: string[], password = USER_PASSWORD): Promise<Client> {
  const temporary = `Kari-${Math.random().toString(36).slice(2, 8)}-Pass-9`;
  const created = await admin.api('POST', '/api/users', { username, displayName: username, roles, temporaryPassword: temporary });
  if (created.status !== 201) throw new Error(`user creation failed: ${JSON.stringify(created.body)}`);
  const client = new Client(admin.base);
  await client.signIn(username, temporary);
  const changed = await client.api('POST', '/api/auth/password', { currentPassword: temporary, newPassword: password });
  if (changed.status !== 200) throw new Error(`password change failed: ${JSON.stringify(changed.body)}`);
  client.user = { ...changed.body.user };
  return client;
}
