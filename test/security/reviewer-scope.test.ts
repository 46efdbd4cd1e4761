import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type Client } from '../support/client.js';
import { gateFlow, gateInputs } from '../support/review-flows.js';
import { startTestServer } from '../support/server.js';

// With the default gate (reviewerRoles: ['reviewer']) every 確認医 could open and decide reviews — with the patient's
// sources — of workflows never shared with them, while getting 404 on the run itself. One rule now for both
// (server/src/reviews/review-access.ts): the gate names you, by user, or by role on a workflow shared with you.
let server: Awaited<ReturnType<typeof startTestServer>>;
let owner: Client, drShared: Client, drUnshared: Client, drNamed: Client, clerk: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  owner = await createUser(server.admin, 'dr-owner', ['author']);
  drShared = await createUser(server.admin, 'dr-shared', ['reviewer']);
  drUnshared = await createUser(server.admin, 'dr-unshared', ['reviewer']);
  drNamed = await createUser(server.admin, 'dr-named', ['reviewer']);
  clerk = await createUser(server.admin, 'clerk', ['runner']);
  const users = (await server.admin.api('GET', '/api/users')).body.users as Array<{ id: string; username: string }>;
  const idOf = (name: string) => users.find((u) => u.username === name)!.id;
  const start = async (key: string, gate: Record<string, unknown>) => {
    const wf = (await owner.api('POST', '/api/workflows', { document: gateFlow(gate) })).body.workflow.id as string;
    await owner.api('POST', `/api/workflows/${wf}/publish`, {});
    await owner.api('PUT', `/api/workflows/${wf}/shares`, { shares: [{ principal: `user:${idOf('dr-shared')}`, access: 'run' }, { principal: 'role:runner', access: 'run' }] });
    const run = await clerk.api('POST', `/api/workflows/${wf}/runs?wait=true`, { inputs: gateInputs });
    expect(run.body.run.status).toBe('waiting_review');
    ids[`${key}Run`] = run.body.run.id;
    const [review] = (await server.admin.api('GET', `/api/reviews?workflowId=${wf}`)).body.reviews;
    ids[`${key}Review`] = review.id;
  };
  // By role: shared with dr-shared (not with dr-unshared, not with dr-named). By user: names dr-named only.
  await start('role', {});
  await start('user', { reviewerRoles: [], reviewerUsers: ['dr-named'] });
}, 60_000);
afterAll(async () => { await server.stop(); });

const status = async (client: Client, method: string, path: string, body?: unknown) => (await client.api(method, path, body)).status;
const inInbox = async (client: Client, reviewId: string) => ((await client.api('GET', '/api/reviews')).body.reviews as Array<{ id: string; mayDecide: boolean }> | undefined)?.find((r) => r.id === reviewId);

describe('who sees and decides a review, and sees its run', () => {
  it.for([
    // who,          gate,   inbox, review, mayDecide, run
    ['dr-shared', 'role', true, 200, true, 200],
    ['dr-unshared', 'role', false, 404, false, 404],
    ['dr-named', 'role', false, 404, false, 404],
    ['dr-named', 'user', true, 200, true, 200],
    ['dr-shared', 'user', false, 404, false, 404],
    // Roles without review.read have no inbox (403 by permission) but see the runs they started or own.
    ['clerk', 'role', false, 403, false, 200],
    ['dr-owner', 'role', false, 403, false, 200],
    ['admin', 'user', true, 200, false, 200],
  ] as const)('%s on the %s gate', async ([who, gate, listed, review, decides, run]) => {
    const client = ({ 'dr-shared': drShared, 'dr-unshared': drUnshared, 'dr-named': drNamed, clerk, 'dr-owner': owner, admin: server.admin } as Record<string, Client>)[who]!;
    const reviewId = ids[`${gate}Review`]!;
    const entry = await inInbox(client, reviewId);
    expect(Boolean(entry)).toBe(listed);
    if (entry) expect(entry.mayDecide).toBe(decides);
    // Whoever sees it also sees who may decide it (the reason behind 「閲覧のみ」), by role and user name.
    if (entry) expect((entry as unknown as { deciders: unknown }).deciders).toEqual(gate === 'role' ? { roles: ['reviewer'], users: [] } : { roles: [], users: ['dr-named'] });
    expect(await status(client, 'GET', `/api/reviews/${reviewId}`)).toBe(review);
    expect(await status(client, 'GET', `/api/runs/${ids[`${gate}Run`]}`)).toBe(run);
    // Deciding: 404 for whoever may not open it (nothing disclosed), 403 for those who may look but not decide.
    if (!decides) expect(await status(client, 'POST', `/api/reviews/${reviewId}/decision`, { decision: 'rejected', reason: '確認のため差し戻し' })).toBe(review === 404 ? 404 : 403);
    else expect(review).toBe(200);
  });

  it('the physician who approved sees the run\'s result afterwards; one the gate does not name still does not', async () => {
    const reviewId = ids.roleReview!;
    expect((await drShared.api('POST', `/api/reviews/${reviewId}/decision`, { decision: 'approved' })).status).toBe(201);
    let detail: { run: { status: string; outputs: Record<string, unknown> } } | undefined;
    for (let i = 0; i < 200; i++) {
      detail = (await drShared.api('GET', `/api/runs/${ids.roleRun}`)).body;
      if (detail?.run.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(detail!.run.outputs.final).toBe('確定: 肺炎（発病 11/20）');
    expect(await status(drShared, 'GET', `/api/runs/${ids.roleRun}/export`)).toBe(200);
    expect(await status(drUnshared, 'GET', `/api/runs/${ids.roleRun}`)).toBe(404);
  });
});
