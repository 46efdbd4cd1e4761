import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type Connection } from '@xyflow/react';
import type { NodeTypeDescription } from '@medflow/sdk';
import { api, type Analysis, type WorkflowRecord } from '../api/client';
import { explain } from '../i18n/explain';
import { useI18n } from '../i18n/i18n';
import { Inspector } from '../inspector/inspector';
import { DRAG_TYPE, Palette } from '../palette/palette';
import { RunPanel } from '../runs/run-panel';
import { useRun } from '../runs/use-run';
import { ErrorBanner } from '../shell/error-banner';
import { href, navigate } from '../shell/use-route';
import { checkConnection, portsFromCatalogue } from './connection-rules';
import { edgeId, newNodeId, toDocument, toFlow, type FlowNode } from './document';
import { EditorContext, type EditorContextValue } from './editor-context';
import { nodeTypes } from './flow-node-view';
import { autoLayout } from './layout';
import { useAutosave } from './use-autosave';
import { useFlowState } from './use-flow-state';
import { VersionsPanel } from './versions-panel';

export function WorkflowEditor(props: { workflowId: string; runId?: string }) {
  return <ReactFlowProvider><EditorPage {...props} /></ReactFlowProvider>;
}

function EditorPage({ workflowId, runId }: { workflowId: string; runId?: string }) {
  const { t, lang } = useI18n();
  const [catalogue, setCatalogue] = useState<NodeTypeDescription[]>();
  const [workflow, setWorkflow] = useState<WorkflowRecord>();
  const [analysis, setAnalysis] = useState<Analysis>();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [versionsKey, setVersionsKey] = useState(0);
  const flow = useFlowState({ nodes: [], edges: [] });
  const clipboard = useRef<FlowNode[]>([]);
  const reactFlow = useReactFlow();
  const run = useRun(runId);

  const load = useCallback((w: WorkflowRecord, a: Analysis) => {
    setWorkflow(w); setAnalysis(a); setName(w.draft.name);
    flow.reset(toFlow(w.draft));
  }, [flow.reset]);

  useEffect(() => {
    Promise.all([api.nodeTypes(), api.getWorkflow(workflowId)]).then(([types, res]) => {
      setCatalogue(types);
      load(res.workflow, res.analysis);
    }, setError);
  }, [workflowId, load]);

  const document = useMemo(() => (workflow ? toDocument({ name: name || t('untitled'), ...(workflow.draft.description ? { description: workflow.draft.description } : {}) }, flow.nodes, flow.edges) : undefined), [workflow, name, flow.nodes, flow.edges, t]);
  const autosave = useAutosave(workflow, document, (w, a) => { setWorkflow(w); setAnalysis(a); });

  const portsOf = useMemo(() => portsFromCatalogue(catalogue ?? [], analysis?.dynamicPorts ?? {}), [catalogue, analysis]);
  const problemsByNode = useMemo(() => {
    const map = new Map<string, NonNullable<Analysis>['problems']>();
    for (const p of analysis?.problems ?? []) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p]);
    return map;
  }, [analysis]);
  const context = useMemo<EditorContextValue>(() => ({ catalogue: catalogue ?? [], portsOf, problemsByNode, runNodes: run.nodes }), [catalogue, portsOf, problemsByNode, run.nodes]);
  const selected = flow.nodes.filter((n) => n.selected);

  const addNode = useCallback((type: string, version: number, position?: { x: number; y: number }) => {
    const at = position ?? reactFlow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
    flow.commit((s) => {
      const id = newNodeId(type, new Set(s.nodes.map((n) => n.id)));
      const node: FlowNode = { id, type: 'medflow', position: at, selected: true, data: { nodeType: type, typeVersion: version, config: {} } };
      return { nodes: [...s.nodes.map((n) => ({ ...n, selected: false })), node], edges: s.edges };
    });
  }, [flow, reactFlow]);

  const onConnect = useCallback((conn: Connection) => {
    const check = checkConnection(conn, flow.nodes, flow.edges, portsOf);
    if (!check.ok) {
      setNotice(check.reason === 'incompatible' ? t('incompatible', { from: check.from ?? '', to: check.to ?? '' }) : check.reason === 'alreadyConnected' ? t('alreadyConnected') : t('selfLoop'));
      return;
    }
    setNotice(undefined);
    flow.commit((s) => ({ ...s, edges: [...s.edges, { id: edgeId(conn.source, conn.sourceHandle ?? '', conn.target, conn.targetHandle ?? ''), ...conn }] }));
  }, [flow, portsOf, t]);

  const updateNode = useCallback((id: string, patch: Partial<FlowNode['data']>) => {
    flow.commit((s) => ({ ...s, nodes: s.nodes.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)) }));
  }, [flow]);

  const copy = () => { clipboard.current = selected; };
  const paste = () => flow.commit((s) => {
    const taken = new Set(s.nodes.map((n) => n.id));
    const pasted = clipboard.current.map((n) => {
      const id = newNodeId(n.data.nodeType, taken);
      taken.add(id);
      return { ...n, id, selected: true, position: { x: n.position.x + 40, y: n.position.y + 40 }, data: structuredClone(n.data) };
    });
    return { nodes: [...s.nodes.map((n) => ({ ...n, selected: false })), ...pasted], edges: s.edges };
  });

  // Shortcuts listen on the window: after a click on the canvas, focus is on the page body.
  const onKeyDown = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement | null;
    if (target?.closest?.('input, textarea, select, [contenteditable=true]')) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'z' && !e.shiftKey) { e.preventDefault(); flow.undo(); }
    else if (mod && (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey))) { e.preventDefault(); flow.redo(); }
    else if (mod && e.key.toLowerCase() === 'c') copy();
    else if (mod && e.key.toLowerCase() === 'v') paste();
    else if (mod && e.key.toLowerCase() === 's') { e.preventDefault(); void autosave.flush(); }
  };

  const keyHandler = useRef(onKeyDown);
  keyHandler.current = onKeyDown;
  useEffect(() => {
    const listener = (e: KeyboardEvent) => keyHandler.current(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const publish = async () => {
    const note = window.prompt(t('publishNote')) ?? undefined;
    try { await autosave.flush(); await api.publish(workflowId, note || undefined); setVersionsKey((k) => k + 1); setNotice(undefined); } catch (e) { setError(e); }
  };
  const exportJson = () => {
    if (!document) return;
    const a = window.document.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' }));
    a.download = `${document.name}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  if (error && !workflow) return <ErrorBanner error={error} />;
  if (!workflow || !catalogue) return <p>{t('loading')}</p>;
  const saveLabel = { saved: t('saved'), saving: t('saving'), unsaved: t('unsaved'), failed: t('saveFailed'), conflict: t('conflict') }[autosave.state];

  return (
    <EditorContext.Provider value={context}>
      <div className="editor">
        <div className="toolbar" role="toolbar" aria-label="workflow">
          <a href={href({ page: 'workflows' })}>← {t('back')}</a>
          <input className="wf-name" aria-label="workflow name" value={name} onChange={(e) => setName(e.target.value)} />
          <span className={`save-state save-${autosave.state}`} data-testid="save-state" aria-live="polite">{saveLabel}</span>
          <button type="button" onClick={flow.undo} disabled={!flow.canUndo} title="Ctrl+Z">{t('undo')}</button>
          <button type="button" onClick={flow.redo} disabled={!flow.canRedo} title="Ctrl+Shift+Z">{t('redo')}</button>
          <button type="button" onClick={() => { flow.commit((s) => ({ ...s, nodes: autoLayout(s.nodes, s.edges) })); requestAnimationFrame(() => reactFlow.fitView()); }}>{t('layout')}</button>
          <button type="button" onClick={exportJson}>{t('export')}</button>
          <button type="button" className="primary" onClick={publish} disabled={!analysis?.valid}>{t('publish')}</button>
          <span className={analysis?.valid ? 'ok' : 'field-error'} data-testid="problems">{analysis?.valid ? t('valid') : t('problems', { n: analysis?.problems.length ?? 0 })}</span>
          <VersionsPanel workflowId={workflowId} reloadKey={versionsKey} onError={setError} onRestored={(w, a) => { load(w, a); autosave.rebase(w); }} />
        </div>
        {notice && <div role="alert" className="notice" data-testid="notice">{notice} <button type="button" className="link" onClick={() => setNotice(undefined)}>{t('close')}</button></div>}
        <ErrorBanner error={error ?? (autosave.state === 'failed' || autosave.state === 'conflict' ? autosave.error : undefined)} />
        {analysis && !analysis.valid && (
          <details className="problem-list"><summary>{t('problems', { n: analysis.problems.length })}</summary>
            <ul>{analysis.problems.map((p, i) => <li key={i} title={p.message}><code>{p.path}</code> {explain(lang, p)}</li>)}</ul>
          </details>
        )}
        <div className="workspace">
          <Palette catalogue={catalogue} onAdd={(type, version) => addNode(type, version)} />
          <div className="canvas" data-testid="canvas"
            onDragOver={(e) => { if (e.dataTransfer.types.includes(DRAG_TYPE)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } }}
            onDrop={(e) => {
              const raw = e.dataTransfer.getData(DRAG_TYPE);
              if (!raw) return;
              e.preventDefault();
              const [type, version] = raw.split('@');
              addNode(type!, Number(version), reactFlow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
            }}>
            <ReactFlow nodes={flow.nodes} edges={flow.edges} nodeTypes={nodeTypes}
              onNodesChange={flow.onNodesChange} onEdgesChange={flow.onEdgesChange} onConnect={onConnect}
              deleteKeyCode={['Delete', 'Backspace']} minZoom={0.1} onlyRenderVisibleElements
              // Fit an existing flow into view, never zoomed past 100 %; an empty canvas starts at 100 %.
              fitView={workflow.draft.nodes.length > 0} fitViewOptions={{ maxZoom: 1 }} defaultViewport={{ x: 40, y: 40, zoom: 1 }}>
              <Background />
              <MiniMap pannable zoomable ariaLabel="minimap" />
              <Controls />
            </ReactFlow>
          </div>
          <div className="side">
            <Inspector node={selected.length === 1 ? selected[0] : undefined} edges={flow.edges} catalogue={catalogue}
              problems={selected.length === 1 ? problemsByNode.get(selected[0]!.id) ?? [] : []} onChange={updateNode} />
            <RunPanel workflowId={workflowId} analysis={analysis} run={run} runId={runId} selectedNodeId={selected.length === 1 ? selected[0]!.id : undefined}
              beforeRun={() => autosave.flush()}
              onRunStarted={(id) => navigate({ page: 'editor', workflowId, runId: id })}
              onOpenRun={(id) => navigate({ page: 'editor', workflowId, runId: id })} />
          </div>
        </div>
      </div>
    </EditorContext.Provider>
  );
}
