import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { EncryptedStore } from '../../server/src/compliance/encrypted-store.js';
import { Keyring } from '../../server/src/compliance/keyring.js';
import { migrateFileStorage } from '../../server/src/services/file-migration.js';
import { RunFiles } from '../../server/src/services/file-service.js';
import { COLLECTIONS, SqliteStore } from '../../server/src/store/index.js';
import { createUser, type Client } from '../support/client.js';
import { codeFlow, fileFlow } from '../support/flows.js';
import { startTestServer } from '../support/server.js';

// File ids were the SHA-256 of the bytes: anyone able to start a run could name another user's file, read it back
// through a node output, or learn whether a given file existed. Ids are now random handles of one run.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2a3b3ab0000000049454e44ae426082', 'hex');
const contentHash = createHash('sha256').update(PNG).digest('hex');

let server: Awaited<ReturnType<typeof startTestServer>>;
let author: Client;
beforeAll(async () => {
  server = await startTestServer();
  author = await createUser(server.admin, 'author1', ['author']);
});
afterAll(async () => { await server.stop(); });

async function uploadRun(client: Client, workflowId: string) {
  const form = new FormData();
  form.set('version', 'draft');
  form.set('scan', new Blob([PNG]), '山田太郎_紹介状.png');
  const res = await client.api('POST', `/api/workflows/${workflowId}/runs?wait=true`, form);
  expect(res.status).toBe(201);
  return { runId: res.body.run.id as string, ref: res.body.run.inputs.scan as { fileId: string; name: string; mediaType: string; size: number } };
}

/** A code node that outputs whatever file reference it is given: what a package or user code could emit. */
const echoRef = (ref: unknown) => codeFlow(`return ${JSON.stringify(ref)};`);

describe('file ids are per-run handles', () => {
  it('an upload gets a random id, never the content hash, and the same bytes twice get two ids', async () => {
    const id = (await server.admin.api('POST', '/api/workflows', { document: fileFlow })).body.workflow.id;
    const first = await uploadRun(server.admin, id);
    const second = await uploadRun(server.admin, id);
    expect(first.ref.fileId).toMatch(/^[a-f0-9]{64}$/);
    expect(first.ref.fileId).not.toBe(contentHash);
    expect(second.ref.fileId).not.toBe(first.ref.fileId);
    // Its own run serves it; the other run, which holds the same bytes, does not know this id.
    expect((await server.admin.api('GET', `/api/runs/${first.runId}/files/${first.ref.fileId}`)).status).toBe(200);
    expect((await server.admin.api('GET', `/api/runs/${second.runId}/files/${first.ref.fileId}`)).status).toBe(404);
  });

  it('a node output naming another user\'s file (by its hash or its leaked id) is not served from the run that emitted it', async () => {
    const adminFlow = (await server.admin.api('POST', '/api/workflows', { document: fileFlow })).body.workflow.id;
    const victim = await uploadRun(server.admin, adminFlow);
    for (const fileId of [contentHash, victim.ref.fileId]) {
      const wf = (await author.api('POST', '/api/workflows', { document: echoRef({ ...victim.ref, fileId }) })).body.workflow.id;
      const run = await author.api('POST', `/api/workflows/${wf}/runs?wait=true`, { inputs: { note: 'x' }, version: 'draft' });
      expect(run.body.run.status).toBe('completed');
      expect(run.body.run.outputs.out.fileId).toBe(fileId);
      const res = await author.api('GET', `/api/runs/${run.body.run.id}/files/${fileId}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('a node (or a package with run-files) reads only its own run\'s files; forged and foreign ids fail alike', async () => {
    const files = RunFiles.inMemory();
    const mine = await files.storeUpload('run-a', PNG, 'scan.png');
    expect(Buffer.from(await files.forRun('run-a').read(mine)).equals(PNG)).toBe(true);
    const foreign = await files.forRun('run-b').read(mine).catch((e: { code: string }) => e.code);
    const forged = await files.forRun('run-b').read({ ...mine, fileId: contentHash }).catch((e: { code: string }) => e.code);
    expect([foreign, forged]).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    // A file a node writes belongs to its run; an evaluation run is given a dataset's files explicitly.
    const written = await files.forRun('run-b').write(PNG, { name: 'page-1.png', mediaType: 'image/png' });
    expect(await files.open('run-a', written.fileId)).toBeUndefined();
    await files.share({ scan: mine }, 'run-a', 'eval-1');
    expect((await files.open('eval-1', mine.fileId))?.mediaType).toBe('image/png');
  });

  it('a store from before handles: each run keeps reading its own old references, no other run can, and clear names go', async () => {
    const store = new EncryptedStore(new SqliteStore({ path: ':memory:', collections: COLLECTIONS }), { keyring: new Keyring([{ id: 'k1', key: randomBytes(32) }], { kind: 'env' }) });
    const { id } = await store.blobs.put(PNG, { name: 'x', mediaType: 'image/png' });
    expect(id).toBe(contentHash);
    const keys = store.collection<{ id: string; name?: string }>('blob_keys');
    await keys.put({ ...(await keys.get(id))!, name: '山田太郎_紹介状.png' });
    const legacyRef = { fileId: contentHash, name: '山田太郎_紹介状.png', mediaType: 'image/png', size: PNG.length };
    await store.collection<{ id: string } & Record<string, unknown>>('runs').put({ id: '0190aaaa-0000-7000-8000-000000000001', status: 'completed', createdAt: new Date().toISOString(), inputs: { scan: legacyRef }, outputs: {} });
    const files = RunFiles.of(store);
    expect(await migrateFileStorage(store, files)).toEqual({ handles: 1, names: 1 });
    expect((await files.open('0190aaaa-0000-7000-8000-000000000001', contentHash))?.mediaType).toBe('image/png');
    expect(await files.open('0190aaaa-0000-7000-8000-000000000002', contentHash)).toBeUndefined();
    expect((await keys.get(id))!.name).toBeUndefined();
    // Once only.
    expect(await migrateFileStorage(store, files)).toEqual({ handles: 0, names: 0 });
    await store.close();
  });
});
