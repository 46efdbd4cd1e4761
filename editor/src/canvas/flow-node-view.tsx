import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { PortDescription } from '@medflow/sdk';
import { explain } from '../i18n/explain';
import { useI18n } from '../i18n/i18n';
import type { FlowNode } from './document';
import { catalogueEntry, useEditorContext } from './editor-context';

function PortRow({ name, port, side }: { name: string; port: PortDescription; side: 'in' | 'out' }) {
  const { pick } = useI18n();
  return (
    <div className={`port port-${side}`} title={`${name}: ${port.kind}`}>
      <Handle type={side === 'in' ? 'target' : 'source'} position={side === 'in' ? Position.Left : Position.Right} id={name}
        className={`handle kind-${port.kind}`} aria-label={`${side === 'in' ? 'input' : 'output'} ${name} (${port.kind})`} />
      <span>{pick(port.title) || name}</span> <small>{port.kind}{port.multiple ? '[]' : ''}</small>
    </div>
  );
}

/** A node on the canvas: title, id (the name templates use), typed ports, run status and problems. */
function FlowNodeViewImpl({ id, data, selected }: NodeProps<FlowNode>) {
  const { t, pick, lang } = useI18n();
  const { catalogue, portsOf, problemsByNode, runNodes } = useEditorContext();
  const entry = catalogueEntry(catalogue, data.nodeType, data.typeVersion);
  const ports = portsOf({ id, data, position: { x: 0, y: 0 }, type: 'medflow' });
  const problems = problemsByNode.get(id) ?? [];
  const run = runNodes.get(id);
  const classes = ['flow-node', selected ? 'selected' : '', problems.length ? 'has-problems' : '', run ? `status-${run.status}` : ''].join(' ');
  return (
    <div className={classes} data-testid={`node-${id}`} data-status={run?.status ?? ''}>
      <header>
        <span aria-hidden="true">{entry?.display.icon}</span> {entry ? pick(entry.display.title) : data.nodeType}
      </header>
      <div className="node-id">{data.label || id}</div>
      <div className="ports">
        <div>{Object.entries(ports?.inputs ?? {}).map(([name, port]) => <PortRow key={name} name={name} port={port} side="in" />)}</div>
        <div>{Object.entries(ports?.outputs ?? {}).map(([name, port]) => <PortRow key={name} name={name} port={port} side="out" />)}</div>
      </div>
      {run && (
        <div className="node-run" aria-live="polite">
          <span className="badge">{t(`status_${run.status}`)}</span>
          {run.durationMs !== undefined && <span className="muted"> {run.durationMs} ms</span>}
          {run.status === 'running' && run.fraction != null && <progress max={1} value={run.fraction} aria-label="progress" />}
          {run.status === 'running' && run.note && <div className="muted small">{run.note}</div>}
        </div>
      )}
      {problems.length > 0 && <ul className="node-problems" role="list">{problems.slice(0, 3).map((p, i) => <li key={i} title={p.message}>{explain(lang, p)}</li>)}</ul>}
    </div>
  );
}

export const FlowNodeView = memo(FlowNodeViewImpl);
export const nodeTypes = { medflow: FlowNodeView };
