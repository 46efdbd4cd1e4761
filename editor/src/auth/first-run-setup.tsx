import { useState, type FormEvent } from 'react';
import { api, type SessionInfo } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';

/** The first administrator: proves access to the server console (setup code), sets a password and a second factor. */
export function FirstRunSetup({ onDone }: { onDone(session: SessionInfo): void }) {
  const { t } = useI18n();
  const [setupToken, setSetupToken] = useState('');
  const [secret, setSecret] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [form, setForm] = useState({ username: 'admin', displayName: '', password: '', totpCode: '' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try { setSecret(await api.setupTotp(setupToken.trim())); } catch (err) { setError(err); }
  };
  const finish = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try { onDone(await api.setup({ setupToken: setupToken.trim(), ...form, totpSecret: secret!.secret })); } catch (err) { setError(err); }
  };

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={secret ? finish : start} aria-labelledby="setup-title">
        <h1 id="setup-title">{t('setupTitle')}</h1>
        <ErrorBanner error={error} />
        <label>{t('setupCode')}<input name="setupToken" value={setupToken} onChange={(e) => setSetupToken(e.target.value)} required disabled={!!secret} aria-describedby="setup-hint" />
          <small id="setup-hint">{t('setupCodeHint')}</small></label>
        {secret && (
          <>
            <label>{t('username')}<input name="username" autoComplete="username" value={form.username} onChange={set('username')} required /></label>
            <label>{t('displayName')}<input name="displayName" value={form.displayName} onChange={set('displayName')} required /></label>
            <label>{t('password')}<input name="password" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} required aria-describedby="pw-rule" />
              <small id="pw-rule">{t('passwordRule')}</small></label>
            <div className="secret-box">
              <span>{t('totpSecret')}</span>
              <code data-testid="totp-secret">{secret.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
              <small>{t('totpSecretHint')}</small>
            </div>
            <label>{t('totpCode')}<input name="totpCode" inputMode="numeric" autoComplete="one-time-code" value={form.totpCode} onChange={set('totpCode')} required /></label>
          </>
        )}
        <button type="submit" className="primary">{secret ? t('create') : t('next')}</button>
      </form>
    </main>
  );
}
