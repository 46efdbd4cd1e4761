import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunEvent, RunStatus } from '@medflow/sdk';
import { api, type RunDetail } from '../api/client';
import type { NodeRunView } from '../canvas/editor-context';

const NODE_STATUS: Partial<Record<RunEvent['type'], NodeRunView['status']>> = {
  'node.started': 'running', 'node.completed': 'completed', 'node.failed': 'failed', 'node.skipped': 'skipped',
  'node.waiting': 'waiting', 'node.cancelled': 'cancelled',
};
const RUN_STATUS: Partial<Record<RunEvent['type'], RunStatus>> = {
  'run.started': 'running', 'run.resumed': 'running', 'run.waiting': 'waiting_review', 'run.completed': 'completed', 'run.failed': 'failed', 'run.cancelled': 'cancelled',
};

/**
 * Follows one run: live node states from the server's event stream (EventSource reconnects by itself
 * and resumes with Last-Event-ID), and the full record with inputs and outputs once it settles.
 */
export function useRun(runId: string | undefined) {
  const [nodes, setNodes] = useState<Map<string, NodeRunView>>(new Map());
  const [status, setStatus] = useState<RunStatus | undefined>();
  const [detail, setDetail] = useState<RunDetail>();
  const [error, setError] = useState<unknown>();
  const source = useRef<EventSource | null>(null);

  const refresh = useCallback(async (id: string) => {
    try {
      const d = await api.getRun(id);
      setDetail(d);
      setStatus(d.run.status);
      setNodes(new Map(d.nodes.filter((n) => n.status !== 'pending').map((n) => [n.nodeId, { status: n.status, ...(n.durationMs !== undefined ? { durationMs: n.durationMs } : {}) }])));
    } catch (e) { setError(e); }
  }, []);

  useEffect(() => {
    setNodes(new Map()); setDetail(undefined); setStatus(undefined); setError(undefined);
    if (!runId) return;
    const es = new EventSource(`/api/runs/${runId}/events`);
    source.current = es;
    const onEvent = (msg: MessageEvent<string>) => {
      const event = JSON.parse(msg.data) as RunEvent;
      const runStatus = RUN_STATUS[event.type];
      if (runStatus) {
        setStatus(runStatus);
        if (runStatus !== 'running') { es.close(); void refresh(runId); }
      }
      if (!event.nodeId) return;
      const nodeId = event.nodeId;
      setNodes((prev) => {
        const next = new Map(prev);
        const cur = next.get(nodeId) ?? { status: 'pending' as const };
        const nodeStatus = NODE_STATUS[event.type];
        if (event.type === 'node.progress') next.set(nodeId, { ...cur, fraction: (event.data?.fraction as number | null) ?? null, ...(event.data?.note ? { note: String(event.data.note) } : {}) });
        else if (nodeStatus) next.set(nodeId, { status: nodeStatus, ...(typeof event.data?.durationMs === 'number' ? { durationMs: event.data.durationMs } : {}) });
        return next;
      });
    };
    for (const type of [...Object.keys(NODE_STATUS), ...Object.keys(RUN_STATUS), 'node.progress']) es.addEventListener(type, onEvent as EventListener);
    return () => { es.close(); source.current = null; };
  }, [runId, refresh]);

  return { nodes, status, detail, error, refresh };
}
