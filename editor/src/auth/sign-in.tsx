import { useState, type FormEvent } from 'react';
import { api, ApiError, type SessionInfo } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';

export function SignIn({ onDone, notice }: { onDone(session: SessionInfo): void; notice?: string | undefined }) {
  const { t, lang, setLang } = useI18n();
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
        <ErrorBanner error={error} />
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
