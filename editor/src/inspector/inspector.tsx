import type { NodeTypeDescription } from '@medflow/sdk';
import type { Problem } from '../api/client';
import type { FlowEdge, FlowNode } from '../canvas/document';
import { catalogueEntry } from '../canvas/editor-context';
import { explain } from '../i18n/explain';
import { useI18n } from '../i18n/i18n';
import { SchemaForm, type JsonSchema } from './schema-form';

/**
 * Settings of the selected node: its label and its config form, generated from the node type's JSON
 * Schema, with the server's validation problems shown on the fields they concern.
 */
export function Inspector({ node, edges, catalogue, problems, onChange }: {
  node: FlowNode | undefined; edges: FlowEdge[]; catalogue: NodeTypeDescription[]; problems: Problem[];
  onChange: (id: string, patch: Partial<FlowNode['data']>) => void;
}) {
  const { t, pick, lang } = useI18n();
  if (!node) return <aside className="inspector" aria-label={t('inspector')}><h2>{t('inspector')}</h2><p className="muted">{t('noSelection')}</p></aside>;
  const entry = catalogueEntry(catalogue, node.data.nodeType, node.data.typeVersion);
  const errors = new Map<string, string>();
  const general: string[] = [];
  for (const p of problems) {
    const m = /^nodes\.\d+\.config\.?(.*)$/.exec(p.path);
    if (m && m[1]) errors.set(m[1], explain(lang, p)); else general.push(explain(lang, p));
  }
  const variables = [...new Set(edges.filter((e) => e.target === node.id).map((e) => e.source))];
  if (variables.length) variables.push('input');
  return (
    <aside className="inspector" aria-label={t('inspector')}>
      <h2>{entry ? pick(entry.display.title) : node.data.nodeType}</h2>
      <p className="muted small">{entry && pick(entry.display.description)}</p>
      <p className="small"><code>{node.id}</code> · {node.data.nodeType}@{node.data.typeVersion}</p>
      {entry?.origin && <PackagePin pinned={node.data.package} newest={`${entry.origin.package}@${entry.origin.version}`} onUpdate={(pin) => onChange(node.id, { package: pin })} />}
      {general.length > 0 && <ul className="field-error" role="alert">{general.map((g, i) => <li key={i}>{g}</li>)}</ul>}
      <div className="field">
        <label htmlFor="node-label">{t('nodeLabel')}</label>
        <input id="node-label" type="text" value={node.data.label ?? ''} placeholder={node.id} onChange={(e) => onChange(node.id, { label: e.target.value || undefined })} />
      </div>
      {entry && (
        <SchemaForm schema={entry.configSchema as JsonSchema} value={node.data.config} context={{ errors, variables }}
          onChange={(config) => onChange(node.id, { config })} />
      )}
    </aside>
  );
}

/**
 * Which installed package version a third-party node runs with. Installing a newer version never moves
 * a saved workflow: the author does it here, explicitly.
 */
function PackagePin({ pinned, newest, onUpdate }: { pinned: string | undefined; newest: string; onUpdate: (pin: string) => void }) {
  const { t } = useI18n();
  return (
    <p className="small package-pin" data-testid="package-pin">
      {t('thirdParty')} · {t('packageVersionPinned')}: <code>{pinned ?? newest}</code>
      {pinned && pinned !== newest && (
        <button type="button" onClick={() => onUpdate(newest)}>{t('updatePackage', { v: newest.slice(newest.lastIndexOf('@') + 1) })}</button>
      )}
    </p>
  );
}
