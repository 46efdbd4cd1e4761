import { useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';

/**
 * How patient data is protected, for the administrator: encryption keys (rotate, move old data to the
 * new key), the retention period (purge now), the egress policy and single sign-on. Every action is audited.
 */
export function SecurityPage() {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const { data, error } = useAsync(() => api.securityStatus(), [version]);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [days, setDays] = useState('');
  const [busy, setBusy] = useState(false);

  const act = async (work: () => Promise<string>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(true); setActionError(null); setMessage(null);
    try { setMessage(await work()); setVersion((v) => v + 1); } catch (e) { setActionError(e); } finally { setBusy(false); }
  };

  return (
    <section className="list-page security-page">
      <h1>{t('security')}</h1>
      <ErrorBanner error={error ?? actionError} />
      {message && <p role="status" className="notice">{message}</p>}
      {data && (
        <>
          <h2>{t('encryption')}</h2>
          <dl className="facts">
            <dt>{t('algorithm')}</dt><dd>{data.encryption.algorithm}</dd>
            <dt>{t('activeKey')}</dt><dd><code data-testid="active-key">{data.encryption.activeKeyId}</code></dd>
            <dt>{t('keySource')}</dt><dd>{data.encryption.keySource === 'file' ? t('keySourceFile') : t('keySourceEnv')}</dd>
          </dl>
          <table className="data-table">
            <thead><tr><th>{t('keyId')}</th><th>{t('sealedValues')}</th></tr></thead>
            <tbody>{data.encryption.keyIds.map((id) => <tr key={id}><td><code>{id}</code>{id === data.encryption.activeKeyId ? ` (${t('active')})` : ''}</td><td>{data.encryption.usage[id] ?? 0}</td></tr>)}</tbody>
          </table>
          <div className="toolbar">
            <button type="button" disabled={busy || data.encryption.keySource !== 'file'} title={data.encryption.keySource !== 'file' ? t('keysFromEnvHint') : undefined}
              onClick={() => void act(async () => t('rotated', { id: (await api.rotateKey()).activeKeyId }), t('rotateConfirm'))}>{t('rotateKey')}</button>
            <button type="button" disabled={busy} onClick={() => void act(async () => { const r = await api.reencrypt(); return t('reencrypted', { n: r.reencrypted, blobs: r.blobs, live: r.skippedLive }); })}>{t('reencrypt')}</button>
          </div>

          <h2>{t('retention')}</h2>
          <p>{data.retention.days ? t('retentionDays', { n: data.retention.days }) : t('retentionOff')}</p>
          <form className="inline-form" onSubmit={(e) => { e.preventDefault(); const n = days ? Number(days) : undefined; void act(async () => { const r = await api.purgeExpired(n); return t('purged', { runs: r.runsPurged, files: r.files, cutoff: new Date(r.cutoff).toLocaleDateString() }); }, t('purgeConfirm')); }}>
            <label>{t('retentionDaysField')}<input name="retentionDays" type="number" min={1} max={36500} value={days} placeholder={data.retention.days ? String(data.retention.days) : ''} onChange={(e) => setDays(e.target.value)} required={!data.retention.days} /></label>
            <button type="submit" className="danger" disabled={busy}>{t('purgeNow')}</button>
          </form>

          <h2>{t('egressAndSso')}</h2>
          <dl className="facts">
            <dt>{t('egressPolicy')}</dt><dd>{data.egressPolicy === 'deny-external' ? t('egressDeny') : t('egressRedacted')}</dd>
            <dt>SSO (OIDC)</dt><dd>{data.sso.enabled ? <code>{data.sso.issuer}</code> : t('ssoOff')}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
