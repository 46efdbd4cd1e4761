import { useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';

/** The audit trail for auditors: newest events, chain verification, CSV export. */
export function AuditPage() {
  const { t, lang } = useI18n();
  const { data, error } = useAsync(() => api.auditEvents(200), []);
  const [verdict, setVerdict] = useState<string | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const verify = () => api.verifyAudit().then((r) => setVerdict(r.ok ? t('chainOk', { n: r.checked }) : t('chainBroken', { seq: r.firstBroken!.seq, reason: r.firstBroken!.reason })), setVerifyError);
  return (
    <section className="list-page">
      <h1>{t('audit')}</h1>
      <div className="toolbar">
        <button type="button" onClick={() => void verify()}>{t('verifyChain')}</button>
        <a className="button" href="/api/audit/export.csv" download>{t('exportCsv')}</a>
      </div>
      {verdict && <p role="status">{verdict}</p>}
      <ErrorBanner error={error ?? verifyError} />
      <table className="data-table">
        <thead><tr><th>#</th><th>{t('time')}</th><th>{t('actor')}</th><th>{t('action')}</th><th>{t('resource')}</th><th>{t('patientData')}</th><th>{t('outcome')}</th><th>{t('address')}</th></tr></thead>
        <tbody>
          {data?.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{new Date(e.time).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB')}</td>
              <td>{e.actor?.username ?? '—'}</td>
              <td><code>{e.action}</code></td>
              <td>{e.resource ? `${e.resource.type} ${e.resource.id?.slice(0, 8) ?? ''}` : ''}</td>
              <td>{e.patientData ? '●' : ''}</td>
              <td>{e.outcome}</td>
              <td>{e.clientAddress}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
