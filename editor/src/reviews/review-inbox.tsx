import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';
import { href } from '../shell/use-route';

/**
 * Runs waiting for a person. Until the review API (decisions, designated reviewers) exists, this lists
 * runs in `waiting_review` and opens them in the run view.
 */
export function ReviewInbox() {
  const { t, lang } = useI18n();
  const { data, error } = useAsync(() => api.listRuns({ status: 'waiting_review', limit: 100 }), []);
  return (
    <section className="list-page">
      <h1>{t('reviews')}</h1>
      <ErrorBanner error={error} />
      {data && data.length === 0 && <p className="empty">{t('noReviews')}</p>}
      <ul className="cards">
        {data?.map((r) => (
          <li key={r.id} className="card">
            <span className="card-title">{r.workflowName}</span>
            <p className="muted">{new Date(r.createdAt).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB')} · {t('status_waiting_review')}</p>
            {r.workflowId && <a href={href({ page: 'editor', workflowId: r.workflowId, runId: r.id })}>{t('openRun')}</a>}
          </li>
        ))}
      </ul>
    </section>
  );
}
