import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createUser } from '../support/client.js';
import { api, startTestServer } from '../support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const byRole: Record<string, Client> = {};
const ROLE_ORDER = ['auditor', 'runner', 'reviewer', 'developer', 'author'] as const;
const PERMISSIONS_OF: Record<string, string[]> = {};

beforeAll(async () => {
  server = await startTestServer();
  for (const role of ROLE_ORDER) {
    byRole[role] = await createUser(server.admin, `u-${role}`, [role]);
    PERMISSIONS_OF[role] = (await byRole[role]!.api('GET', '/api/auth/session')).body.permissions;
  }
});
afterAll(async () => { await server.stop(); });

const concrete = (path: string) => path
  .replace(/:version/g, '1')
  .replace(/:fileId/g, 'a'.repeat(64))
  .replace(/:id/g, '0190d6a4-0000-7000-8000-000000000000')
  .replace(/\*slug/g, 'examples/fever-check');

describe('every API route is guarded', () => {
  it('has a declared access for each route, and only sign-in, setup and health are public', () => {
    const routes = server.routes.routes;
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`).sort()).toEqual([
      'GET /api/auth/oidc/callback', 'GET /api/auth/oidc/start', 'GET /api/auth/session', 'GET /api/health', 'POST /api/auth/login', 'POST /api/auth/setup', 'POST /api/auth/setup/totp',
    ]);
  });

  it('answers 401 to an unauthenticated request on every non-public route', async () => {
    const failures: string[] = [];
    for (const route of server.routes.routes.filter((r) => r.access !== 'public')) {
      const res = await api(server.url, route.method, concrete(route.path), route.method === 'GET' ? undefined : {});
      if (res.status !== 401 || res.body?.error?.code !== 'UNAUTHENTICATED') failures.push(`${route.method} ${route.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 403 to a signed-in user whose roles lack the permission, on every route', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const route of server.routes.routes.filter((r) => r.access !== 'public' && r.access !== 'signed-in')) {
      const role = ROLE_ORDER.find((r) => !PERMISSIONS_OF[r]!.includes(route.access));
      if (!role) continue;
      const res = await byRole[role]!.api(route.method, concrete(route.path), route.method === 'GET' ? undefined : {});
      checked++;
      if (res.status !== 403 || res.body?.error?.code !== 'FORBIDDEN') failures.push(`${route.method} ${route.path} as ${role} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(25);
  });

  it('refuses forged, expired-looking and cleared session cookies', async () => {
    for (const cookie of ['medflow_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'medflow_session=', 'medflow_session=../../etc/passwd', 'medflow_session=%00']) {
      expect((await api(server.url, 'GET', '/api/workflows', undefined, { cookie })).status).toBe(401);
    }
    const client = await createUser(server.admin, 'leaver', ['author']);
    expect((await client.api('GET', '/api/workflows')).status).toBe(200);
    const stolen = client.cookie!;
    expect((await client.api('POST', '/api/auth/logout')).status).toBe(204);
    expect((await api(server.url, 'GET', '/api/workflows', undefined, { cookie: stolen })).status).toBe(401);
  });
});
