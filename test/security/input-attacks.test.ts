import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createUser } from '../support/client.js';
import { fileFlow, feverFlow } from '../support/flows.js';
import { startTestServer } from '../support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let author: Client;
let receiver: Server;
let received: string[] = [];
let receiverHost: string;

beforeAll(async () => {
  receiver = createServer((req, res) => { let body = ''; req.on('data', (c) => { body += c; }); req.on('end', () => { received.push(body); res.end('{"ok":true}'); }); });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverHost = `127.0.0.1:${(receiver.address() as { port: number }).port}`;
  server = await startTestServer({
    MEDFLOW_MAX_UPLOAD_MB: '1', MEDFLOW_MAX_JSON_MB: '1',
    MEDFLOW_HTTP_ALLOWED_HOSTS: `${receiverHost},metadata.internal,localhost,169.254.169.254,[::ffff:a9fe:a9fe],not-internal.example`,
    MEDFLOW_INTERNAL_HOSTS: `${receiverHost},metadata.internal,localhost,169.254.169.254,[::ffff:a9fe:a9fe],127.0.0.2:9,[::1]:9`,
  });
  author = await createUser(server.admin, 'attacker', ['author']);
});
afterAll(async () => { await server.stop(); receiver.close(); });

const httpFlow = (url: string) => ({
  name: 'send', nodes: [
    { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
    { id: 'send', type: 'core/http-request', typeVersion: 1, config: { url } },
  ], edges: [{ from: { node: 'note', port: 'text' }, to: { node: 'send', port: 'vars' } }],
});

async function runDraft(document: unknown, inputs: Record<string, unknown>) {
  const id = (await author.api('POST', '/api/workflows', { document })).body.workflow.id;
  return author.api('POST', `/api/workflows/${id}/runs?wait=true`, { inputs, version: 'draft' });
}

describe('SSRF through the HTTP node', () => {
  it('sends to an allowed internal host', async () => {
    received = [];
    const res = await runDraft(httpFlow(`http://${receiverHost}/notes`), { note: '院内送信' });
    expect(res.body.run.status).toBe('completed');
    expect(received).toEqual(['院内送信']);
  });

  it('refuses link-local metadata addresses, names resolving to loopback, and hosts not allowed', async () => {
    for (const [url, pattern] of [
      ['http://169.254.169.254/latest/meta-data/', /link-local/],
      ['http://[::ffff:169.254.169.254]/latest/meta-data/', /link-local/],
      ['http://localhost:1/admin', /loopback/],
      ['http://127.0.0.2:9/', /allow-list/],
      ['http://[::1]:9/', /allow-list/],
      ['file:///etc/passwd', /URL|http/],
    ] as const) {
      const res = await runDraft(httpFlow(url), { note: 'x' });
      const text = JSON.stringify(res.body);
      expect(text, url).toMatch(pattern);
      expect(res.body.run?.status ?? 'refused', url).not.toBe('completed');
    }
  });

  it('refuses to publish or run a workflow that sends data outside the hospital', async () => {
    const id = (await author.api('POST', '/api/workflows', { document: httpFlow('https://not-internal.example/api') })).body.workflow.id;
    const got = await author.api('GET', `/api/workflows/${id}`);
    expect(got.body.analysis.problems.map((p: { code: string }) => p.code)).toEqual(['EGRESS_FORBIDDEN']);
    expect((await author.api('POST', `/api/workflows/${id}/publish`, {})).body.error.code).toBe('WORKFLOW_INVALID');
    expect((await author.api('POST', `/api/workflows/${id}/runs`, { inputs: { note: 'x' }, version: 'draft' })).body.error.code).toBe('WORKFLOW_INVALID');
  });
});

describe('hostile request bodies', () => {
  it('strips paths from upload names (path traversal) and types files by content', async () => {
    const id = (await author.api('POST', '/api/workflows', { document: fileFlow })).body.workflow.id;
    const form = new FormData();
    form.set('version', 'draft');
    form.set('scan', new Blob([Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2a3b3ab0000000049454e44ae426082', 'hex')]), '../../../etc/passwd');
    const res = await author.api('POST', `/api/workflows/${id}/runs?wait=true`, form);
    expect(res.status).toBe(201);
    expect(res.body.run.inputs.scan).toMatchObject({ name: 'passwd', mediaType: 'image/png' });
  });

  it('refuses prototype-pollution payloads in workflow JSON and leaves Object.prototype clean', async () => {
    for (const body of [
      '{"document":{"name":"p","nodes":[],"edges":[],"__proto__":{"polluted":true}}}',
      '{"__proto__":{"isAdmin":true},"document":{"name":"p","nodes":[],"edges":[]}}',
    ]) {
      const res = await author.api('POST', '/api/workflows', body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.problems[0].code).toBe('FORBIDDEN_KEY');
    }
    const ctor = await author.api('POST', '/api/workflows', { document: { ...feverFlow, constructor: { prototype: { polluted: true } } } });
    expect(ctor.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('answers oversized and malformed bodies with 4xx', async () => {
    expect((await author.api('POST', '/api/workflows', `{"document":{"name":"${'x'.repeat(1_200_000)}"}}`)).status).toBe(413);
    expect((await author.api('POST', '/api/workflows', '{"document":')).body.error.code).toBe('MALFORMED_JSON');
    expect((await author.api('POST', '/api/workflows', 'null')).status).toBe(400);
  });
});

describe('fuzz pass over the API', () => {
  it('never answers 5xx to random or invalid JSON on any route, stays up and loses nothing', async () => {
    const kept = (await author.api('POST', '/api/workflows', { document: feverFlow })).body.workflow.id;
    let seed = 20261124;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const atoms = [null, true, false, 0, -1, 1e308, 'a', '', '💥', '\u0000', '../..', '<script>', 'x'.repeat(5000), [], {}, { __proto__x: 1 }];
    const value = (depth: number): unknown => {
      if (depth > 3 || rand() < 0.4) return pick(atoms);
      if (rand() < 0.5) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [pick(['document', 'name', 'nodes', 'edges', 'inputs', 'version', 'shares', 'roles', 'username', 'password', 'code', 'x']), value(depth + 1)]));
    };
    const raws = ['{', '[]', '"str"', '{"a":}', '\u0000', '{"document":{"nodes":[{"id":1}]}}', '1e99999'];
    const routes = server.routes.routes.filter((r) => r.access !== 'public' && !r.path.includes('retention') && !r.path.includes('encryption') && !r.path.includes('logout') && !(r.path === '/api/users/:id')
      // Deleting the kept workflow would be a legitimate request, not a loss.
      && !(r.method === 'DELETE' && r.path === '/api/workflows/:id'));
    const ids = [kept, 'not-a-uuid', '0190d6a4-0000-7000-8000-000000000000', '../../etc', '%2e%2e'];
    const statuses: Record<number, number> = {};
    for (let i = 0; i < 400; i++) {
      const route = pick(routes);
      const path = route.path.replace(/:id/g, pick(ids)).replace(/:version/g, pick(['1', '-1', 'x', '99999999999'])).replace(/:nodeId/g, pick(['redact', '../x', ''])).replace(/:fileId/g, pick(['a'.repeat(64), 'zz'])).replace(/\*slug/g, pick(['examples/fever-check', '..%2f..%2fetc', 'x']));
      const body = route.method === 'GET' ? undefined : rand() < 0.3 ? pick(raws) : value(0);
      const client = rand() < 0.5 ? author : server.admin;
      const res = await client.api(route.method, path, body as never);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      expect(res.status, `${route.method} ${path} ${JSON.stringify(body)?.slice(0, 200)}`).toBeLessThan(500);
    }
    expect((await server.admin.api('GET', '/api/health')).status).toBe(200);
    expect((await author.api('GET', `/api/workflows/${kept}`)).body.workflow.name).toBe(feverFlow.name);
    expect((await server.admin.api('GET', '/api/audit/verify')).body.ok).toBe(true);
    console.info(`[fuzz] 400 requests, statuses: ${JSON.stringify(statuses)}`);
  });
});
