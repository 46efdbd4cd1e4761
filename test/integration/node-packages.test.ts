import { createServer, type Server } from 'node:http';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPackageDir } from '@medflow/create-node';
import { loadConfig } from '../../server/src/config.js';
import { silentLogger } from '../../server/src/logger.js';
import { startServer } from '../../server/src/server.js';
import { rmSync } from 'node:fs';
import { Client, createUser, USER_PASSWORD } from '../support/client.js';
import { edge } from '../support/flows.js';
import { ATTACKER_SOURCE, buildPackage } from '../support/node-packages.js';
import { startTestServer } from '../support/server.js';

const EXAMPLE_DIR = fileURLToPath(new URL('../../nodes/examples/jp-date/', import.meta.url));
const OUT = fileURLToPath(new URL('../../test-output/node-packages/', import.meta.url));
const NOTE = '発症 令和6年4月1日、前回入院 H31/4/30。平成31年5月1日は誤記。';
const ID_1 = 'medflow-node-jp-date@1.0.0';
const ID_2 = 'medflow-node-jp-date@1.1.0';

const dateFlow = (name: string, pin?: string) => ({
  name,
  nodes: [
    { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
    { id: 'dates', type: 'example/jp-date', typeVersion: 1, config: { format: 'iso' }, ...(pin ? { package: pin } : {}) },
    { id: 'out', type: 'core/json-output', typeVersion: 1, config: { name: 'text' } },
  ],
  edges: [edge('note', 'text', 'dates', 'text'), edge('dates', 'text', 'out', 'value')],
});

/** A tiny npm registry (the metadata and tarball routes Verdaccio serves), inside the test. */
function startRegistry(files: Map<string, { meta: unknown } | Buffer>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const entry = files.get(decodeURIComponent(req.url ?? ''));
    if (!entry) { res.writeHead(404).end('{}'); return; }
    if (Buffer.isBuffer(entry)) res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(entry);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(entry.meta));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server })));
}

let server: Awaited<ReturnType<typeof startTestServer>>;
let developer: Client;
let author: Client;
let v1: { file: string; integrity: string; bytes: Buffer };
let v2: { file: string; integrity: string; bytes: Buffer };
let registry: { url: string; server: Server };
const registryFiles = new Map<string, { meta: unknown } | Buffer>();

beforeAll(async () => {
  const packed = await packPackageDir(EXAMPLE_DIR, OUT);
  v1 = { file: packed.file, integrity: packed.integrity, bytes: await readFile(packed.file) };
  // Version 1.1.0 of the same package changes the output, so tests can tell which version ran.
  const dir2 = join(OUT, 'jp-date-1.1.0');
  await cp(EXAMPLE_DIR, dir2, { recursive: true, filter: (src) => !src.includes('node_modules') && !src.includes('/dist') });
  const pj = JSON.parse(await readFile(join(dir2, 'package.json'), 'utf8'));
  await writeFile(join(dir2, 'package.json'), JSON.stringify({ ...pj, version: '1.1.0' }));
  const src = await readFile(join(dir2, 'src/index.ts'), 'utf8');
  await writeFile(join(dir2, 'src/index.ts'), src.replace('return { text: rewriteDates(', "return { text: '[v1.1] ' + rewriteDates("));
  const packed2 = await packPackageDir(dir2, OUT);
  v2 = { file: packed2.file, integrity: packed2.integrity, bytes: await readFile(packed2.file) };
  registry = await startRegistry(registryFiles);
  server = await startTestServer({ MEDFLOW_NODE_REGISTRY: registry.url, MEDFLOW_SANDBOX_CPU_MS: '500', MEDFLOW_SANDBOX_WALL_MS: '5000' });
  developer = await createUser(server.admin, 'node-dev', ['developer']);
  // Also a developer, so after the restart (where the admin's TOTP code of this half-minute is spent) it can list packages.
  author = await createUser(server.admin, 'node-author', ['author', 'developer']);
}, 120_000);
afterAll(async () => {
  // The restart test closed the first server already; stop() may find its store closed.
  await server?.stop().catch(() => rmSync(server.dataDir, { recursive: true, force: true }));
  registry?.server.close();
});

const catalogueHas = async (type: string) => ((await author.api('GET', '/api/node-types')).body.nodeTypes as Array<{ type: string }>).some((n) => n.type === type);
const run = async (client: Client, workflowId: string, note: string) => (await client.api('POST', `/api/workflows/${workflowId}/runs?wait=true`, { inputs: { note }, version: 'draft' })).body.run;

describe('installing a node package', () => {
  it('a developer uploads the example package: it waits, with its capabilities, for an administrator', async () => {
    const res = await developer.api('POST', '/api/admin/packages', v1.bytes);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: ID_1, status: 'pending', integrity: v1.integrity, license: 'MIT',
      manifest: { capabilities: { egress: 'none', networkHosts: [], gpu: 'none', filesystem: 'none', services: [] }, limits: { memoryMb: 32, cpuMs: 2000 } },
      nodes: [{ type: 'example/jp-date', version: 1, title: { ja: '日付の正規化（和暦→西暦）' } }],
    });
    expect(res.body.bundle).toBeUndefined();
    expect(await catalogueHas('example/jp-date')).toBe(false);
  });

  it('only an administrator approves, and only exactly what was shown', async () => {
    const caps = { egress: 'none', networkHosts: [], gpu: 'none', filesystem: 'none', services: [] };
    expect((await developer.api('POST', `/api/admin/packages/${encodeURIComponent(ID_1)}/approve`, { integrity: v1.integrity, capabilities: caps })).status).toBe(403);
    const widened = await server.admin.api('POST', `/api/admin/packages/${encodeURIComponent(ID_1)}/approve`, { integrity: v1.integrity, capabilities: { ...caps, services: ['llm'] } });
    expect(widened).toMatchObject({ status: 400, body: { error: { code: 'CAPABILITIES_MISMATCH' } } });
    const stale = await server.admin.api('POST', `/api/admin/packages/${encodeURIComponent(ID_1)}/approve`, { integrity: v2.integrity, capabilities: caps });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'CONFLICT' } } });
    const noIntegrity = await server.admin.api('POST', `/api/admin/packages/${encodeURIComponent(ID_1)}/approve`, { capabilities: caps });
    expect(noIntegrity.status).toBe(400);
    expect(noIntegrity.body.error.details.problems[0].path).toBe('body.integrity');
    const ok = await server.admin.api('POST', `/api/admin/packages/${encodeURIComponent(ID_1)}/approve`, { integrity: v1.integrity, capabilities: caps });
    expect(ok).toMatchObject({ status: 200, body: { status: 'enabled', approvedBy: 'admin' } });
    const entry = ((await author.api('GET', '/api/node-types')).body.nodeTypes as Array<Record<string, any>>).find((n) => n.type === 'example/jp-date')!;
    expect(entry.origin).toEqual({ package: 'medflow-node-jp-date', version: '1.0.0', integrity: v1.integrity, sandboxed: true });
    expect(entry.configSchema.properties.format.enum).toEqual(['iso', 'ja-western']);
  });

  it('an author uses the node in a workflow, which is pinned to the installed version, and runs it', async () => {
    const created = await author.api('POST', '/api/workflows', { document: dateFlow('日付そろえ') });
    expect(created.status).toBe(201);
    expect(created.body.workflow.draft.nodes[1].package).toBe(ID_1);
    const r = await run(author, created.body.workflow.id, NOTE);
    expect(r.status).toBe('completed');
    expect(r.outputs.text).toBe('発症 2024-04-01、前回入院 2019-04-30。平成31年5月1日は誤記。');
    // The config reaches the node as set (its field is called "format", also a JSON Schema keyword).
    const doc = dateFlow('日付そろえ（和文）');
    doc.nodes[1]!.config = { format: 'ja-western' };
    const ja = await author.api('POST', '/api/workflows', { document: doc });
    expect((await run(author, ja.body.workflow.id, NOTE)).outputs.text).toBe('発症 2024年4月1日、前回入院 2019年4月30日。平成31年5月1日は誤記。');
    const bad = await author.api('POST', '/api/workflows/validate', { document: { ...doc, nodes: doc.nodes.map((n, i) => i === 1 ? { ...n, config: { format: 'kanji' } } : n) } });
    expect(bad.body.problems).toContainEqual(expect.objectContaining({ path: 'nodes.1.config.format' }));
    expect((await author.api('DELETE', `/api/workflows/${ja.body.workflow.id}`)).status).toBe(204);
  });

  it('a newer version installs beside it: pinned workflows keep the old one, new nodes get the new one', async () => {
    const up = await developer.api('POST', '/api/admin/packages', v2.bytes);
    expect(up.status).toBe(201);
    await server.admin.api('POST', `/api/admin/packages/${encodeURIComponent(ID_2)}/approve`, { integrity: v2.integrity, capabilities: up.body.manifest.capabilities });
    const list = (await author.api('GET', '/api/workflows')).body.workflows as Array<{ id: string; name: string }>;
    const old = list.find((w) => w.name === '日付そろえ')!;
    expect((await run(author, old.id, NOTE)).outputs.text).not.toContain('[v1.1]');
    // The editor sends the document back without the pin: the saved pin stays.
    const saved = await author.api('PUT', `/api/workflows/${old.id}`, { document: dateFlow('日付そろえ') });
    expect(saved.status).toBe(200);
    expect(saved.body.workflow.draft.nodes[1].package).toBe(ID_1);
    const fresh = await author.api('POST', '/api/workflows', { document: dateFlow('日付そろえ v1.1') });
    expect(fresh.body.workflow.draft.nodes[1].package).toBe(ID_2);
    expect((await run(author, fresh.body.workflow.id, NOTE)).outputs.text).toMatch(/^\[v1\.1\] 発症 2024-04-01/);
    // Moving a workflow to the new version is an explicit edit of the pin.
    const moved = await author.api('PUT', `/api/workflows/${old.id}`, { document: dateFlow('日付そろえ', ID_2) });
    expect(moved.body.workflow.draft.nodes[1].package).toBe(ID_2);
    const missing = await author.api('POST', '/api/workflows/validate', { document: dateFlow('x', 'medflow-node-jp-date@9.9.9') });
    expect(missing.body.problems).toContainEqual(expect.objectContaining({ code: 'PACKAGE_NOT_INSTALLED', path: 'nodes.1.package' }));
  });

  it('a version that workflows pin cannot be removed; an unused one can, and the removal is audited', async () => {
    const inUse = await server.admin.api('DELETE', `/api/admin/packages/${encodeURIComponent(ID_2)}`);
    expect(inUse).toMatchObject({ status: 409, body: { error: { code: 'PACKAGE_IN_USE' } } });
    expect(inUse.body.error.details.workflows).toEqual(expect.arrayContaining(['日付そろえ', '日付そろえ v1.1']));
    expect((await developer.api('DELETE', `/api/admin/packages/${encodeURIComponent(ID_1)}`)).status).toBe(403);
    const removed = await server.admin.api('DELETE', `/api/admin/packages/${encodeURIComponent(ID_1)}`);
    expect(removed.status).toBe(200);
    expect(await catalogueHas('example/jp-date')).toBe(true);
    const audit = (await server.admin.api('GET', '/api/audit?resourceId=' + encodeURIComponent(ID_1))).body.events as Array<{ action: string; outcome: string }>;
    expect(audit.map((e) => `${e.action}:${e.outcome}`)).toEqual(expect.arrayContaining(['package.upload:success', 'package.approve:failure', 'package.approve:success', 'package.uninstall:success']));
  });

  it('refuses what is not an installable package, naming the problem', async () => {
    const notGzip = await developer.api('POST', '/api/admin/packages', new TextEncoder().encode('not a tarball'));
    expect(notGzip).toMatchObject({ status: 400, body: { error: { code: 'PACKAGE_INVALID', message: expect.stringContaining('gzip') } } });
    const asJson = await developer.api('POST', '/api/admin/packages', { hello: 1 });
    expect(asJson).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } } });
    const again = await developer.api('POST', '/api/admin/packages', v2.bytes);
    expect(again).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('already installed') } } });
    const undeclared = await buildPackage({ name: 'sneaky-nodes', nodes: ['sneaky/one'], source: ATTACKER_SOURCE }).catch((e: Error & { problems?: string[] }) => e);
    expect((undeclared as Error & { problems?: string[] }).problems).toContainEqual(expect.stringContaining('evil/attack@1: the node is not listed in package.json medflow.nodes'));
  });
});

describe('a hostile package on the server', () => {
  it('an endless loop fails its node with a clear error and the server carries on', async () => {
    const evil = await buildPackage({ name: 'evil-nodes-server', nodes: ['evil/attack'], source: ATTACKER_SOURCE });
    const up = await server.admin.api('POST', '/api/admin/packages', evil.bytes);
    expect(up.status).toBe(201);
    await server.admin.api('POST', `/api/admin/packages/${encodeURIComponent(up.body.id)}/approve`, { integrity: up.body.integrity, capabilities: up.body.manifest.capabilities });
    const doc = {
      name: '封じ込め', nodes: [
        { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
        { id: 'attack', type: 'evil/attack', typeVersion: 1, config: { attack: 'loop' } },
        { id: 'out', type: 'core/json-output', typeVersion: 1, config: { name: 'out' } },
      ],
      edges: [edge('note', 'text', 'attack', 'text'), edge('attack', 'out', 'out', 'value')],
    };
    const wf = (await author.api('POST', '/api/workflows', { document: doc })).body.workflow;
    const started = Date.now();
    const failed = await run(author, wf.id, 'x');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(failed.status).toBe('failed');
    const detail = (await author.api('GET', `/api/runs/${failed.id}`)).body;
    expect(detail.nodes.find((n: { nodeId: string }) => n.nodeId === 'attack').error).toMatchObject({ code: 'SANDBOX_CPU_LIMIT', category: 'USER' });
    expect((await new Client(server.url).api('GET', '/api/health')).status).toBe(200);
    const polluted = await author.api('PUT', `/api/workflows/${wf.id}`, { document: { ...doc, nodes: doc.nodes.map((n) => n.id === 'attack' ? { ...n, config: { attack: 'pollute' } } : n) } });
    expect(polluted.status).toBe(200);
    const r = await run(author, wf.id, 'x');
    expect(r.outputs.out).toEqual({ safe: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('capabilities and the egress policy', () => {
  it('a package that may send data outside the hospital cannot receive patient data under the default policy', async () => {
    const source = ATTACKER_SOURCE.replace("type: 'evil/attack'", "type: 'cloud/send'");
    const built = await buildPackage({ name: 'cloud-sender', nodes: ['cloud/send'], capabilities: { egress: 'external', networkHosts: ['api.example.com'] }, source });
    const up = await server.admin.api('POST', '/api/admin/packages', built.bytes);
    expect(up.body.manifest.capabilities).toMatchObject({ egress: 'external', networkHosts: ['api.example.com'] });
    await server.admin.api('POST', `/api/admin/packages/${encodeURIComponent(up.body.id)}/approve`, { integrity: up.body.integrity, capabilities: up.body.manifest.capabilities });
    const entry = ((await author.api('GET', '/api/node-types')).body.nodeTypes as Array<Record<string, any>>).find((n) => n.type === 'cloud/send')!;
    // Whatever the node claims, a sandboxed node passes patient data through.
    expect(entry.capabilities).toMatchObject({ egress: 'external', networkHosts: ['api.example.com'], phi: 'passes' });
    const analysis = (await author.api('POST', '/api/workflows/validate', { document: {
      name: '院外送信', nodes: [
        { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
        { id: 'send', type: 'cloud/send', typeVersion: 1, config: { attack: 'ok' } },
      ], edges: [edge('note', 'text', 'send', 'text')],
    } })).body;
    expect(analysis.valid).toBe(false);
    expect(analysis.problems).toContainEqual(expect.objectContaining({ code: 'EGRESS_FORBIDDEN', nodeId: 'send' }));
  });
});

describe('installing from the hospital registry', () => {
  it('downloads the version, checks the registry integrity, then waits for approval like an upload', async () => {
    registryFiles.set('/medflow-node-jp-date', { meta: { name: 'medflow-node-jp-date', versions: { '1.0.0': { dist: { tarball: `${registry.url}medflow-node-jp-date/-/medflow-node-jp-date-1.0.0.tgz`, integrity: v1.integrity } } } } });
    registryFiles.set('/medflow-node-jp-date/-/medflow-node-jp-date-1.0.0.tgz', v1.bytes);
    const res = await developer.api('POST', '/api/admin/packages/registry', { name: 'medflow-node-jp-date', version: '1.0.0' });
    expect(res).toMatchObject({ status: 201, body: { id: ID_1, status: 'pending', integrity: v1.integrity, source: { kind: 'registry' } } });
    const missing = await developer.api('POST', '/api/admin/packages/registry', { name: 'medflow-node-jp-date', version: '3.0.0' });
    expect(missing).toMatchObject({ status: 404 });
    registryFiles.set('/medflow-node-jp-date/-/medflow-node-jp-date-1.0.0.tgz', v2.bytes);
    const tampered = await developer.api('POST', '/api/admin/packages/registry', { name: 'medflow-node-jp-date', version: '1.0.0' });
    expect(tampered).toMatchObject({ status: 502, body: { error: { code: 'INTEGRITY_MISMATCH', message: expect.stringContaining(v1.integrity) } } });
    const bad = await developer.api('POST', '/api/admin/packages/registry', { name: 'Not A Name', version: '1' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual(['body.name', 'body.version']);
  });
});

describe('after a restart', () => {
  it('enabled packages load again and pinned workflows still run', async () => {
    await server.close();
    const config = loadConfig({ MEDFLOW_PORT: '0', MEDFLOW_DATA_DIR: server.dataDir });
    const again = await startServer(config, silentLogger);
    try {
      const admin = new Client(again.url);
      expect((await admin.signIn('node-author', USER_PASSWORD)).status).toBe(200);
      const list = (await admin.api('GET', '/api/admin/packages')).body.packages as Array<{ id: string; status: string }>;
      expect(list.filter((p) => p.status === 'enabled').map((p) => p.id)).toEqual(expect.arrayContaining([ID_2]));
      const wf = ((await admin.api('GET', '/api/workflows')).body.workflows as Array<{ id: string; name: string }>).find((w) => w.name === '日付そろえ v1.1')!;
      const r = (await admin.api('POST', `/api/workflows/${wf.id}/runs?wait=true`, { inputs: { note: NOTE }, version: 'draft' })).body.run;
      expect(r.outputs.text).toMatch(/^\[v1\.1\] 発症 2024-04-01/);
    } finally {
      await again.close();
    }
  });
});
