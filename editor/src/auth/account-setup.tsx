import { useState, type FormEvent } from 'react';
import { api, type SessionInfo } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';

/** Steps an account must finish before using the app: replace a temporary password; admins enrol TOTP. */
export function AccountSetup({ session, onDone, onSignOut }: { session: SessionInfo; onDone(s: SessionInfo): void; onSignOut(): void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const pending = session.pending ?? [];
  const run = (fn: () => Promise<SessionInfo>) => async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try { onDone(await fn()); } catch (err) { setError(err); }
  };

  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1>{t('accountSetup')} — {session.user?.displayName}</h1>
        <ErrorBanner error={error} />
        {pending[0] === 'password_change' && (
          <form onSubmit={run(() => api.changePassword(current, next))} aria-label={t('mustChangePassword')}>
            <p>{t('mustChangePassword')}</p>
            <label>{t('currentPassword')}<input name="currentPassword" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required /></label>
            <label>{t('newPassword')}<input name="newPassword" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required aria-describedby="pw-rule" />
              <small id="pw-rule">{t('passwordRule')}</small></label>
            <button type="submit" className="primary">{t('confirm')}</button>
          </form>
        )}
        {pending[0] === 'totp_enrolment' && (
          <form onSubmit={run(() => api.confirmTotp(code))} aria-label={t('mustEnrolTotp')}>
            <p>{t('mustEnrolTotp')}</p>
            {!secret && <button type="button" onClick={() => api.beginTotp().then((r) => setSecret(r.secret), setError)}>{t('startTotp')}</button>}
            {secret && (
              <>
                <div className="secret-box"><span>{t('totpSecret')}</span><code data-testid="totp-secret">{secret.replace(/(.{4})/g, '$1 ').trim()}</code><small>{t('totpSecretHint')}</small></div>
                <label>{t('totpCode')}<input name="code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} required /></label>
                <button type="submit" className="primary">{t('confirm')}</button>
              </>
            )}
          </form>
        )}
        <button type="button" className="link" onClick={onSignOut}>{t('signOut')}</button>
      </div>
    </main>
  );
}
