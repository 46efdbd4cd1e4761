import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feverFlow } from '../support/flows.js';
import { Client, createUser } from '../support/client.js';
import { startTestServer } from '../support/server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let alice: Client, bob: Client, runner: Client, auditor: Client;
let workflowId: string, runId: string;

beforeAll(async () => {
  server = await startTestServer();
  alice = await createUser(server.admin, 'alice', ['author']);
  bob = await createUser(server.admin, 'bob', ['author']);
  runner = await createUser(server.admin, 'carol', ['runner']);
  auditor = await createUser(server.admin, 'dave', ['auditor']);
  workflowId = (await alice.api('POST', '/api/workflows', { document: feverFlow })).body.workflow.id;
  await alice.api('POST', `/api/workflows/${workflowId}/publish`, {});
  runId = (await alice.api('POST', `/api/workflows/${workflowId}/runs?wait=true`, { inputs: { note: '山田花子 体温38.5' } })).body.run.id;
});
afterAll(async () => { await server.stop(); });

describe('IDOR between users', () => {
  it("keeps one author's workflows and runs invisible to another", async () => {
    expect((await bob.api('GET', '/api/workflows')).body.workflows).toEqual([]);
    for (const [method, path, body] of [
      ['GET', `/api/workflows/${workflowId}`], ['PUT', `/api/workflows/${workflowId}`, { document: feverFlow }], ['DELETE', `/api/workflows/${workflowId}`],
      ['GET', `/api/workflows/${workflowId}/versions`], ['GET', `/api/workflows/${workflowId}/export`], ['POST', `/api/workflows/${workflowId}/runs`, { inputs: { note: 'x' } }],
      ['PUT', `/api/workflows/${workflowId}/shares`, { shares: [] }], ['GET', `/api/runs/${runId}`], ['GET', `/api/runs/${runId}/events`], ['POST', `/api/runs/${runId}/cancel`, {}],
    ] as const) {
      const res = await bob.api(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await bob.api('GET', `/api/runs?workflowId=${workflowId}`)).body.runs).toEqual([]);
    expect((await bob.api('GET', '/api/runs')).body.runs).toEqual([]);
  });

  it('lets a runner the workflow is shared with run the published version, not the draft, and see only their own runs', async () => {
    expect((await runner.api('GET', `/api/workflows/${workflowId}`)).status).toBe(404);
    await alice.api('PUT', `/api/workflows/${workflowId}/shares`, { shares: [{ principal: 'role:runner', access: 'run' }] });
    expect((await runner.api('GET', `/api/workflows/${workflowId}`)).body.access).toBe('run');
    const draft = await runner.api('POST', `/api/workflows/${workflowId}/runs`, { inputs: { note: 'x' }, version: 'draft' });
    expect([draft.status, draft.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await runner.api('PUT', `/api/workflows/${workflowId}`, { document: feverFlow })).status).toBe(403);
    const own = await runner.api('POST', `/api/workflows/${workflowId}/runs?wait=true`, { inputs: { note: '体温36.8' } });
    expect(own.status).toBe(201);
    expect((await runner.api('GET', `/api/runs/${own.body.run.id}`)).status).toBe(200);
    expect((await runner.api('GET', `/api/runs/${runId}`)).status).toBe(404);
    expect((await runner.api('GET', '/api/runs')).body.runs.map((r: { id: string }) => r.id)).toEqual([own.body.run.id]);
    // The author, who edits the workflow, sees both runs.
    expect((await alice.api('GET', `/api/runs?workflowId=${workflowId}`)).body.runs).toHaveLength(2);
  });

  it('gives auditors the trail but no patient data', async () => {
    expect((await auditor.api('GET', `/api/runs/${runId}`)).status).toBe(403);
    const trail = await auditor.api('GET', `/api/audit?resourceId=${runId}`);
    expect(trail.status).toBe(200);
    expect(trail.body.events.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['run.start']));
    expect(JSON.stringify(trail.body)).not.toContain('山田');
  });
});

describe('audit trail', () => {
  it('records logins, run starts, views of run data with the patient-data flag, and workflow changes; verify holds; CSV exports', async () => {
    await alice.api('GET', `/api/runs/${runId}`);
    const events = (await server.admin.api('GET', '/api/audit?limit=1000')).body.events as Array<{ action: string; actor: { username?: string }; patientData: boolean; outcome: string; clientAddress: string; resource?: { id?: string } }>;
    const has = (action: string, extra: Record<string, unknown> = {}) => events.some((e) => e.action === action && Object.entries(extra).every(([k, v]) => JSON.stringify((e as Record<string, unknown>)[k]) === JSON.stringify(v)));
    expect(has('auth.login', { outcome: 'success' })).toBe(true);
    expect(has('run.start', { patientData: true })).toBe(true);
    expect(has('run.view', { patientData: true, resource: { type: 'run', id: runId } })).toBe(true);
    expect(has('run.view', { outcome: 'denied' })).toBe(true); // bob's attempt
    expect(has('workflow.create')).toBe(true);
    expect(has('workflow.publish')).toBe(true);
    expect(has('workflow.share')).toBe(true);
    expect(has('user.create')).toBe(true);
    expect(has('access.denied')).toBe(true);
    expect(events.every((e) => e.clientAddress)).toBe(true);

    expect((await auditor.api('GET', '/api/audit/verify')).body).toMatchObject({ ok: true });
    const csv = await auditor.text('/api/audit/export.csv');
    expect(csv.split('\r\n')[0]!.replace(/^\uFEFF/, '')).toBe('seq,time,actor_id,actor_username,action,resource_type,resource_id,patient_data,outcome,client_address,details,prev_hash,hash');
    expect(csv).toContain(',run.start,');

    // Tampering directly in the database (outside the application) is detected.
    const raw = server.store.inner.collection<Record<string, unknown> & { id: string }>('audit_events');
    const third = (await raw.get('000000000003'))!;
    await raw.put({ ...third, outcome: 'failure' });
    const verify = await auditor.api('GET', '/api/audit/verify');
    expect(verify.body).toMatchObject({ ok: false, firstBroken: { seq: 3 } });
    await raw.put(third);
  });
});

describe('encryption at rest and retention', () => {
  it('keeps run inputs, outputs and events sealed in the database', async () => {
    const raw = server.store.inner;
    const dump = JSON.stringify([
      await raw.collection('runs').find({}), await raw.collection('run_nodes').find({}), await raw.collection('run_events').find({}),
    ]);
    expect(dump).not.toContain('山田花子');
    expect(dump).toContain('"$enc":"aes-256-gcm"');
    expect((await alice.api('GET', `/api/runs/${runId}`)).body.run.inputs.note).toBe('山田花子 体温38.5');
  });

  it('rotates the data key and re-encrypts, audited, with data still readable', async () => {
    const rotated = await server.admin.api('POST', '/api/admin/encryption/rotate');
    expect(rotated.status).toBe(201);
    const report = await server.admin.api('POST', '/api/admin/encryption/reencrypt');
    expect(report.body.reencrypted).toBeGreaterThan(0);
    const status = await server.admin.api('GET', '/api/admin/security');
    expect(Object.keys(status.body.encryption.usage)).toEqual([rotated.body.activeKeyId]);
    expect((await alice.api('GET', `/api/runs/${runId}`)).body.run.inputs.note).toBe('山田花子 体温38.5');
  });

  it('purges payloads past the retention period and keeps the run record and the audit trail', async () => {
    const before = (await server.admin.api('GET', '/api/audit?limit=1')).body.events[0].seq;
    const purge = await server.admin.api('POST', '/api/admin/retention/purge', { retentionDays: 1 });
    expect(purge.body.runsPurged).toBe(0); // nothing is a day old yet
    const { purgeExpiredPayloads } = await import('../../server/src/compliance/retention.js');
    const report = await purgeExpiredPayloads(server.store, server.audit, 1, Date.now() + 2 * 86_400_000);
    expect(report.runsPurged).toBe(2);
    const run = (await alice.api('GET', `/api/runs/${runId}`)).body;
    expect(run.run).toMatchObject({ status: 'completed', inputs: {}, outputs: {}, purgedAt: expect.any(String) });
    expect(run.nodes.every((n: { outputs?: unknown }) => n.outputs === undefined)).toBe(true);
    const after = (await server.admin.api('GET', '/api/audit?limit=1000')).body.events;
    expect(after[0].seq).toBeGreaterThan(before);
    expect(after.some((e: { action: string }) => e.action === 'retention.purge')).toBe(true);
    expect((await server.admin.api('GET', '/api/audit/verify')).body.ok).toBe(true);
  });
});
