import type { FileRef } from '@medflow/sdk';
import { api } from '../api/client';

const isFileRef = (v: unknown): v is FileRef =>
  typeof v === 'object' && v !== null && typeof (v as FileRef).fileId === 'string' && typeof (v as FileRef).mediaType === 'string';

/** Shows a port value: text as text, files as image/audio/links, everything else as a collapsible JSON tree. */
export function ValueView({ value, runId, depth = 0 }: { value: unknown; runId: string; depth?: number }) {
  if (value === undefined) return <span className="muted">—</span>;
  if (typeof value === 'string') return <pre className="value-text">{value}</pre>;
  if (typeof value !== 'object' || value === null) return <code>{JSON.stringify(value)}</code>;
  if (isFileRef(value)) {
    const url = api.fileUrl(runId, value.fileId);
    if (value.mediaType.startsWith('image/')) return <figure className="value-file"><img src={url} alt={value.name} /><figcaption>{value.name}</figcaption></figure>;
    if (value.mediaType.startsWith('audio/')) return <figure className="value-file"><audio controls src={url} /><figcaption>{value.name}</figcaption></figure>;
    return <a href={url} target="_blank" rel="noreferrer">{value.name} ({value.mediaType}, {value.size} B)</a>;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return (
    <details open={depth < 2} className="json-tree">
      <summary>{Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}</summary>
      <dl>
        {entries.map(([k, v]) => (
          <div key={k} className="json-entry"><dt>{k}</dt><dd><ValueView value={v} runId={runId} depth={depth + 1} /></dd></div>
        ))}
      </dl>
    </details>
  );
}
