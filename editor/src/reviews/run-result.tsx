import { useEffect, useState } from 'react';
import { api, type RunDetail } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ValueView } from '../runs/value-view';

const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'waiting_review']);

/**
 * What the run made of the decision, for the physician who decided: the run goes on after the gate, so this follows
 * it until it ends, then shows each result as the run view does (a file such as the 発生届 form as a link to open and
 * print) and the JSON export. Shown only when the server lets this user see the run (the gate named them).
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
            <strong>{name}</strong> <ValueView value={value} runId={run.id} />
          </li>
        ))}
      </ul>
      {TERMINAL.has(run.status) && <a href={`/api/runs/${run.id}/export`} download>{t('exportJson')}</a>}
    </section>
  );
}
