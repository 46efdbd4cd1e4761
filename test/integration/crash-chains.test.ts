import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { edge } from '../support/flows.js';
import { killHard, spawnServer } from '../support/process.js';
import { Client, setUpAdmin, TEST_SETUP_TOKEN } from '../support/client.js';

// Replay-safe nodes (template, text input, output…) no longer wait for their checkpoint: after a kill -9 they may run
// again, never lose an acknowledged run. Long chains, killed at random moments while many runs are in flight.
const dataDir = mkdtempSync(join(tmpdir(), 'medflow-crash-chains-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const LINKS = 40;
/** note → 40 templates, a short delay (not replay-safe) in the middle → output; the result names every link. */
const chainFlow = () => {
  const nodes: Array<Record<string, unknown>> = [{ id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } }];
  const edges = [];
  let prev = { node: 'note', port: 'text' };
  for (let i = 0; i < LINKS; i++) {
    if (i === LINKS / 2) {
      nodes.push({ id: 'pause', type: 'core/delay', typeVersion: 1, config: { ms: 20 } });
      edges.push(edge(prev.node, prev.port, 'pause', 'value'));
      prev = { node: 'pause', port: 'value' };
    }
    nodes.push({ id: `t${i}`, type: 'core/template', typeVersion: 1, config: { template: `{{${prev.node}}}.${i}` } });
    edges.push(edge(prev.node, prev.port, `t${i}`, 'vars'));
    prev = { node: `t${i}`, port: 'text' };
  }
  nodes.push({ id: 'out', type: 'core/json-output', typeVersion: 1, config: { name: 'result' } });
  edges.push(edge(prev.node, prev.port, 'out', 'value'));
  return { name: '長い連鎖', nodes, edges };
};
const expected = (note: string) => `${note}${Array.from({ length: LINKS }, (_, i) => `.${i}`).join('')}`;

describe('kill -9 at random moments during long chains of replay-safe nodes', () => {
  it('loses no acknowledged run, and every started run completes with the right result after restart', { timeout: 120_000 }, async () => {
    let server = await spawnServer({ MEDFLOW_DATA_DIR: dataDir, MEDFLOW_SETUP_TOKEN: TEST_SETUP_TOKEN });
    const admin = await setUpAdmin(server.url);
    const wf = (await admin.api('POST', '/api/workflows', { document: chainFlow() })).body.workflow.id as string;
    await admin.api('POST', `/api/workflows/${wf}/publish`, {});
    const acknowledged = new Map<string, string>();
    const started = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      const client = Object.assign(new Client(server.url), { cookie: admin.cookie, csrf: admin.csrf });
      let stop = false;
      const workers = Array.from({ length: 6 }, async (_, w) => {
        for (let n = 0; !stop; n++) {
          const note = `r${round}w${w}n${n}`;
          const res = await client.api('POST', `/api/workflows/${wf}/runs?wait=true`, { inputs: { note } }).catch(() => undefined);
          if (!res) return;
          if (res.body?.run?.id) started.set(res.body.run.id, note);
          if (res.status === 201 && res.body.run.status === 'completed') acknowledged.set(res.body.run.id, note);
        }
      });
      await new Promise((r) => setTimeout(r, 400 + Math.floor(Math.random() * 1200)));
      stop = true;
      await killHard(server.child);
      await Promise.allSettled(workers);
      server = await spawnServer({ MEDFLOW_DATA_DIR: dataDir });
    }
    const client = Object.assign(new Client(server.url), { cookie: admin.cookie, csrf: admin.csrf });
    try {
      expect(acknowledged.size).toBeGreaterThan(10);
      // Every run the store holds (also those whose answer the kill cut off) ends completed with its own result.
      const deadline = Date.now() + 60_000;
      let runs: Array<{ id: string; status: string }> = [];
      for (;;) {
        runs = (await client.api('GET', `/api/runs?workflowId=${wf}&limit=500`)).body.runs;
        if (runs.every((r) => r.status === 'completed') || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(runs.filter((r) => r.status !== 'completed')).toEqual([]);
      const stored = new Set(runs.map((r) => r.id));
      for (const id of acknowledged.keys()) expect(stored.has(id)).toBe(true);
      for (const [id, note] of [...started].filter(([id]) => stored.has(id)).slice(0, 60)) {
        const detail = (await client.api('GET', `/api/runs/${id}`)).body;
        expect(detail.run.outputs.result).toBe(expected(note));
        expect(detail.nodes.every((n: { status: string }) => n.status === 'completed')).toBe(true);
      }
    } finally {
      server.child.kill('SIGTERM');
    }
  });
});
