import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { slowFlow } from '../support/flows.js';
import { killHard, spawnServer } from '../support/process.js';
import { Client, setUpAdmin, TEST_SETUP_TOKEN } from '../support/client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'medflow-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('crash and resume (separate server process, SIGKILL)', () => {
  it('completes a run after the server is killed mid-run, without re-executing finished nodes', async () => {
    const first = await spawnServer({ MEDFLOW_DATA_DIR: dataDir, MEDFLOW_SETUP_TOKEN: TEST_SETUP_TOKEN });
    const admin = await setUpAdmin(first.url);
    const wf = await admin.api('POST', '/api/workflows', { document: slowFlow(300, 1500) });
    const started = await admin.api('POST', `/api/workflows/${wf.body.workflow.id}/runs`, { inputs: { note: '再開テスト' }, version: 'draft' });
    const runId: string = started.body.run.id;

    await until('second delay to be running', async () => {
      const detail = await admin.api('GET', `/api/runs/${runId}`);
      const second = detail.body.nodes.find((n: { nodeId: string }) => n.nodeId === 'second');
      return second.status === 'running' ? true : undefined;
    });
    await killHard(first.child);

    const second = await spawnServer({ MEDFLOW_DATA_DIR: dataDir });
    // Sessions are stored: the same sign-in carries over to the restarted server.
    const admin2 = Object.assign(new Client(second.url), { cookie: admin.cookie, csrf: admin.csrf });
    try {
      const detail = await until('the run to complete', async () => {
        const d = await admin2.api('GET', `/api/runs/${runId}`);
        return d.body.run.status === 'completed' ? d.body : undefined;
      });
      expect(detail.run.outputs).toEqual({ result: '完了: 再開テスト' });
      const byId = Object.fromEntries(detail.nodes.map((n: { nodeId: string }) => [n.nodeId, n]));
      expect(byId.note).toMatchObject({ status: 'completed', attempts: 1 });
      expect(byId.first).toMatchObject({ status: 'completed', attempts: 1 });
      expect(byId.second).toMatchObject({ status: 'completed', attempts: 2, interruptions: 1 });

      const events = (await admin2.text(`/api/runs/${runId}/events`))
        .split('\n\n').map((b) => b.split('\n').find((l) => l.startsWith('data: '))).filter(Boolean).map((l) => JSON.parse(l!.slice(6)));
      const starts = (node: string) => events.filter((e) => e.type === 'node.started' && e.nodeId === node).length;
      expect([starts('note'), starts('first'), starts('second'), starts('done')]).toEqual([1, 1, 2, 1]);
      expect(events.some((e) => e.type === 'run.resumed')).toBe(true);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    } finally {
      second.child.kill('SIGTERM');
    }
  });
});
