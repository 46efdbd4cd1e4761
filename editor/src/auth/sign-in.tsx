import { useState, type FormEvent } from 'react';
import { api, ApiError, type SessionInfo } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';

const SSO_ERRORS = ['OIDC_REJECTED', 'OIDC_PROVIDER_ERROR', 'OIDC_NO_ROLE', 'OIDC_USERNAME_TAKEN', 'INVALID_CREDENTIALS'] as const;
type SsoError = (typeof SSO_ERRORS)[number];

/** Why a single sign-on came back unfinished: the server redirects here with `?signin_error=CODE`. */
function takeSsoError(): SsoError | undefined {
  const code = new URLSearchParams(window.location.search).get('signin_error');
  if (!code) return undefined;
  window.history.replaceState(null, '', window.location.pathname);
  return SSO_ERRORS.find((c) => c === code) ?? 'OIDC_REJECTED';
}

export function SignIn({ onDone, notice, sso }: { onDone(session: SessionInfo): void; notice?: string | undefined; sso: boolean }) {
  const { t, lang, setLang } = useI18n();
  const [ssoError] = useState(takeSsoError);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await api.login(username, password, needsTotp ? totp : undefined));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TOTP_REQUIRED') setNeedsTotp(true);
      else setError(err);
    } finally { setBusy(false); }
  };

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">MedFlow — {t('signIn')}</h1>
        {notice && <p role="status" className="notice">{notice}</p>}
        {ssoError && <p role="alert" className="error-banner">{t(`signinError_${ssoError}`)}</p>}
        <ErrorBanner error={error} />
        {sso && <><a className="button primary sso" href="/api/auth/oidc/start">{t('signInWithSso')}</a><p className="divider">{t('or')}</p></>}
        <label>{t('username')}<input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus /></label>
        <label>{t('password')}<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
        {needsTotp && (
          <label>{t('totpCode')}<input name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9０-９ ]{6,8}" value={totp} onChange={(e) => setTotp(e.target.value)} required autoFocus aria-describedby="totp-hint" />
            <small id="totp-hint">{t('totpHint')}</small></label>
        )}
        <button type="submit" className="primary" disabled={busy}>{t('signIn')}</button>
        <button type="button" className="link" onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}>{t('language')}</button>
      </form>
    </main>
  );
}
