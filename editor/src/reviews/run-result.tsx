import { useEffect, useState } from 'react';
import { api, type RunDetail } from '../api/client';
import { useI18n } from '../i18n/i18n';

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'waiting_review']);
const isFileRef = (v: unknown): v is { fileId: string; name: string; mediaType: string } =>
  typeof v === 'object' && v !== null && typeof (v as { fileId?: unknown }).fileId === 'string' && typeof (v as { mediaType?: unknown }).mediaType === 'string';

/**
 * What the run made of the decision, for the physician who decided: the run goes on after the gate, so this follows
 * it until it ends, then shows each result — a file (the 発生届 form) to open and print, anything else as text —
 * and the JSON export. Shown only when the server lets this user see the run (the gate named them).
 */
export function RunResult({ runId }: { runId: string }) {
  const { t } = useI18n();
  const [detail, setDetail] = useState<RunDetail | null>();
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const next = await api.getRun(runId).catch(() => null);
      if (stop) return;
      setDetail(next);
      if (next && !TERMINAL.has(next.run.status)) timer = setTimeout(() => void poll(), 700);
    };
    void poll();
    return () => { stop = true; clearTimeout(timer); };
  }, [runId]);
  if (detail === null) return null; // not this user's to see
  if (!detail) return <p className="muted">{t('loading')}</p>;
  const { run } = detail;
  const outputs = Object.entries(run.outputs ?? {});
  return (
    <section className="run-result" aria-label={t('runResult')}>
      <h2>{t('runResult')} <span className="muted small">{t(`status_${run.status}` as never)}</span></h2>
      {!TERMINAL.has(run.status) && <p className="muted">{t('runStillRunning')}</p>}
      {run.status === 'failed' && run.error && <p className="error">{run.error.message}</p>}
      <ul className="run-outputs">
        {outputs.map(([name, value]) => (
          <li key={name}>
            <strong>{name}</strong>{' '}
            {isFileRef(value)
              ? <a href={api.fileUrl(run.id, value.fileId)} target="_blank" rel="noopener">{t('openAndPrint')}: {value.name}</a>
              : <pre className="small">{typeof value === 'string' ? value : JSON.stringify(value, null, 2).slice(0, 4000)}</pre>}
          </li>
        ))}
      </ul>
      {TERMINAL.has(run.status) && <a href={`/api/runs/${run.id}/export`} download>{t('exportJson')}</a>}
    </section>
  );
}
