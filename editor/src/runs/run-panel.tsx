import { useState } from 'react';
import type { RunInputDescriptor } from '@medflow/sdk';
import { api, type Analysis, type Provenance } from '../api/client';
import { explain } from '../i18n/explain';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';
import { ValueView } from './value-view';
import type { useRun } from './use-run';

/**
 * Start a run with its inputs, follow it, inspect the selected node's inputs/outputs/error, and reopen
 * earlier runs.
 */
export function RunPanel({ workflowId, analysis, run, runId, onRunStarted, onOpenRun, selectedNodeId, beforeRun }: {
  workflowId: string; analysis: Analysis | undefined; run: ReturnType<typeof useRun>; runId: string | undefined;
  onRunStarted: (id: string) => void; onOpenRun: (id: string) => void; selectedNodeId: string | undefined; beforeRun: () => Promise<void>;
}) {
  const { t, lang } = useI18n();
  const [values, setValues] = useState<Record<string, string>>({});
  const [files, setFiles] = useState<Record<string, File>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const history = useAsync(() => api.listRuns({ workflowId, limit: 20 }), [workflowId, runId, run.status]);

  const start = async () => {
    setBusy(true); setError(undefined);
    try {
      await beforeRun();
      const form = new FormData();
      form.set('version', 'draft');
      const text = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      form.set('inputs', JSON.stringify(text));
      for (const [name, file] of Object.entries(files)) form.set(name, file, file.name);
      const { run: started } = await api.startRun(workflowId, form);
      onRunStarted(started.id);
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  const node = run.detail?.nodes.find((n) => n.nodeId === selectedNodeId);
  const live = run.status === 'running' || run.status === 'queued';
  return (
    <section className="run-panel" aria-label={t('run')}>
      <h2>{t('run')}</h2>
      {analysis && !analysis.valid && <p className="field-error">{t('fixBeforeRun')}</p>}
      <form onSubmit={(e) => { e.preventDefault(); void start(); }}>
        <fieldset disabled={busy || live}>
          <legend>{t('runInputs')}</legend>
          {analysis?.inputs.map((input) => <InputField key={input.name} input={input} value={values[input.name] ?? ''}
            onText={(v) => setValues((s) => ({ ...s, [input.name]: v }))} onFile={(f) => setFiles((s) => { const n = { ...s }; if (f) n[input.name] = f; else delete n[input.name]; return n; })} />)}
          <button type="submit" className="primary" disabled={!analysis?.valid}>{t('start')}</button>
        </fieldset>
      </form>
      {live && runId && <button type="button" className="danger" onClick={() => api.cancelRun(runId).catch(setError)}>{t('cancel')}</button>}
      <ErrorBanner error={error ?? run.error} />
      {runId && (
        <div className="run-status" aria-live="polite">
          <strong data-testid="run-status">{run.status ? t(`status_${run.status}`) : t('loading')}</strong>
          {run.detail?.run.error && <p className="field-error" title={run.detail.run.error.message}>{explain(lang, run.detail.run.error)} <span className="muted">({run.detail.run.error.code})</span> — {t('runFailedHint')}</p>}
          {run.detail && Object.keys(run.detail.run.outputs).length > 0 && (
            <div>
              <h3>{t('runOutputs')} <a className="button small" href={`/api/runs/${runId}/export`} download>{t('exportJson')}</a></h3>
              {Object.entries(run.detail.run.outputs).map(([name, value]) => (
                <div key={name} className="run-output" data-testid={`run-output-${name}`}>
                  <h4>{name} <AiDraftBadge provenance={run.detail?.provenance?.outputs[name]} /></h4>
                  <ValueView value={value} runId={runId} />
                </div>
              ))}
            </div>
          )}
        </div>
      )}
      {node && runId && (
        <div className="node-detail" data-testid="node-detail">
          <h3>{node.nodeId} — {t(`status_${node.status}`)} <AiDraftBadge provenance={run.detail?.provenance?.nodes[node.nodeId]} /></h3>
          <p className="muted small">{t('attempts')}: {node.attempts}{node.durationMs !== undefined ? ` · ${t('duration')}: ${node.durationMs} ms` : ''}{node.skipReason ? ` · ${node.skipReason}` : ''}</p>
          {node.error && <p className="field-error" title={node.error.message}>{explain(lang, node.error)} <span className="muted">({node.error.code})</span></p>}
          <h4>{t('inputs')}</h4><ValueView value={node.inputs} runId={runId} />
          <h4>{t('outputs')}</h4><ValueView value={node.outputs} runId={runId} />
        </div>
      )}
      <details className="run-history">
        <summary>{t('runHistory')}</summary>
        <ul role="list">
          {history.data?.map((r) => (
            <li key={r.id}>
              <button type="button" className="link" onClick={() => onOpenRun(r.id)} aria-current={r.id === runId ? 'true' : undefined}>
                {new Date(r.createdAt).toLocaleString()} — {t(`status_${r.status}`)}
              </button>
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}

/** 「AI下書き」 with the nodes whose model made the value: a physician must confirm it before it is a record. */
function AiDraftBadge({ provenance }: { provenance: Provenance | undefined }) {
  const { t, pick } = useI18n();
  if (!provenance?.aiDraft) return null;
  const madeBy = provenance.sources.map((s) => `${pick(s.title)} (${s.nodeId})`).join(', ');
  return <span className="badge ai-draft" data-testid="ai-draft" title={`${t('aiDraftHint')}: ${madeBy}`}>{t('aiDraft')}</span>;
}

function InputField({ input, value, onText, onFile }: { input: RunInputDescriptor; value: string; onText: (v: string) => void; onFile: (f: File | undefined) => void }) {
  const { t } = useI18n();
  const id = `run-input-${input.name}`;
  const label = <label htmlFor={id}>{input.title ?? input.name} {input.required && <span className="required" title={t('required')}>*</span>}</label>;
  if (input.kind === 'file') {
    return <div className="field">{label}<input id={id} type="file" accept={input.accept?.join(',')} required={input.required} onChange={(e) => onFile(e.target.files?.[0])} /></div>;
  }
  return <div className="field">{label}<textarea id={id} rows={4} required={input.required} value={value} onChange={(e) => onText(e.target.value)} /></div>;
}
