import { useRef, useState } from 'react';
import { api, type NodePackage, type PackageCapabilities } from '../api/client';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';

/** The capabilities as sentences an administrator can judge, one per line. */
function capabilityLines(caps: PackageCapabilities, t: ReturnType<typeof useI18n>['t']): string[] {
  const lines: string[] = [];
  if (caps.egress !== 'none') lines.push(t('capEgress', { v: caps.egress }));
  if (caps.networkHosts.length) lines.push(t('capHosts', { v: caps.networkHosts.join(', ') }));
  if (caps.gpu !== 'none') lines.push(t('capGpu', { v: caps.gpu }));
  if (caps.filesystem === 'run-files') lines.push(t('capFiles'));
  if (caps.services.length) lines.push(t('capServices', { v: caps.services.join(', ') }));
  return lines.length ? lines : [t('capNone')];
}

/**
 * Third-party node packages: developers upload, administrators approve exactly the capabilities shown
 * (the approval sends back the integrity and capabilities on screen) or remove a version.
 */
export function PackagesPage() {
  const { t, lang } = useI18n();
  const { can } = useSession();
  const isAdmin = can('settings.manage');
  const [version, setVersion] = useState(0);
  const { data, error } = useAsync(() => api.packages(), [version]);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [registryName, setRegistryName] = useState('');
  const [registryVersion, setRegistryVersion] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  const act = async (work: () => Promise<string>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(true); setActionError(null); setMessage(null);
    try { setMessage(await work()); setVersion((v) => v + 1); } catch (e) { setActionError(e); } finally { setBusy(false); }
  };

  const card = (p: NodePackage) => {
    const caps = capabilityLines(p.manifest.capabilities, t);
    return (
      <article key={p.id} className={`package-card status-${p.status}`} data-testid={`package-${p.id}`}>
        <header>
          <h2><code>{p.id}</code> <span className={`badge ${p.status}`}>{t(`packageStatus_${p.status}`)}</span></h2>
          {p.description && <p>{p.description}</p>}
        </header>
        <dl className="facts">
          <dt>{t('packageNodes')}</dt>
          <dd>{p.nodes.map((n) => <div key={`${n.type}@${n.version}`}>{n.title[lang]} <code>{n.type}@{n.version}</code></div>)}</dd>
          <dt>{t('packageCapabilities')}</dt>
          <dd><ul className="capabilities">{caps.map((line) => <li key={line}>{line}</li>)}</ul></dd>
          <dt>{t('integrity')}</dt><dd><code className="integrity">{p.integrity}</code></dd>
          <dt>&nbsp;</dt>
          <dd>{t('uploadedBy', { user: p.uploadedBy, time: new Date(p.uploadedAt).toLocaleString() })}{p.approvedBy ? ` ・ ${t('approvedBy', { user: p.approvedBy })}` : ''}</dd>
          {p.error && <><dt>!</dt><dd role="alert">{p.error}</dd></>}
        </dl>
        {isAdmin && (
          <div className="toolbar">
            {p.status === 'pending' && (
              <button type="button" disabled={busy} onClick={() => void act(async () => t('packageEnabled', { id: (await api.approvePackage(p)).id }), t('approveConfirm', { id: p.id, caps: caps.join('\n') }))}>
                {t('approveCapabilities')}
              </button>
            )}
            <button type="button" className="danger" disabled={busy} onClick={() => void act(async () => t('packageRemoved', { id: (await api.removePackage(p.id)).id }), t('uninstallConfirm', { id: p.id }))}>
              {t('uninstall')}
            </button>
          </div>
        )}
      </article>
    );
  };

  return (
    <section className="list-page packages-page">
      <h1>{t('packages')}</h1>
      <p>{t('packagesIntro')}</p>
      <p className="muted small">{t('packagesNamespaces')}</p>
      {!isAdmin && <p className="notice">{t('onlyAdminApproves')}</p>}
      <ErrorBanner error={error ?? actionError} />
      {message && <p role="status" className="notice">{message}</p>}
      <div className="toolbar">
        <input ref={fileInput} type="file" accept=".tgz,application/gzip" aria-label={t('uploadPackage')} hidden
          onChange={(e) => { const file = e.target.files?.[0]; e.target.value = ''; if (file) void act(async () => t('packageAdded', { id: (await api.uploadPackage(file)).id })); }} />
        <button type="button" disabled={busy} onClick={() => fileInput.current?.click()}>{t('uploadPackage')}</button>
      </div>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void act(async () => t('packageAdded', { id: (await api.installFromRegistry(registryName.trim(), registryVersion.trim())).id })); }}>
        <span>{t('fromRegistry')}</span>
        <label>{t('packageName')}<input name="packageName" value={registryName} onChange={(e) => setRegistryName(e.target.value)} required /></label>
        <label>{t('packageVersion')}<input name="packageVersion" value={registryVersion} placeholder="1.0.0" onChange={(e) => setRegistryVersion(e.target.value)} required /></label>
        <button type="submit" disabled={busy}>{t('add')}</button>
      </form>
      {data && !data.length && <p>{t('noPackages')}</p>}
      {data?.map(card)}
    </section>
  );
}
