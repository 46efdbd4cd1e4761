import { builtinNodes } from '@medflow/nodes-builtin';
import { describe, expect, it } from 'vitest';
import { testNodes } from '../testing/test-nodes.js';
import { NodeRegistry, planWorkflow } from './index.js';

const registry = new NodeRegistry().registerAll(builtinNodes).registerAll(testNodes());
const edge = (from: string, fromPort: string, to: string, toPort: string) => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

describe('workflow validation', () => {
  it('lists every problem at once: unknown type and version, bad config, incompatible ports, cycles, unconnected inputs', () => {
    const result = planWorkflow({
      name: '壊れたフロー',
      nodes: [
        { id: 'note', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
        { id: 'scan', type: 'core/file-input', typeVersion: 1, config: { name: 'scan' } },
        { id: 'ocr1', type: 'test/ocr', typeVersion: 1, config: { lang: 'jpn' } },
        { id: 'ocr2', type: 'test/ocr', typeVersion: 1, config: { lang: 'deu' } },
        { id: 'ocr3', type: 'test/ocr', typeVersion: 1, config: { lang: 'eng' } },
        { id: 'ghost', type: 'core/ghost', typeVersion: 1 },
        { id: 'old', type: 'core/template', typeVersion: 7, config: {} },
        { id: 'a', type: 'core/template', typeVersion: 1, config: { template: '{{b}}' } },
        { id: 'b', type: 'core/template', typeVersion: 1, config: { template: '{{a}}' } },
      ],
      edges: [
        edge('note', 'text', 'ocr1', 'image'),
        edge('scan', 'file', 'ocr2', 'image'),
        edge('a', 'text', 'b', 'vars'),
        edge('b', 'text', 'a', 'vars'),
        edge('note', 'nope', 'a', 'vars'),
      ],
    }, registry);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const summary = result.problems.map((p) => `${p.code} ${p.path}`);
    expect(summary).toEqual(expect.arrayContaining([
      'SCHEMA_INVALID_VALUE nodes.3.config.lang',
      'UNKNOWN_NODE_TYPE nodes.5.type',
      'UNKNOWN_NODE_VERSION nodes.6.typeVersion',
      'INCOMPATIBLE_PORTS edges.0',
      'INCOMPATIBLE_PORTS edges.1',
      'UNKNOWN_OUTPUT_PORT edges.4.from.port',
      'INPUT_NOT_CONNECTED nodes.4',
      'CYCLE edges',
    ]));
    // An input whose only edge is broken is reported on the edge, not a second time as unconnected.
    expect(summary).not.toContain('INPUT_NOT_CONNECTED nodes.2');
    expect(summary).toHaveLength(8);
    expect(result.problems.find((p) => p.code === 'INCOMPATIBLE_PORTS' && p.edgeIndex === 1)!.message).toBe('cannot connect scan.file (file) to ocr2.image (image)');
    expect(result.problems.find((p) => p.code === 'CYCLE')!.message).toContain('a, b');
  });

  it('accepts a narrower kind into a wider port (image → file, anything → any) and plans a topological order', () => {
    const result = planWorkflow({
      name: 'ok',
      nodes: [
        { id: 'out', type: 'core/json-output', typeVersion: 1 },
        { id: 'ocr', type: 'test/ocr', typeVersion: 1, config: { lang: 'jpn' } },
        { id: 'scan', type: 'core/file-input', typeVersion: 1, config: { name: 'scan' } },
      ],
      edges: [edge('scan', 'image', 'ocr', 'image'), edge('ocr', 'text', 'out', 'value')],
    }, registry);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.order).toEqual(['scan', 'ocr', 'out']);
    expect(result.plan.runInputs).toEqual([expect.objectContaining({ name: 'scan', kind: 'file', required: true })]);
    expect(result.plan.runOutputs).toEqual([{ name: 'result', nodeId: 'out' }]);
  });

  it('refuses duplicate ids, a second edge into a single input, and duplicate run input names', () => {
    const result = planWorkflow({
      name: 'dups',
      nodes: [
        { id: 'x', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
        { id: 'x', type: 'core/text-input', typeVersion: 1, config: { name: 'other' } },
        { id: 'y', type: 'core/text-input', typeVersion: 1, config: { name: 'note' } },
        { id: 'c', type: 'core/condition', typeVersion: 1, config: { rules: [{ operator: 'isEmpty' }] } },
      ],
      edges: [edge('x', 'text', 'c', 'value'), edge('y', 'text', 'c', 'value')],
    }, registry);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.code).sort()).toEqual(['DUPLICATE_NODE_ID', 'DUPLICATE_RUN_INPUT', 'INPUT_ALREADY_CONNECTED']);
  });

  it('checks dynamic outputs of a switch against its config', () => {
    const doc = (port: string) => ({
      name: 'switch',
      nodes: [
        { id: 'note', type: 'core/text-input', typeVersion: 1 },
        { id: 'sw', type: 'core/switch', typeVersion: 1, config: { cases: [{ port: 'tb', rule: { operator: 'contains', value: '結核' } }] } },
        { id: 'out', type: 'core/json-output', typeVersion: 1 },
      ],
      edges: [edge('note', 'text', 'sw', 'value'), edge('sw', port, 'out', 'value')],
    });
    expect(planWorkflow(doc('tb'), registry).ok).toBe(true);
    const bad = planWorkflow(doc('measles'), registry);
    expect(bad.ok ? [] : bad.problems.map((p) => p.code)).toEqual(['UNKNOWN_OUTPUT_PORT']);
  });

  it('upgrades configs through migrations to the latest version', () => {
    const reg = new NodeRegistry();
    const base = builtinNodes.find((n) => n.type === 'core/delay')!;
    reg.register({ ...base, type: 'x/delay', version: 1 });
    reg.register({ ...base, type: 'x/delay', version: 2, migrations: [{ from: 1, migrate: (c) => ({ ms: Number(c.seconds) * 1000 }) }] });
    expect(reg.upgradeConfig('x/delay', 1, { seconds: 2 })).toEqual({ version: 2, config: { ms: 2000 } });
    expect(reg.catalogue().map((d) => `${d.type}@${d.version}:${d.latest}`)).toEqual(['x/delay@1:false', 'x/delay@2:true']);
  });
});
