import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type Client } from '../support/client.js';
import { codeFlow } from '../support/flows.js';
import { startTestServer } from '../support/server.js';

// Evaluation records kept run errors with note text, uploaded file names were kept in clear, and audit details kept
// free-text reasons and typed sign-in names. All of it is sealed now; auditors read audit text through an audited read.
let server: Awaited<ReturnType<typeof startTestServer>>;
let auditor: Client;
beforeAll(async () => {
  server = await startTestServer();
  auditor = await createUser(server.admin, 'auditor1', ['auditor']);
});
afterAll(async () => { await server.stop(); });

/** Everything the database holds in the given collections, as stored (under the encryption layer). */
const rawDump = async (...names: string[]) => JSON.stringify(await Promise.all(names.map((n) => server.store.inner.collection(n).find({}, { limit: 10_000 }))));

describe('patient text is sealed where it was stored in clear', () => {
  it('a name typed at sign-in that is no account: a pseudonym in the trail, the text sealed and readable by auditors only through an audited read', async () => {
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: '山田太郎', password: 'whatever-it-is-1' }) });
    expect(res.status).toBe(401);
    const again = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: '山田太郎', password: 'another-guess-22' }) });
    expect(again.status).toBe(401);
    const events = (await auditor.api('GET', '/api/audit?action=auth.login&limit=10')).body.events as Array<{ seq: number; actor: { username: string }; details: Record<string, unknown> }>;
    const failed = events.filter((e) => e.actor?.username?.startsWith('unknown:'));
    expect(failed).toHaveLength(2);
    expect(failed[0]!.actor.username).toBe(failed[1]!.actor.username); // repeated attempts still correlate
    expect(await rawDump('audit_events', 'audit_sealed')).not.toContain('山田太郎');
    const sealed = await auditor.api('GET', `/api/audit/${failed[0]!.seq}/sealed`);
    expect(sealed.body).toEqual({ seq: failed[0]!.seq, fields: { typedUsername: '山田太郎' }, holds: true });
    const reads = (await auditor.api('GET', '/api/audit?action=audit.read_sealed')).body.events;
    expect(reads[0]).toMatchObject({ patientData: true, resource: { type: 'audit_event', id: String(failed[0]!.seq) }, actor: { username: 'auditor1' } });
    expect((await auditor.api('GET', '/api/audit/abc/sealed')).status).toBe(400);
    expect((await auditor.api('GET', '/api/audit/1/sealed')).status).toBe(404);
  });

  it('sealed audit text altered in the database no longer holds', async () => {
    const events = (await auditor.api('GET', '/api/audit?action=auth.login&limit=10')).body.events as Array<{ seq: number; actor: { username: string } }>;
    const seq = events.find((e) => e.actor?.username?.startsWith('unknown:'))!.seq;
    const stored = server.store.collection<{ id: string; text: Record<string, string> }>('audit_sealed');
    const id = String(seq).padStart(12, '0');
    await stored.put({ id, text: { typedUsername: 'someone-else' } });
    expect((await auditor.api('GET', `/api/audit/${seq}/sealed`)).body.holds).toBe(false);
  });

  it('an evaluation whose runs fail with the note in the error keeps the report sealed', async () => {
    const flow = codeFlow('throw new Error("could not read: " + JSON.stringify(input));');
    const wf = (await server.admin.api('POST', '/api/workflows', { document: flow })).body.workflow.id;
    const jsonl = JSON.stringify({ id: 'a', inputs: { note: '患者 甘利源三 肺炎疑い' }, expected: { out: 'x' } });
    const started = await server.admin.api('POST', `/api/workflows/${wf}/evaluations`, { dataset: { name: 'cases', jsonl } });
    expect(started.status).toBe(202);
    let evaluation: { status: string; report?: { records: Array<{ error?: string }> } } | undefined;
    for (let i = 0; i < 200 && evaluation?.status !== 'completed'; i++) {
      evaluation = (await server.admin.api('GET', `/api/evaluations/${started.body.evaluation.id}`)).body.evaluation;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(evaluation!.report!.records[0]!.error).toContain('甘利源三');
    expect(await rawDump('evaluations')).not.toContain('甘利源三');
  });
});
