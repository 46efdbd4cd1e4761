import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { silentLogger } from '../../server/src/logger.js';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { Client, createUser, TEST_SETUP_TOKEN, USER_PASSWORD } from '../support/client.js';
import { edge } from '../support/flows.js';
import { gateFlow, gateInputs } from '../support/review-flows.js';
import { startTestServer } from '../support/server.js';


const inputs = gateInputs;

let server: Awaited<ReturnType<typeof startTestServer>>;
let reviewer: Client, otherReviewer: Client, runner: Client, author: Client;

beforeAll(async () => {
  server = await startTestServer();
  reviewer = await createUser(server.admin, 'dr-suzuki', ['reviewer']);
  otherReviewer = await createUser(server.admin, 'dr-tanaka', ['reviewer']);
  runner = await createUser(server.admin, 'clerk', ['runner']);
  author = await createUser(server.admin, 'dr-author', ['author']);
}, 60_000);
afterAll(async () => { await server.stop(); });

async function startGated(document: object, client: Client = server.admin) {
  const wf = await client.api('POST', '/api/workflows', { document });
  expect(wf.status).toBe(201);
  // The gate names the 確認医 role; a role reviews only workflows shared with it (review-access.ts).
  expect((await client.api('PUT', `/api/workflows/${wf.body.workflow.id}/shares`, { shares: [{ principal: 'role:reviewer', access: 'run' }] })).status).toBe(200);
  const run = await client.api('POST', `/api/workflows/${wf.body.workflow.id}/runs?wait=true`, { inputs, version: 'draft' });
  expect(run.body.run.status).toBe('waiting_review');
  const list = await reviewer.api('GET', `/api/reviews?workflowId=${wf.body.workflow.id}`);
  return { workflowId: wf.body.workflow.id as string, runId: run.body.run.id as string, reviews: list.body.reviews as Array<{ id: string; mayDecide: boolean }> };
}

const runOf = (id: string, client: Client = server.admin) => client.api('GET', `/api/runs/${id}`).then((r) => r.body);
async function settled(id: string) {
  for (let i = 0; i < 200; i++) {
    const detail = await runOf(id);
    if (['completed', 'failed', 'cancelled'].includes(detail.run.status)) return detail;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('run did not settle');
}

describe('review gate', () => {
  it('suspends the run, shows the reviewer the draft with sources, and continues with the edited values downstream', async () => {
    const { runId, reviews } = await startGated(gateFlow());
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({ mayDecide: true, fieldCount: 2, withoutEvidence: 2 });
    const opened = (await reviewer.api('GET', `/api/reviews/${reviews[0]!.id}`)).body.review;
    expect(opened.fields.map((f: { key: string; value: unknown; status: string }) => [f.key, f.value, f.status])).toEqual([['diagnosis', '肺炎', 'given'], ['onset', '11/20', 'given']]);
    expect(opened.sources).toEqual([{ kind: 'text', text: inputs.note, from: 'note.text' }]);
    const before = (await runOf(runId)).nodes;

    const decided = await reviewer.api('POST', `/api/reviews/${reviews[0]!.id}/decision`, { decision: 'approved', values: { onset: '2026-11-20' } });
    expect(decided.status).toBe(201);
    expect(decided.body.edits).toEqual([{ key: 'onset', before: '11/20', after: '2026-11-20' }]);
    const done = await settled(runId);
    expect(done.run.status).toBe('completed');
    expect(done.run.outputs.final).toBe('確定: 肺炎（発病 2026-11-20）');
    expect(done.run.outputs.rejection).toBeUndefined();
    expect(done.run.outputs.record).toMatchObject({ decision: 'approved', reviewer: { username: 'dr-suzuki' }, edits: [{ key: 'onset' }] });
    // Nodes before the gate ran once: same attempts and start times as before the decision.
    for (const id of ['note', 'diagnosis', 'onset', 'draft']) {
      const a = before.find((n: { nodeId: string }) => n.nodeId === id), b = done.nodes.find((n: { nodeId: string }) => n.nodeId === id);
      expect([b.attempts, b.startedAt]).toEqual([1, a.startedAt]);
    }
    // The physician's values are no longer AI drafts... and these were never model-made anyway.
    expect(done.provenance.outputs.final.aiDraft).toBe(false);
    const audit = (await server.admin.api('GET', `/api/audit?action=review.decide&resourceId=${reviews[0]!.id}`)).body.events;
    expect(audit[0]).toMatchObject({ outcome: 'success', patientData: true, actor: { username: 'dr-suzuki' }, details: { decision: 'approved', editedFields: ['onset'] } });
  });

  it('refuses whoever the gate does not name, and validates the decision with the field named', async () => {
    const { reviews } = await startGated(gateFlow({ reviewerRoles: [], reviewerUsers: ['dr-suzuki'] }));
    const id = reviews[0]!.id;
    const stranger = await otherReviewer.api('POST', `/api/reviews/${id}/decision`, { decision: 'approved' });
    // Not named and so not allowed to open it either: "not found", like reading it (nothing disclosed).
    expect([stranger.status, stranger.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await otherReviewer.api('GET', `/api/reviews/${id}`)).status).toBe(404);
    expect((await runner.api('POST', `/api/reviews/${id}/decision`, { decision: 'approved' })).status).toBe(403);
    expect((await author.api('GET', '/api/reviews')).status).toBe(403);

    const unknown = await reviewer.api('POST', `/api/reviews/${id}/decision`, { decision: 'approved', values: { icd10: 'J18.9' } });
    expect([unknown.status, unknown.body.error.details.problems[0].path]).toEqual([400, 'body.values.icd10']);
    const emptied = await reviewer.api('POST', `/api/reviews/${id}/decision`, { decision: 'approved', values: { diagnosis: ' ' } });
    expect([emptied.status, emptied.body.error.details.problems[0].path]).toEqual([400, 'body.values.diagnosis']);
    const noReason = await reviewer.api('POST', `/api/reviews/${id}/decision`, { decision: 'rejected', reason: '' });
    expect([noReason.status, noReason.body.error.details.problems[0].path]).toEqual([400, 'body.reason']);
    const denied = (await server.admin.api('GET', `/api/audit?action=review.decide&resourceId=${id}`)).body.events;
    expect(denied[0]).toMatchObject({ outcome: 'denied', actor: { username: 'dr-tanaka' } });
  });

  it('records one decision when the same reviewer double-submits and when two reviewers race', async () => {
    const first = await startGated(gateFlow());
    const same = await Promise.all([1, 2].map(() => reviewer.api('POST', `/api/reviews/${first.reviews[0]!.id}/decision`, { decision: 'approved' })));
    expect(same.map((r) => r.status).sort()).toEqual([200, 201]);
    expect((await settled(first.runId)).run.status).toBe('completed');

    const second = await startGated(gateFlow());
    const raced = await Promise.all([
      reviewer.api('POST', `/api/reviews/${second.reviews[0]!.id}/decision`, { decision: 'approved' }),
      otherReviewer.api('POST', `/api/reviews/${second.reviews[0]!.id}/decision`, { decision: 'rejected', reason: '所見と合わない' }),
    ]);
    expect(raced.map((r) => r.status).sort(), JSON.stringify(raced.map((r) => r.body))).toEqual([201, 409]);
    const loser = raced.find((r) => r.status === 409)!;
    expect(loser.body.error.code).toBe('REVIEW_ALREADY_DECIDED');
    const done = await settled(second.runId);
    expect(done.run.status).toBe('completed');
    const wins = (await server.admin.api('GET', `/api/audit?action=review.decide&resourceId=${second.reviews[0]!.id}`)).body.events.filter((e: { outcome: string }) => e.outcome === 'success');
    expect(wins).toHaveLength(1);
    expect(Object.keys(done.run.outputs).filter((k) => k !== 'record')).toEqual([wins[0].details.decision === 'approved' ? 'final' : 'rejection']);
  });

  it('drops review payloads with the run\'s at the end of the retention period, keeping who decided', async () => {
    const { runId, reviews } = await startGated(gateFlow());
    await reviewer.api('POST', `/api/reviews/${reviews[0]!.id}/decision`, { decision: 'approved', values: { onset: '2026-11-20' } });
    await settled(runId);
    const { purgeExpiredPayloads } = await import('../../server/src/compliance/retention.js');
    const report = await purgeExpiredPayloads(server.store, server.audit, 1, Date.now() + 2 * 86_400_000);
    expect(report.reviews).toBeGreaterThan(0);
    const after = (await reviewer.api('GET', `/api/reviews/${reviews[0]!.id}?status=approved`)).body.review;
    expect(after).toMatchObject({ status: 'approved', fields: [], sources: [], result: null, edits: [], decision: { reviewer: { username: 'dr-suzuki' } } });
  });

  it('takes the rejected path with the reason', async () => {
    const { runId, reviews } = await startGated(gateFlow());
    expect((await reviewer.api('POST', `/api/reviews/${reviews[0]!.id}/decision`, { decision: 'rejected', reason: '画像所見の記載なし' })).status).toBe(201);
    const done = await settled(runId);
    expect(done.run.outputs).toMatchObject({ rejection: { reason: '画像所見の記載なし', draft: { diagnosis: '肺炎' } }, record: { decision: 'rejected' } });
    expect(done.run.outputs.final).toBeUndefined();
    expect(done.nodes.find((n: { nodeId: string }) => n.nodeId === 'letter').status).toBe('skipped');
  });

  it('escalates an overdue review to the escalation roles, or fails the run when the gate says so', async () => {
    const escalating = await startGated(gateFlow({ deadlineHours: 0.0002, escalateRoles: ['author'] }));
    const id = escalating.reviews[0]!.id;
    expect((await author.api('POST', `/api/reviews/${id}/decision`, { decision: 'approved' })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 800));
    expect(await server.reviews.sweepDeadlines()).toMatchObject({ escalated: 1 });
    const overdue = (await reviewer.api('GET', '/api/reviews?overdue=true')).body.reviews.find((r: { id: string }) => r.id === id);
    expect(overdue).toMatchObject({ overdue: true, escalated: true });
    const authorWithReview = await createUser(server.admin, 'dr-chief', ['author', 'reviewer']);
    expect((await authorWithReview.api('POST', `/api/reviews/${id}/decision`, { decision: 'approved' })).status).toBe(201);
    expect((await settled(escalating.runId)).run.status).toBe('completed');

    const failing = await startGated(gateFlow({ deadlineHours: 0.001, onDeadline: 'fail' }));
    expect(await server.reviews.sweepDeadlines(Date.now() + 60_000)).toMatchObject({ expired: 1 });
    const failed = await settled(failing.runId);
    expect(failed.run.status).toBe('failed');
    expect(failed.run.error.code).toBe('REVIEW_DEADLINE_PASSED');
    const late = await reviewer.api('POST', `/api/reviews/${failing.reviews[0]!.id}/decision`, { decision: 'approved' });
    expect([late.status, late.body.error.code]).toEqual([409, 'REVIEW_ALREADY_DECIDED']);
  });

  /** The gate flow with a second gate, for dr-tanaka, on the branch where the letter contains `word`. */
  const withSecondGate = (word: string) => {
    const doc = gateFlow();
    doc.nodes.push(
      { id: 'fever', type: 'core/condition', typeVersion: 1, config: { rules: [{ operator: 'contains', value: word }] } } as never,
      { id: 'second', type: 'core/review', typeVersion: 1, config: { title: '届出の最終確認', reviewerRoles: [], reviewerUsers: ['dr-tanaka'] } } as never,
      { id: 'second-out', type: 'core/json-output', typeVersion: 1, config: { name: 'second' } } as never,
    );
    doc.edges.push(edge('letter', 'text', 'fever', 'value'), edge('fever', 'true', 'second', 'draft'), edge('second', 'approved', 'second-out', 'value'));
    return doc;
  };

  it('passes several gates, including one inside a branch', async () => {
    const { runId, reviews } = await startGated(withSecondGate('発熱'));
    expect((await reviewer.api('POST', `/api/reviews/${reviews[0]!.id}/decision`, { decision: 'approved' })).status).toBe(201);
    // The letter does not contain 発熱: the branch is not taken, the second gate is skipped.
    let done = await settled(runId);
    expect(done.nodes.find((n: { nodeId: string }) => n.nodeId === 'second').status).toBe('skipped');

    const two = await startGated(withSecondGate('肺炎'));
    expect((await reviewer.api('POST', `/api/reviews/${two.reviews[0]!.id}/decision`, { decision: 'approved' })).status).toBe(201);
    let waiting = await runOf(two.runId);
    for (let i = 0; i < 100 && waiting.run.status !== 'waiting_review'; i++) { await new Promise((r) => setTimeout(r, 25)); waiting = await runOf(two.runId); }
    expect(waiting.run.status).toBe('waiting_review');
    const next = (await otherReviewer.api('GET', '/api/reviews')).body.reviews.find((r: { runId: string; nodeId: string }) => r.runId === two.runId && r.nodeId === 'second');
    expect(next).toMatchObject({ mayDecide: true });
    expect((await reviewer.api('GET', `/api/reviews/${next.id}`)).status).toBe(404);
    expect((await otherReviewer.api('POST', `/api/reviews/${next.id}/decision`, { decision: 'approved' })).status).toBe(201);
    done = await settled(two.runId);
    expect(done.run.outputs.second).toEqual({ value: '確定: 肺炎（発病 11/20）' });
  });
});

describe('review gate across a server restart', () => {
  it('keeps the waiting run, and the approval after the restart completes it with the edited values', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    const doctor = await createUser(first.admin, 'dr-restart', ['reviewer']);
    const wf = await first.admin.api('POST', '/api/workflows', { document: gateFlow() });
    await first.admin.api('PUT', `/api/workflows/${wf.body.workflow.id}/shares`, { shares: [{ principal: 'role:reviewer', access: 'run' }] });
    const run = await first.admin.api('POST', `/api/workflows/${wf.body.workflow.id}/runs?wait=true`, { inputs, version: 'draft' });
    expect(run.body.run.status).toBe('waiting_review');
    const reviewIdBefore = (await doctor.api('GET', '/api/reviews')).body.reviews[0].id;
    await first.close();

    let second: RunningServer | undefined;
    try {
      second = await startServer(loadConfig({ MEDFLOW_PORT: '0', MEDFLOW_DATA_DIR: dataDir, MEDFLOW_SETUP_TOKEN: TEST_SETUP_TOKEN }), silentLogger);
      const again = new Client(second.url);
      expect((await again.signIn('dr-restart', USER_PASSWORD)).status).toBe(200);
      const list = (await again.api('GET', '/api/reviews')).body.reviews;
      expect(list.map((r: { id: string }) => r.id)).toEqual([reviewIdBefore]);
      expect((await again.api('POST', `/api/reviews/${reviewIdBefore}/decision`, { decision: 'approved', values: { diagnosis: '肺炎球菌性肺炎' } })).status).toBe(201);
      for (let i = 0; i < 200 && (await second.store.collection<{ id: string; status: string }>('runs').get(run.body.run.id))?.status !== 'completed'; i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      // The reviewer did not start the run and the workflow is not shared with them: read the outcome from the store.
      const final = await second.store.collection<{ id: string; outputs: Record<string, unknown>; status: string }>('runs').get(run.body.run.id);
      expect(final?.status).toBe('completed');
      expect(final?.outputs.final).toBe('確定: 肺炎球菌性肺炎（発病 11/20）');
      const nodes = await second.store.collection<{ id: string; nodeId: string; attempts: number }>('run_nodes').find({}, { idPrefix: `${run.body.run.id}/` });
      expect(nodes.filter((n) => ['note', 'diagnosis', 'onset', 'draft'].includes(n.nodeId)).map((n) => n.attempts)).toEqual([1, 1, 1, 1]);
    } finally {
      await second?.close();
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
