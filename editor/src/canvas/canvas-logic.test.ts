import type { NodeTypeDescription } from '@medflow/sdk';
import { describe, expect, it } from 'vitest';
import { checkConnection, portsFromCatalogue } from './connection-rules';
import { newNodeId, toDocument, toFlow, type FlowNode } from './document';
import { createHistory, push, redo, undo } from './history';
import { autoLayout } from './layout';

const port = (kind: string, lineage: string[], multiple = false) => ({ kind, lineage, optional: false, multiple });
const entry = (type: string, inputs: Record<string, ReturnType<typeof port>>, outputs: Record<string, ReturnType<typeof port>>, dynamicOutputs = false) =>
  ({ type, version: 1, latest: true, inputs, outputs, dynamicOutputs, display: { title: { ja: type, en: type }, category: 'text', description: { ja: '', en: '' } } }) as unknown as NodeTypeDescription;
const catalogue = [
  entry('core/file-input', {}, { image: port('image', ['image', 'file', 'any']), file: port('file', ['file', 'any']) }),
  entry('core/normalize-text', { text: port('text', ['text', 'any']) }, { text: port('text', ['text', 'any']) }),
  entry('core/merge', { in: port('any', ['any'], true) }, { value: port('any', ['any']) }),
  entry('test/ocr', { image: port('image', ['image', 'file', 'any']) }, { text: port('text', ['text', 'any']) }),
  entry('core/switch', { value: port('any', ['any']) }, { otherwise: port('any', ['any']) }, true),
];
const node = (id: string, type: string, y = 0): FlowNode => ({ id, type: 'medflow', position: { x: 0, y }, data: { nodeType: type, typeVersion: 1, config: {} } });
const nodes = [node('scan', 'core/file-input'), node('norm', 'core/normalize-text'), node('ocr', 'test/ocr'), node('join', 'core/merge'), node('sw', 'core/switch')];
const portsOf = portsFromCatalogue(catalogue, { sw: { tb: port('any', ['any']), otherwise: port('any', ['any']) } });

describe('connection rules', () => {
  it('accepts a kind into its own or a wider port and refuses the rest with the kinds named', () => {
    expect(checkConnection({ source: 'scan', sourceHandle: 'image', target: 'ocr', targetHandle: 'image' }, nodes, [], portsOf)).toEqual({ ok: true });
    expect(checkConnection({ source: 'scan', sourceHandle: 'file', target: 'ocr', targetHandle: 'image' }, nodes, [], portsOf)).toEqual({ ok: false, reason: 'incompatible', from: 'file', to: 'image' });
    expect(checkConnection({ source: 'scan', sourceHandle: 'image', target: 'norm', targetHandle: 'text' }, nodes, [], portsOf)).toMatchObject({ ok: false, reason: 'incompatible' });
    expect(checkConnection({ source: 'ocr', sourceHandle: 'text', target: 'join', targetHandle: 'in' }, nodes, [], portsOf)).toEqual({ ok: true });
  });

  it('refuses a second edge into a single input, but not into a join, and refuses self-loops', () => {
    const edges = [{ id: 'e', source: 'ocr', sourceHandle: 'text', target: 'norm', targetHandle: 'text' }];
    expect(checkConnection({ source: 'norm', sourceHandle: 'text', target: 'norm', targetHandle: 'text' }, nodes, edges, portsOf)).toMatchObject({ reason: 'selfLoop' });
    expect(checkConnection({ source: 'ocr', sourceHandle: 'text', target: 'norm', targetHandle: 'text' }, nodes, edges, portsOf)).toMatchObject({ reason: 'alreadyConnected' });
    const joinEdges = [{ id: 'j', source: 'ocr', sourceHandle: 'text', target: 'join', targetHandle: 'in' }];
    expect(checkConnection({ source: 'norm', sourceHandle: 'text', target: 'join', targetHandle: 'in' }, nodes, joinEdges, portsOf)).toEqual({ ok: true });
  });

  it('uses the server-computed ports of config-dependent nodes', () => {
    expect(checkConnection({ source: 'sw', sourceHandle: 'tb', target: 'join', targetHandle: 'in' }, nodes, [], portsOf)).toEqual({ ok: true });
    expect(checkConnection({ source: 'sw', sourceHandle: 'measles', target: 'join', targetHandle: 'in' }, nodes, [], portsOf)).toMatchObject({ reason: 'unknownPort' });
  });
});

describe('documents', () => {
  it('round-trips a workflow document through the canvas model', () => {
    const doc = {
      schemaVersion: 1 as const, name: '発熱', nodes: [{ id: 'a', type: 'core/text-input', typeVersion: 1, config: { name: 'note' }, position: { x: 10, y: 20 }, label: '記録' },
        // A third-party node keeps its package pin through the editor.
        { id: 'b', type: 'example/jp-date', typeVersion: 1, config: {}, position: { x: 200, y: 20 }, package: 'medflow-node-jp-date@1.0.0' }],
      edges: [{ from: { node: 'a', port: 'text' }, to: { node: 'b', port: 'vars' } }],
    };
    const flow = toFlow(doc);
    expect(toDocument({ name: '発熱' }, flow.nodes, flow.edges)).toEqual(doc);
  });

  it('names new nodes after their type, so template variables read naturally', () => {
    expect(newNodeId('core/text-input', new Set())).toBe('textInput');
    expect(newNodeId('core/text-input', new Set(['textInput', 'textInput_2']))).toBe('textInput_3');
    expect(newNodeId('medical/icd-coder', new Set())).toBe('icdCoder');
  });
});

describe('history', () => {
  it('undoes and redoes, and a new edit after undo drops the redo branch', () => {
    let h = createHistory(1);
    h = push(push(h, 2), 3);
    h = undo(h);
    expect(h.present).toBe(2);
    h = redo(h);
    expect(h.present).toBe(3);
    h = push(undo(undo(h)), 9);
    expect([h.present, h.future.length, undo(h).present]).toEqual([9, 0, 1]);
    expect(undo(createHistory(0))).toEqual(createHistory(0));
  });
});

describe('auto-layout', () => {
  it('places each node one column right of its deepest predecessor', () => {
    const ns = [node('out', 'x', 0), node('a', 'x', 10), node('b', 'x', 20), node('mid', 'x', 30)];
    const es = [{ id: '1', source: 'a', target: 'mid' }, { id: '2', source: 'mid', target: 'out' }, { id: '3', source: 'b', target: 'out' }];
    const placed = Object.fromEntries(autoLayout(ns, es).map((n) => [n.id, n.position]));
    expect(placed.a!.x).toBe(0);
    expect(placed.b!.x).toBe(0);
    expect(placed.mid!.x).toBe(280);
    expect(placed.out!.x).toBe(560);
    expect(placed.a!.y).not.toBe(placed.b!.y);
  });
});
