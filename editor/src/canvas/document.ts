import type { Edge, Node } from '@xyflow/react';
import type { WorkflowDocument } from '@medflow/sdk';

export interface FlowNodeData extends Record<string, unknown> {
  nodeType: string;
  typeVersion: number;
  config: Record<string, unknown>;
  label?: string;
  settings?: WorkflowDocument['nodes'][number]['settings'];
  /** For nodes from an installed package: the package version the workflow is pinned to (`name@1.0.0`). */
  package?: string;
}
export type FlowNode = Node<FlowNodeData, 'medflow'>;
export type FlowEdge = Edge;

export const edgeId = (source: string, sourceHandle: string, target: string, targetHandle: string) => `${source}.${sourceHandle}->${target}.${targetHandle}`;

/** A workflow document as React Flow nodes and edges. */
export function toFlow(doc: WorkflowDocument): { nodes: FlowNode[]; edges: FlowEdge[] } {
  return {
    nodes: doc.nodes.map((n) => ({
      id: n.id,
      type: 'medflow',
      position: n.position ?? { x: 0, y: 0 },
      data: { nodeType: n.type, typeVersion: n.typeVersion, config: n.config ?? {}, ...(n.label ? { label: n.label } : {}), ...(n.settings ? { settings: n.settings } : {}), ...(n.package ? { package: n.package } : {}) },
    })),
    edges: doc.edges.map((e) => ({
      id: edgeId(e.from.node, e.from.port, e.to.node, e.to.port),
      source: e.from.node, sourceHandle: e.from.port, target: e.to.node, targetHandle: e.to.port,
    })),
  };
}

/** React Flow state back into a workflow document (positions rounded: they are layout, not data). */
export function toDocument(meta: { name: string; description?: string }, nodes: FlowNode[], edges: FlowEdge[]): WorkflowDocument {
  return {
    schemaVersion: 1,
    name: meta.name,
    ...(meta.description ? { description: meta.description } : {}),
    nodes: nodes.map((n) => ({
      id: n.id, type: n.data.nodeType, typeVersion: n.data.typeVersion, config: n.data.config,
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      ...(n.data.label ? { label: n.data.label } : {}),
      ...(n.data.settings ? { settings: n.data.settings } : {}),
      ...(n.data.package ? { package: n.data.package } : {}),
    })),
    edges: edges.map((e) => ({ from: { node: e.source, port: e.sourceHandle ?? '' }, to: { node: e.target, port: e.targetHandle ?? '' } })),
  };
}

/** A fresh node id from the type's name: `template`, `template_2`… (ids name template variables). */
export function newNodeId(type: string, taken: Set<string>): string {
  const base = (type.split('/')[1] ?? 'node').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9_]/g, '_');
  const start = /^[A-Za-z]/.test(base) ? base : `n_${base}`;
  if (!taken.has(start)) return start;
  for (let i = 2; ; i++) if (!taken.has(`${start}_${i}`)) return `${start}_${i}`;
}
