import { api, type WorkflowRecord, type Analysis } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { useAsync } from '../shell/use-async';

/** Published versions, newest first, each restorable as the draft. */
export function VersionsPanel({ workflowId, reloadKey, onRestored, onError }: {
  workflowId: string; reloadKey: number; onRestored: (w: WorkflowRecord, a: Analysis) => void; onError: (e: unknown) => void;
}) {
  const { t } = useI18n();
  const { data } = useAsync(() => api.versions(workflowId), [workflowId, reloadKey]);
  return (
    <details className="versions">
      <summary>{t('history')} ({data?.length ?? 0})</summary>
      <ul role="list">
        {data?.map((v) => (
          <li key={v.version}>
            {t('version')} {v.version} — {new Date(v.publishedAt).toLocaleString()} {v.note && <em>「{v.note}」</em>}
            <button type="button" className="link" onClick={async () => {
              try { const r = await api.restore(workflowId, v.version); onRestored(r.workflow, r.analysis); } catch (e) { onError(e); }
            }}>{t('restore')}</button>
          </li>
        ))}
      </ul>
    </details>
  );
}
