import { builtinNodes } from '@medflow/nodes-builtin';
import type { RunEvent, WorkflowDocumentInput } from '@medflow/sdk';
import { describe, expect, it } from 'vitest';
import { testNodes } from '../testing/test-nodes.js';
import { Engine, MemoryJournal, NodeRegistry, ResourcePools } from './index.js';

function setup(pools: Record<string, number> = { gpu: 1 }) {
  const calls = new Map<string, number>();
  const registry = new NodeRegistry().registerAll(builtinNodes).registerAll(testNodes(calls));
  const journal = new MemoryJournal();
  const engine = new Engine({ registry, journal, pools: new ResourcePools(pools) });
  const events: RunEvent[] = [];
  engine.on((e) => events.push(e));
  return { engine, journal, calls, events };
}

const node = (id: string, type: string, config: Record<string, unknown> = {}) => ({ id, type, typeVersion: 1, config });
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

describe('engine execution', () => {
  it('runs independent branches concurrently: two 200 ms branches take ~200 ms, not 400', async () => {
    const { engine } = setup();
    const doc: WorkflowDocumentInput = {
      name: 'parallel',
      nodes: [node('a', 'test/sleep', { ms: 200, value: 'A' }), node('b', 'test/sleep', { ms: 200, value: 'B' }), node('join', 'core/merge', { mode: 'array' }), node('out', 'core/json-output')],
      edges: [edge('a', 'out', 'join', 'in'), edge('b', 'out', 'join', 'in'), edge('join', 'value', 'out', 'value')],
    };
    const t0 = performance.now();
    const { done } = await engine.start(doc, {});
    const run = await done;
    const elapsed = performance.now() - t0;
    expect(run.status).toBe('completed');
    expect(run.outputs.result).toEqual(['A', 'B']);
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(350);
  });

  it('skips the branch a condition did not take, and everything downstream of it, while joins wait only for live branches', async () => {
    const { engine, journal, calls } = setup();
    const doc: WorkflowDocumentInput = {
      name: 'branches',
      nodes: [
        node('note', 'core/text-input', { name: 'note' }),
        node('check', 'core/condition', { rules: [{ operator: 'contains', value: '発熱' }] }),
        node('fever', 'core/template', { template: '発熱あり: {{check}}' }),
        node('feverMore', 'test/sleep', {}),
        node('noFever', 'core/template', { template: '発熱なし' }),
        node('join', 'core/merge'),
        node('out', 'core/json-output'),
      ],
      edges: [
        edge('note', 'text', 'check', 'value'),
        edge('check', 'true', 'fever', 'vars'),
        edge('fever', 'text', 'feverMore', 'in'),
        edge('check', 'false', 'noFever', 'vars'),
        edge('feverMore', 'out', 'join', 'in'),
        edge('noFever', 'text', 'join', 'in'),
        edge('join', 'value', 'out', 'value'),
      ],
    };
    const run = await (await engine.start(doc, { note: '３８度の発熱と咳嗽' })).done;
    expect(run.status).toBe('completed');
    const status = Object.fromEntries(journal.nodesOf(run.id).map((n) => [n.nodeId, n.status]));
    expect(status).toMatchObject({ check: 'completed', fever: 'completed', feverMore: 'completed', noFever: 'skipped', join: 'completed', out: 'completed' });
    expect(run.outputs.result).toEqual(['発熱あり: ３８度の発熱と咳嗽']);

    const run2 = await (await engine.start(doc, { note: '特記事項なし' })).done;
    const status2 = Object.fromEntries(journal.nodesOf(run2.id).map((n) => [n.nodeId, n.status]));
    expect(status2).toMatchObject({ fever: 'skipped', feverMore: 'skipped', noFever: 'completed', join: 'completed' });
    expect(run2.outputs.result).toBe('発熱なし');
    expect(calls.get('feverMore')).toBe(1);
  });

  it('retries retryable failures with back-off and records every attempt', async () => {
    const { engine, journal, events } = setup();
    const run = await (await engine.start({ name: 'retry', nodes: [node('f', 'test/flaky', { failTimes: 2 })], edges: [] }, {})).done;
    expect(run.status).toBe('completed');
    const rec = journal.nodesOf(run.id)[0]!;
    expect(rec.attempts).toBe(3);
    expect(rec.outputs).toEqual({ out: 'ok after 3' });
    expect(events.filter((e) => e.type === 'node.retrying')).toHaveLength(2);
  });

  it('does not retry USER errors, and fails the run once retries are used up', async () => {
    const { engine, calls } = setup();
    const user = await (await engine.start({ name: 'u', nodes: [node('u', 'test/flaky', { failTimes: 5, category: 'USER' })], edges: [] }, {})).done;
    expect(user.status).toBe('failed');
    expect(calls.get('u')).toBe(1);
    const sys = await (await engine.start({ name: 's', nodes: [node('s', 'test/flaky', { failTimes: 9 })], edges: [] }, {})).done;
    expect(sys.status).toBe('failed');
    expect(calls.get('s')).toBe(4);
    expect(sys.error).toMatchObject({ code: 'FLAKY', details: { nodeId: 's' } });
  });

  it('times a node out, even one that ignores its abort signal', async () => {
    const { engine, journal } = setup();
    const doc: WorkflowDocumentInput = { name: 't', nodes: [{ ...node('slow', 'test/sleep', { ms: 5000, ignoreAbort: true }), settings: { timeoutMs: 150 } }], edges: [] };
    const t0 = performance.now();
    const run = await (await engine.start(doc, {})).done;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(run.status).toBe('failed');
    expect(journal.nodesOf(run.id)[0]!.error).toMatchObject({ code: 'NODE_TIMEOUT' });
  });

  it('cancels a run: running nodes are aborted, nothing downstream starts', async () => {
    const { engine, journal, calls } = setup();
    const doc: WorkflowDocumentInput = {
      name: 'c', nodes: [node('long', 'test/sleep', { ms: 10_000 }), node('after', 'test/sleep', {})], edges: [edge('long', 'out', 'after', 'in')],
    };
    const { run, done } = await engine.start(doc, {});
    setTimeout(() => void engine.cancel(run.id, 'physician stopped it'), 50);
    const t0 = performance.now();
    const final = await done;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(final.status).toBe('cancelled');
    expect(journal.nodesOf(run.id).find((n) => n.nodeId === 'long')!.status).toBe('cancelled');
    expect(calls.get('after')).toBeUndefined();
  });

  it('fails the whole run when one branch fails, cancelling the other branch', async () => {
    const { engine, journal } = setup();
    const doc: WorkflowDocumentInput = { name: 'f', nodes: [node('bad', 'test/liar'), node('long', 'test/sleep', { ms: 10_000 })], edges: [] };
    const run = await (await engine.start(doc, {})).done;
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'OUTPUT_INVALID' });
    expect(journal.nodesOf(run.id).find((n) => n.nodeId === 'long')!.status).toBe('cancelled');
  });

  it('shares a named pool between runs: two GPU nodes in two runs never overlap', async () => {
    const { engine, journal } = setup({ gpu: 1 });
    const doc: WorkflowDocumentInput = { name: 'g', nodes: [node('llm', 'test/gpu', { ms: 120 })], edges: [] };
    const t0 = performance.now();
    const [a, b] = await Promise.all([engine.start(doc, {}), engine.start(doc, {})]);
    const runs = await Promise.all([a.done, b.done]);
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(235);
    const [x, y] = runs.map((r) => journal.nodesOf(r.id)[0]!);
    const [first, second] = [x!, y!].sort((p, q) => Date.parse(p.finishedAt!) - Date.parse(q.finishedAt!));
    expect(Number(second!.outputs!.out) - Number(first!.outputs!.out)).toBeGreaterThanOrEqual(110);
  });

  it('suspends at a gate, holds nothing while waiting, and resumes from the gate with the decision', async () => {
    const { engine, journal, calls } = setup();
    const doc: WorkflowDocumentInput = {
      name: 'review',
      nodes: [node('note', 'core/text-input'), node('draft', 'core/template', { template: '下書き: {{note}}' }), node('gate', 'test/gate'), node('out', 'core/json-output')],
      edges: [edge('note', 'text', 'draft', 'vars'), edge('draft', 'text', 'gate', 'in'), edge('gate', 'approved', 'out', 'value')],
    };
    const first = await (await engine.start(doc, { text: '肺炎' })).done;
    expect(first.status).toBe('waiting_review');
    expect(engine.isActive(first.id)).toBe(false);
    const gateRec = journal.nodesOf(first.id).find((n) => n.nodeId === 'gate')!;
    expect(gateRec).toMatchObject({ status: 'waiting', suspend: { reason: 'review', payload: { draft: '下書き: 肺炎' } } });

    const snapshot = { run: journal.runs.get(first.id)!, nodes: journal.nodesOf(first.id), lastSeq: 99 };
    const resumed = await (await engine.resume(snapshot, { nodeId: 'gate', data: { approve: true, value: '確定: 肺炎' } })).done;
    expect(resumed.status).toBe('completed');
    expect(resumed.outputs.result).toBe('確定: 肺炎');
    expect(calls.get('gate')).toBe(2);
    await expect(engine.resume({ run: resumed, nodes: journal.nodesOf(first.id), lastSeq: 200 }, { nodeId: 'gate', data: {} })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('resumes a crashed run: completed nodes are kept, the interrupted node runs again', async () => {
    const { engine, journal, calls } = setup();
    const doc: WorkflowDocumentInput = {
      name: 'resume',
      nodes: [node('a', 'test/sleep', { value: 1 }), node('b', 'test/sleep', { ms: 5, value: 2 }), node('c', 'core/json-output')],
      edges: [edge('a', 'out', 'b', 'in'), edge('b', 'out', 'c', 'value')],
    };
    const plan = engine.planOrThrow(doc);
    // The state a kill -9 leaves behind: a completed, b running.
    const run = { id: 'r1', workflowName: 'resume', document: plan.document, status: 'running' as const, inputs: {}, outputs: {}, createdAt: new Date().toISOString() };
    const nodes = [
      { runId: 'r1', nodeId: 'a', status: 'completed' as const, attempts: 1, outputs: { out: 1 } },
      { runId: 'r1', nodeId: 'b', status: 'running' as const, attempts: 1 },
    ];
    const final = await (await engine.resume({ run, nodes, lastSeq: 4 })).done;
    expect(final.status).toBe('completed');
    expect(calls.get('a')).toBeUndefined();
    expect(calls.get('b')).toBe(1);
    expect(journal.nodesOf('r1').find((n) => n.nodeId === 'b')).toMatchObject({ attempts: 2, interruptions: 1 });
  });

  it('gives up on a node that was interrupted by too many restarts', async () => {
    const { engine } = setup();
    const plan = engine.planOrThrow({ name: 'poison', nodes: [node('a', 'test/sleep')], edges: [] });
    const run = { id: 'r2', workflowName: 'poison', document: plan.document, status: 'running' as const, inputs: {}, outputs: {}, createdAt: new Date().toISOString() };
    const final = await (await engine.resume({ run, nodes: [{ runId: 'r2', nodeId: 'a', status: 'running', attempts: 4, interruptions: 3 }], lastSeq: 0 })).done;
    expect(final.status).toBe('failed');
    expect(final.error).toMatchObject({ code: 'NODE_INTERRUPTED' });
  });

  it('numbers events in order and ends with one terminal event', async () => {
    const { engine, events } = setup();
    const run = await (await engine.start({ name: 'e', nodes: [node('a', 'test/sleep'), node('b', 'test/sleep')], edges: [edge('a', 'out', 'b', 'in')] }, {})).done;
    const mine = events.filter((e) => e.runId === run.id);
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_, i) => i + 1));
    expect(mine[0]!.type).toBe('run.started');
    expect(mine.at(-1)!.type).toBe('run.completed');
    expect(mine.filter((e) => e.type.startsWith('run.') && e.type !== 'run.started')).toHaveLength(1);
  });
});
