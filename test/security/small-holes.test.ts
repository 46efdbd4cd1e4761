import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodePackageJsonSchema } from '@medflow/sdk';
import { loadConfig } from '../../server/src/config.js';
import { ATTACKER_SOURCE, buildPackage } from '../support/node-packages.js';
import { codeFlow, fileFlow } from '../support/flows.js';
import { startTestServer } from '../support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server.stop(); });

// Each of these failed before its fix (issue "Security: …", item 5 and the small ones of item 8).
describe('small holes', () => {
  it('a malformed session cookie is no session, not a 500 on every route', async () => {
    const headers = { cookie: 'medflow_session=%E0%A4%A' };
    expect((await fetch(`${server.url}/api/health`, { headers })).status).toBe(200);
    const res = await fetch(`${server.url}/api/workflows`, { headers });
    expect(res.status).toBe(401);
  });

  it('refuses JSON nested deeper than 100 levels before parsing it, naming the limit', async () => {
    const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
    const raw = await fetch(`${server.url}/api/workflows`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: server.admin.cookie!, 'x-csrf-token': server.admin.csrf! }, body: `{"document":${deep}}` });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { error: unknown }).error).toMatchObject({ code: 'JSON_TOO_DEEP', details: { maxDepth: 100 } });
    // Brackets inside strings do not count.
    const text = await fetch(`${server.url}/api/workflows`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: server.admin.cookie!, 'x-csrf-token': server.admin.csrf! }, body: JSON.stringify({ document: { name: '['.repeat(500) } }) });
    expect(((await text.json()) as { error: { code: string } }).error.code).not.toBe('JSON_TOO_DEEP');
  });

  it('does not accept MEDFLOW_TRUST_PROXY=true (any X-Forwarded-For would be believed); hop counts and addresses are fine', () => {
    expect(() => loadConfig({ MEDFLOW_TRUST_PROXY: 'true' })).toThrow(/MEDFLOW_TRUST_PROXY: true would trust any X-Forwarded-For/);
    expect(loadConfig({ MEDFLOW_TRUST_PROXY: '1' }).security.trustProxy).toBe(1);
    expect(loadConfig({ MEDFLOW_TRUST_PROXY: '10.0.0.5,10.1.0.0/16' }).security.trustProxy).toBe('10.0.0.5,10.1.0.0/16');
  });

  it('keeps the data folder to the server (0700) and the database to it (0600)', () => {
    expect(statSync(server.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(server.dataDir, 'medflow.db')).mode & 0o777).toBe(0o600);
  });

  it('reserves the built-in namespaces and keeps a scoped package to its scope', async () => {
    const manifest = (name: string, nodes: string[]) => ({ name, version: '1.0.0', medflow: { sdk: '^0.1.0', nodes } });
    expect(NodePackageJsonSchema.safeParse(manifest('shadow-nodes', ['core/phi-redact'])).error?.issues[0]?.message).toMatch(/are the built-in nodes'/);
    expect(NodePackageJsonSchema.safeParse(manifest('shadow-nodes', ['medical/icd-coder'])).success).toBe(false);
    expect(NodePackageJsonSchema.safeParse(manifest('@acme/nodes', ['other/thing'])).error?.issues[0]).toMatchObject({ path: ['medflow', 'nodes', 0], message: expect.stringContaining('acme/') });
    expect(NodePackageJsonSchema.safeParse(manifest('@acme/nodes', ['acme/thing'])).success).toBe(true);
    // create-node runs the server's own install checks: such a package cannot even be packed.
    const shadow = await buildPackage({ name: 'shadow-redactor', nodes: ['core/phi-redact'], source: ATTACKER_SOURCE }).catch((e: Error) => e);
    expect(String(shadow)).toMatch(/namespace/);
  });

  it('keeps a UTF-8 upload name as the browser sent it (it arrived decoded as latin1)', async () => {
    const id = (await server.admin.api('POST', '/api/workflows', { document: fileFlow })).body.workflow.id;
    const form = new FormData();
    form.set('version', 'draft');
    form.set('scan', new Blob([Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2a3b3ab0000000049454e44ae426082', 'hex')]), '山田太郎_紹介状.png');
    const res = await server.admin.api('POST', `/api/workflows/${id}/runs?wait=true`, form);
    expect(res.status).toBe(201);
    expect(res.body.run.inputs.scan).toMatchObject({ name: '山田太郎_紹介状.png' });
  });


  it('a code node that returns a function fails with the reason instead of completing with no result', async () => {
    const id = (await server.admin.api('POST', '/api/workflows', { document: codeFlow('return () => 1;') })).body.workflow.id;
    const res = await server.admin.api('POST', `/api/workflows/${id}/runs?wait=true`, { inputs: { note: 'x' }, version: 'draft' });
    expect(res.body.run.status).toBe('failed');
    expect(JSON.stringify(res.body.run)).toMatch(/returned a function/);
  });

  it('validation reports a code node\'s syntax error before anything runs', async () => {
    const res = await server.admin.api('POST', '/api/workflows/validate', { document: codeFlow('return {;') });
    expect(res.body.valid).toBe(false);
    expect(JSON.stringify(res.body.problems)).toMatch(/syntax error/);
    expect((await server.admin.api('POST', '/api/workflows/validate', { document: codeFlow('return { ok: true };') })).body.valid).toBe(true);
  });

  it('refuses a file reference written into JSON run inputs (it could name another user\'s file by its hash)', async () => {
    const id = (await server.admin.api('POST', '/api/workflows', { document: fileFlow })).body.workflow.id;
    const forged = { fileId: 'a'.repeat(64), name: 'x.html', mediaType: 'text/html', size: 10 };
    const res = await server.admin.api('POST', `/api/workflows/${id}/runs?wait=true`, { inputs: { scan: forged }, version: 'draft' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems[0]).toMatchObject({ code: 'FILE_REF_NOT_ALLOWED', path: 'body.inputs.scan' });
    const form = new FormData();
    form.set('version', 'draft');
    form.set('inputs', JSON.stringify({ scan: forged }));
    expect((await server.admin.api('POST', `/api/workflows/${id}/runs?wait=true`, form)).status).toBe(400);
  });

  it('a node output too large to store fails the node with the limit named (7 million characters became ~80 MB before)', async () => {
    const id = (await server.admin.api('POST', '/api/workflows', { document: codeFlow('return "x".repeat(7000000);') })).body.workflow.id;
    const res = await server.admin.api('POST', `/api/workflows/${id}/runs?wait=true`, { inputs: { note: 'x' }, version: 'draft' });
    expect(res.body.run.status).toBe('failed');
    expect(res.body.run.error).toMatchObject({ code: 'NODE_OUTPUT_TOO_LARGE', details: { limit: 4_000_000 } });
  });
});
