import { useCallback, useState } from 'react';
import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from '@xyflow/react';
import type { FlowEdge, FlowNode } from './document';
import { createHistory, push, redo, undo, type History } from './history';

export interface Snapshot { nodes: FlowNode[]; edges: FlowEdge[] }

/**
 * Canvas state with undo/redo. Edits (add, delete, connect, config, the end of a drag) are history
 * steps; selection, measuring and intermediate drag positions only replace the present.
 */
export function useFlowState(initial: Snapshot) {
  const [history, setHistory] = useState<History<Snapshot>>(() => createHistory(initial));
  const replace = useCallback((fn: (s: Snapshot) => Snapshot) => setHistory((h) => ({ ...h, present: fn(h.present) })), []);
  const commit = useCallback((fn: (s: Snapshot) => Snapshot) => setHistory((h) => push(h, fn(h.present))), []);

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    const isEdit = changes.some((c) => c.type === 'remove' || c.type === 'add' || (c.type === 'position' && c.dragging === false));
    (isEdit ? commit : replace)((s) => {
      const nodes = applyNodeChanges(changes, s.nodes);
      const removed = new Set(changes.filter((c) => c.type === 'remove').map((c) => c.id));
      return { nodes, edges: removed.size ? s.edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) : s.edges };
    });
  }, [commit, replace]);

  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    (changes.some((c) => c.type === 'remove') ? commit : replace)((s) => ({ ...s, edges: applyEdgeChanges(changes, s.edges) }));
  }, [commit, replace]);

  return {
    nodes: history.present.nodes,
    edges: history.present.edges,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    onNodesChange,
    onEdgesChange,
    commit,
    replace,
    undo: useCallback(() => setHistory(undo), []),
    redo: useCallback(() => setHistory(redo), []),
    reset: useCallback((s: Snapshot) => setHistory(createHistory(s)), []),
  };
}
