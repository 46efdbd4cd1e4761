import type { NodeTypeDescription, PortDescription } from '@medflow/sdk';
import type { FlowEdge, FlowNode } from './document';

export type PortsOf = (node: FlowNode) => { inputs: Record<string, PortDescription>; outputs: Record<string, PortDescription> } | undefined;

export type ConnectionCheck =
  | { ok: true }
  | { ok: false; reason: 'incompatible' | 'alreadyConnected' | 'selfLoop' | 'unknownPort'; from?: string; to?: string };

/**
 * The same rule the server applies: a value may flow into a port of its own kind, an ancestor kind, or
 * `any`; a single input takes one edge. Checked while dragging so a wrong connection is refused with
 * the reason instead of producing a broken workflow.
 */
export function checkConnection(
  conn: { source: string; sourceHandle?: string | null; target: string; targetHandle?: string | null },
  nodes: FlowNode[], edges: FlowEdge[], portsOf: PortsOf,
): ConnectionCheck {
  if (conn.source === conn.target) return { ok: false, reason: 'selfLoop' };
  const source = nodes.find((n) => n.id === conn.source);
  const target = nodes.find((n) => n.id === conn.target);
  const out = source && conn.sourceHandle ? portsOf(source)?.outputs[conn.sourceHandle] : undefined;
  const inp = target && conn.targetHandle ? portsOf(target)?.inputs[conn.targetHandle] : undefined;
  if (!out || !inp) return { ok: false, reason: 'unknownPort' };
  if (inp.kind !== 'any' && !out.lineage.includes(inp.kind)) return { ok: false, reason: 'incompatible', from: out.kind, to: inp.kind };
  if (!inp.multiple && edges.some((e) => e.target === conn.target && e.targetHandle === conn.targetHandle)) return { ok: false, reason: 'alreadyConnected' };
  return { ok: true };
}

/** Ports of a node from the catalogue, with a switch's config-dependent outputs taken from the server's analysis. */
export function portsFromCatalogue(catalogue: NodeTypeDescription[], dynamicPorts: Record<string, Record<string, PortDescription>>): PortsOf {
  return (node) => {
    const entry = catalogue.find((c) => c.type === node.data.nodeType && c.version === node.data.typeVersion);
    if (!entry) return undefined;
    return { inputs: entry.inputs, outputs: (entry.dynamicOutputs && dynamicPorts[node.id]) || entry.outputs };
  };
}
