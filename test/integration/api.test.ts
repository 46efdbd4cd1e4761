import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feverFlow, fileFlow, slowFlow } from '../support/flows.js';
import { api, startTestServer } from '../support/server.js';
import type { AdminClient } from '../support/client.js';
import { testModelsDir, TINY_MODEL, tinyModelAvailable, NO_TINY_MODEL } from '../../server/src/testing/ai-fixtures.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let base: string;
let admin: AdminClient;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2a3b3ab0000000049454e44ae426082', 'hex');

const modelsDir = testModelsDir();
beforeAll(async () => { server = await startTestServer({ MEDFLOW_MAX_UPLOAD_MB: '1', MEDFLOW_MAX_JSON_MB: '1', MEDFLOW_MODELS_DIR: modelsDir }); base = server.url; admin = server.admin; });
afterAll(async () => { await server.stop(); });

async function createWorkflow(document: unknown): Promise<string> {
  const res = await admin.api('POST', '/api/workflows', { document });
  expect(res.status).toBe(201);
  return res.body.workflow.id;
}

describe('catalogue and health', () => {
  it('reports health with the store kind and pools', async () => {
    const res = await admin.api('GET', '/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', store: { kind: 'embedded', ok: true }, pools: { gpu: { capacity: 1 } } });
  });

  it('lists node types with Japanese titles, typed ports and config as JSON Schema', async () => {
    const res = await admin.api('GET', '/api/node-types');
    const template = res.body.nodeTypes.find((n: { type: string }) => n.type === 'core/template');
    expect(template.display.title.ja).toBe('テンプレート');
    expect(template.inputs.vars).toMatchObject({ kind: 'any', multiple: true });
    expect(template.outputs.text.lineage).toEqual(['text', 'any']);
    expect(template.configSchema).toMatchObject({ type: 'object', properties: { template: { type: 'string' } }, required: ['template'] });
    const file = res.body.nodeTypes.find((n: { type: string }) => n.type === 'core/file-input');
    expect(file.outputs.image.lineage).toEqual(['image', 'file', 'any']);
    expect(file.role).toBe('input');
  });
});

describe('workflows', () => {
  it('saves an incomplete draft with its problems, refuses to publish it, and lists every problem', async () => {
    const broken = { ...feverFlow, nodes: feverFlow.nodes.map((n) => (n.id === 'fever' ? { ...n, config: { rules: [] } } : n)).concat([{ id: 'ghost', type: 'core/nope', typeVersion: 1, config: {} }]) };
    const id = await createWorkflow(broken);
    const got = await admin.api('GET', `/api/workflows/${id}`);
    expect(got.body.analysis.valid).toBe(false);
    expect(got.body.analysis.problems.map((p: { code: string }) => p.code).sort()).toEqual(['SCHEMA_TOO_SMALL', 'UNKNOWN_NODE_TYPE']);
    const publish = await admin.api('POST', `/api/workflows/${id}/publish`, {});
    expect(publish.status).toBe(400);
    expect(publish.body.error.code).toBe('WORKFLOW_INVALID');
    expect(publish.body.error.details.problems).toHaveLength(2);
  });

  it('publishes versions, keeps them immutable, restores an old one as the draft, and refuses stale saves', async () => {
    const id = await createWorkflow(feverFlow);
    const v1 = await admin.api('POST', `/api/workflows/${id}/publish`, { note: '初版' });
    expect(v1.status).toBe(201);
    expect(v1.body.version.version).toBe(1);

    const current = (await admin.api('GET', `/api/workflows/${id}`)).body.workflow;
    const edited = { ...feverFlow, name: '発熱チェック v2' };
    const saved = await admin.api('PUT', `/api/workflows/${id}`, { document: edited, revision: current.revision });
    expect(saved.status).toBe(200);
    const stale = await admin.api('PUT', `/api/workflows/${id}`, { document: feverFlow, revision: current.revision });
    expect(stale.status).toBe(409);
    expect((await admin.api('POST', `/api/workflows/${id}/publish`, {})).body.version.version).toBe(2);

    const versions = await admin.api('GET', `/api/workflows/${id}/versions`);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await admin.api('GET', `/api/workflows/${id}/versions/1`)).body.version.document.name).toBe('発熱チェック');

    const restored = await admin.api('POST', `/api/workflows/${id}/versions/1/restore`);
    expect(restored.body.workflow.draft.name).toBe('発熱チェック');
    expect((await admin.api('GET', `/api/workflows/${id}/versions/2`)).body.version.document.name).toBe('発熱チェック v2');

    const run = await admin.api('POST', `/api/workflows/${id}/runs?wait=true`, { inputs: { note: '発熱' } });
    expect(run.body.run).toMatchObject({ workflowVersion: 2, workflowName: '発熱チェック v2', status: 'completed' });

    expect((await admin.api('DELETE', `/api/workflows/${id}`)).status).toBe(204);
    expect((await admin.api('GET', `/api/workflows/${id}`)).status).toBe(404);
  });
});

describe('runs', () => {
  it('runs a draft and returns per-node inputs, outputs, timings and skipped branches', async () => {
    const id = await createWorkflow(feverFlow);
    const yes = await admin.api('POST', `/api/workflows/${id}/runs?wait=true`, { inputs: { note: '昨夜から３８度の発熱' }, version: 'draft' });
    expect(yes.status).toBe(201);
    expect(yes.body.run.outputs).toEqual({ result: '【要確認】主訴: 昨夜から３８度の発熱' });
    const alert = yes.body.nodes.find((n: { nodeId: string }) => n.nodeId === 'alert');
    expect(alert).toMatchObject({ status: 'completed', inputs: { vars: [{ from: { node: 'fever', port: 'true' }, value: '主訴: 昨夜から３８度の発熱' }] }, outputs: { text: '【要確認】主訴: 昨夜から３８度の発熱' } });
    expect(typeof alert.durationMs).toBe('number');

    const no = await admin.api('POST', `/api/workflows/${id}/runs?wait=true`, { inputs: { note: '咳のみ' }, version: 'draft' });
    expect(no.body.nodes.map((n: { status: string }) => n.status)).toEqual(['completed', 'completed', 'completed', 'skipped', 'skipped']);
    expect(no.body.run.outputs).toEqual({});

    const list = await admin.api('GET', `/api/runs?workflowId=${id}&status=completed`);
    expect(list.body.runs).toHaveLength(2);
  });

  it('refuses missing and unknown inputs with every problem listed', async () => {
    const id = await createWorkflow(feverFlow);
    const res = await admin.api('POST', `/api/workflows/${id}/runs`, { inputs: { nte: 'typo' }, version: 'draft' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual(['inputs.note', 'inputs.nte']);
  });

  it('accepts multipart uploads: files are typed by content and routed to their branch; files download from the run', async () => {
    const id = await createWorkflow(fileFlow);
    const form = new FormData();
    form.set('version', 'draft');
    form.set('scan', new Blob([PNG], { type: 'application/pdf' }), 'renamed.pdf');
    const res = await admin.api('POST', `/api/workflows/${id}/runs?wait=true`, form);
    expect(res.status).toBe(201);
    expect(res.body.run.status).toBe('completed');
    expect(res.body.run.outputs.image).toMatchObject({ name: 'renamed.pdf', mediaType: 'image/png', size: PNG.length });
    expect(res.body.run.outputs.pdf).toBeUndefined();
    const download = await fetch(`${base}/api/runs/${res.body.run.id}/files/${res.body.run.outputs.image.fileId}`, { headers: { cookie: admin.cookie! } });
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('fails the run with a clear USER error for a file of the wrong kind', async () => {
    const id = await createWorkflow(fileFlow);
    const form = new FormData();
    form.set('version', 'draft');
    form.set('scan', new Blob([Buffer.from('MZ\x90\x00 not a scan')]), 'tool.exe');
    const res = await admin.api('POST', `/api/workflows/${id}/runs?wait=true`, form);
    expect(res.body.run.status).toBe('failed');
    expect(res.body.run.error).toMatchObject({ code: 'FILE_TYPE_REJECTED', category: 'USER', details: { nodeId: 'scan' } });
  });

  it('rejects uploads over the size limit with 413, and files for unknown inputs with 400', async () => {
    const id = await createWorkflow(fileFlow);
    const big = new FormData();
    big.set('version', 'draft');
    big.set('scan', new Blob([Buffer.alloc(1.5 * 1024 * 1024, 1)]), 'huge.png');
    const tooBig = await admin.api('POST', `/api/workflows/${id}/runs`, big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('FILE_TOO_LARGE');
    const unknown = new FormData();
    unknown.set('version', 'draft');
    unknown.set('other', new Blob([PNG]), 'x.png');
    const res = await admin.api('POST', `/api/workflows/${id}/runs`, unknown);
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems[0].code).toBe('INPUT_UNKNOWN');
  });

  it('reads a text input from an uploaded UTF-8 file', async () => {
    const id = await createWorkflow(feverFlow);
    const form = new FormData();
    form.set('version', 'draft');
    form.set('note', new Blob([Buffer.from('\uFEFF発熱あり\n')]), 'note.txt');
    const res = await admin.api('POST', `/api/workflows/${id}/runs?wait=true`, form);
    expect(res.body.run.outputs.result).toBe('【要確認】主訴: 発熱あり\n');
  });

  it('cancels a running run, and answers 409 when cancelling it again', async () => {
    const id = await createWorkflow(slowFlow(50, 30_000));
    const started = await admin.api('POST', `/api/workflows/${id}/runs`, { inputs: { note: 'x' }, version: 'draft' });
    expect(started.status).toBe(202);
    const runId = started.body.run.id;
    await new Promise((r) => setTimeout(r, 200));
    const cancelled = await admin.api('POST', `/api/runs/${runId}/cancel`, { reason: '入力ミス' });
    expect(cancelled.body.run.status).toBe('cancelled');
    const detail = await admin.api('GET', `/api/runs/${runId}`);
    expect(detail.body.nodes.map((n: { status: string }) => n.status)).toEqual(['completed', 'completed', 'cancelled', 'pending', 'pending']);
    expect((await admin.api('POST', `/api/runs/${runId}/cancel`)).status).toBe(409);
  });

  it('streams run events over SSE and resumes from Last-Event-ID without gaps or repeats', async () => {
    const id = await createWorkflow(slowFlow(100, 300));
    const started = await admin.api('POST', `/api/workflows/${id}/runs`, { inputs: { note: 'x' }, version: 'draft' });
    const runId = started.body.run.id;
    const all = await readSse(`${base}/api/runs/${runId}/events`);
    const stored = all.filter((e) => e.type !== 'node.progress');
    expect(stored[0]!.type).toBe('run.started');
    expect(stored.at(-1)!.type).toBe('run.completed');
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(all.some((e) => e.type === 'node.progress' && e.nodeId === 'second')).toBe(true);
    const tail = await readSse(`${base}/api/runs/${runId}/events`, { 'Last-Event-ID': String(stored.length - 2) });
    expect(tail.map((e) => e.seq)).toEqual([stored.length - 1, stored.length]);
  });
});

describe('bad requests never crash the server', () => {
  it('answers malformed, oversized and hostile bodies with 4xx and a field-level message', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/workflows', '{"document": ', 400, 'MALFORMED_JSON'],
      ['POST', '/api/workflows', { document: { name: 'x', nodes: 'none', edges: [] } }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/workflows', '{"document":{"name":"x","nodes":[],"edges":[],"__proto__":{"polluted":true}}}', 400, 'VALIDATION_FAILED'],
      ['POST', '/api/workflows', { document: { name: 'x', nodes: [], edges: [], blob: 'x'.repeat(1.2 * 1024 * 1024) } }, 413, 'PAYLOAD_TOO_LARGE'],
      ['GET', '/api/runs/not-a-uuid', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/runs?limit=100000', undefined, 400, 'VALIDATION_FAILED'],
      ['GET', '/api/runs/00000000-0000-4000-8000-000000000000', undefined, 404, 'NOT_FOUND'],
      ['POST', '/api/workflows/00000000-0000-4000-8000-000000000000/runs', { inputs: {} }, 404, 'NOT_FOUND'],
      ['POST', '/api/workflows/validate', '[1,2', 400, 'MALFORMED_JSON'],
      ['DELETE', '/api/node-types', undefined, 404, 'NOT_FOUND'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await admin.api(method, path, body);
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status, code });
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    }
    const many = await admin.api('POST', '/api/workflows', { document: { name: '', nodes: [{ id: '1', type: 5, typeVersion: 0 }], edges: [{}] } });
    expect(many.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(['body.document.name', 'body.document.nodes.0.id', 'body.document.nodes.0.type', 'body.document.nodes.0.typeVersion', 'body.document.edges.0.from', 'body.document.edges.0.to']),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await admin.api('GET', '/api/health')).status).toBe(200);
  });
});

async function readSse(url: string, headers: Record<string, string> = {}): Promise<Array<{ seq: number; type: string; nodeId?: string }>> {
  const res = await fetch(url, { headers: { cookie: admin.cookie!, ...headers } });
  const text = await res.text();
  return text.split('\n\n').map((block) => block.split('\n').find((l) => l.startsWith('data: '))).filter(Boolean).map((l) => JSON.parse(l!.slice(6)));
}

describe('templates', () => {
  it('lists bundled templates with descriptions and returns their documents', async () => {
    const list = await admin.api('GET', '/api/templates');
    const fever = list.body.templates.find((t: { slug: string }) => t.slug === 'examples/fever-check');
    expect(fever).toMatchObject({ name: '発熱チェック', nodeCount: 5 });
    expect(fever.description).toContain('format example');
    const one = await admin.api('GET', '/api/templates/examples/fever-check');
    expect(one.body.document.nodes).toHaveLength(5);
    expect((await admin.api('GET', '/api/templates/examples/nope')).status).toBe(404);
    expect((await admin.api('GET', '/api/templates/..%2F..%2Fetc')).status).toBe(404);
  });

  it('reports the ports of config-dependent nodes in the analysis', async () => {
    const res = await admin.api('POST', '/api/workflows/validate', { document: { name: 's', nodes: [
      { id: 'sw', type: 'core/switch', typeVersion: 1, config: { cases: [{ port: 'tb', rule: { operator: 'contains', value: '結核' } }] } },
    ], edges: [] } });
    expect(Object.keys(res.body.dynamicPorts.sw)).toEqual(['tb', 'otherwise']);
  });
});

describe.skipIf(!tinyModelAvailable)(`models${tinyModelAvailable ? '' : ` (${NO_TINY_MODEL})`}`, () => {
  it('lists the models directory with size, quantisation and context length, and the llama.cpp backend', async () => {
    const res = await admin.api('GET', '/api/models');
    expect(res.status).toBe(200);
    expect(res.body.directory).toBe(modelsDir);
    expect(res.body.backend).toMatch(/^(cpu|cuda|vulkan|metal)$/);
    expect(res.body.models).toEqual([expect.objectContaining({ name: TINY_MODEL, kind: 'llm', sizeBytes: 1_750_560, contextLength: 4096, loaded: false })]);
  });
});
