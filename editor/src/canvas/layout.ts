import type { FlowEdge, FlowNode } from './document';

const COLUMN = 280;
const ROW = 140;

/**
 * Left-to-right layered layout: a node's column is the length of the longest path leading to it; within
 * a column nodes keep their vertical order. Small and dependency-free, enough for clinical flows.
 */
export function autoLayout(nodes: FlowNode[], edges: FlowEdge[]): FlowNode[] {
  const incoming = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) incoming.get(e.target)?.push(e.source);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle: the server reports it; layout just stops here
    visiting.add(id);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map(depthOf)) + 1;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  const columns = new Map<number, FlowNode[]>();
  for (const n of [...nodes].sort((a, b) => a.position.y - b.position.y)) {
    const d = depthOf(n.id);
    columns.set(d, [...(columns.get(d) ?? []), n]);
  }
  const placed = new Map<string, { x: number; y: number }>();
  for (const [d, column] of columns) column.forEach((n, i) => placed.set(n.id, { x: d * COLUMN, y: i * ROW }));
  return nodes.map((n) => ({ ...n, position: placed.get(n.id)! }));
}
