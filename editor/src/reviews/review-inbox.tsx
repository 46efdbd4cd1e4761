import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';
import { href, navigate } from '../shell/use-route';

/**
 * Drafts waiting for this physician, most urgent first (overdue, then by deadline, then oldest).
 * Keyboard: j / k move, Enter opens.
 */
export function ReviewInbox() {
  const { t, lang } = useI18n();
  const [overdue, setOverdue] = useState(false);
  const [workflowId, setWorkflowId] = useState('');
  const [status, setStatus] = useState('pending');
  const { data, error } = useAsync(() => api.listReviews({ status, overdue, ...(workflowId ? { workflowId } : {}) }), [status, overdue, workflowId]);
  const [cursor, setCursor] = useState(0);
  const when = (iso: string) => new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB');
  const workflows = [...new Map((data ?? []).filter((r) => r.workflowId).map((r) => [r.workflowId!, r.workflowName])).entries()];

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!data?.length || (e.target as HTMLElement).closest('input, select, textarea')) return;
      if (e.key === 'j') setCursor((c) => Math.min(c + 1, data.length - 1));
      else if (e.key === 'k') setCursor((c) => Math.max(c - 1, 0));
      else if (e.key === 'Enter' && data[cursor]) { e.preventDefault(); navigate({ page: 'review', reviewId: data[cursor]!.id }); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [data, cursor]);

  return (
    <section className="list-page">
      <h1>{t('reviews')}</h1>
      <div className="toolbar">
        <label>{t('reviewStatus')} <select value={status} onChange={(e) => setStatus(e.target.value)}>
          {['pending', 'approved', 'returned', 'rejected', 'expired'].map((s) => <option key={s} value={s}>{t(`review_${s}` as never)}</option>)}
        </select></label>
        <label>{t('workflow')} <select value={workflowId} onChange={(e) => setWorkflowId(e.target.value)}>
          <option value="">{t('all')}</option>
          {workflows.map(([id, name]) => <option key={id} value={id}>{name}</option>)}
        </select></label>
        <label><input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> {t('overdueOnly')}</label>
        <span className="muted small">{t('inboxKeys')}</span>
      </div>
      <ErrorBanner error={error} />
      {data && data.length === 0 && <p className="empty">{t('noReviews')}</p>}
      {data && data.length > 0 && (
        <table className="data-table review-table">
          <thead><tr><th>{t('reviewTitle')}</th><th>{t('workflow')}</th><th>{t('waitingSince')}</th><th>{t('deadline')}</th><th>{t('withoutEvidence')}</th></tr></thead>
          <tbody>
            {data.map((r, i) => (
              <tr key={r.id} className={i === cursor ? 'cursor' : undefined} data-testid={`review-row-${r.id}`}>
                <td><a href={href({ page: 'review', reviewId: r.id })}>{r.title}</a>{!r.mayDecide && r.status === 'pending' && <span className="muted small" data-testid="view-only"> ({t('viewOnly')} — {t('decidedBy')}: {deciderNames(r.deciders, t)})</span>}</td>
                <td>{r.workflowName}</td>
                <td>{when(r.createdAt)}</td>
                <td>{r.deadline ? when(r.deadline) : '—'} {r.overdue && <span className="badge overdue">{t('overdue')}</span>} {r.escalated && <span className="badge overdue">{t('escalated')}</span>}</td>
                <td>{r.withoutEvidence > 0 ? <span className="badge no-evidence">{r.withoutEvidence} / {r.fieldCount}</span> : `0 / ${r.fieldCount}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** 確認医・dr-suzuki: roles by their names, then the users the gate names. */
export function deciderNames(deciders: { roles: string[]; users: string[] } | undefined, t: (key: never) => string): string {
  if (!deciders) return '—';
  return [...deciders.roles.map((r) => t(`role_${r}` as never)), ...deciders.users].join('・') || '—';
}
