import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, onSessionEnded, setCsrfToken, type SessionInfo } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { AccountSetup } from './account-setup';
import { FirstRunSetup } from './first-run-setup';
import { SignIn } from './sign-in';

interface SessionContext { session: SessionInfo; update(next: SessionInfo): void; signOut(): Promise<void>; can(permission: string): boolean }
const Ctx = createContext<SessionContext | null>(null);

export function useSession(): SessionContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useSession outside SessionGate');
  return ctx;
}

/**
 * Shows the app only to a signed-in user whose account is set up; otherwise first-run setup, sign-in,
 * or the steps the account still needs (temporary password, second factor for admins).
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const [session, setSession] = useState<SessionInfo | null>(null);
  const [expired, setExpired] = useState(false);

  const update = useCallback((next: SessionInfo) => {
    setCsrfToken(next.csrfToken);
    setSession(next);
  }, []);

  useEffect(() => {
    api.session().then(update, () => setSession({ authenticated: false }));
    onSessionEnded(() => { setExpired(true); update({ authenticated: false }); });
  }, [update]);

  const signOut = useCallback(async () => {
    await api.logout().catch(() => {});
    setExpired(false);
    update({ authenticated: false });
  }, [update]);

  if (!session) return <p className="loading">{t('loading')}</p>;
  if (!session.authenticated) {
    if (session.setupRequired) return <FirstRunSetup onDone={update} />;
    return <SignIn onDone={(s) => { setExpired(false); update(s); }} notice={expired ? t('sessionExpired') : undefined} sso={!!session.oidc} />;
  }
  if (session.pending?.length) return <AccountSetup session={session} onDone={update} onSignOut={signOut} />;
  const can = (permission: string) => !!session.permissions?.includes(permission);
  return <Ctx.Provider value={{ session, update, signOut, can }}>{children}</Ctx.Provider>;
}
