import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';

const ROLES = ['admin', 'author', 'reviewer', 'runner', 'developer', 'auditor'] as const;

/** User administration: create accounts with a temporary password and roles; unlock, disable. */
export function UsersPage() {
  const { t } = useI18n();
  const [reload, setReload] = useState(0);
  const { data, error } = useAsync(() => api.users(), [reload]);
  const [form, setForm] = useState({ username: '', displayName: '', temporaryPassword: '', roles: ['author'] as string[] });
  const [actionError, setActionError] = useState<unknown>(null);
  const act = (fn: () => Promise<unknown>) => fn().then(() => { setActionError(null); setReload((n) => n + 1); }, setActionError);
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => { await api.createUser(form); setForm({ username: '', displayName: '', temporaryPassword: '', roles: ['author'] }); });
  };
  const toggleRole = (role: string) => setForm({ ...form, roles: form.roles.includes(role) ? form.roles.filter((r) => r !== role) : [...form.roles, role] });

  return (
    <section className="list-page">
      <h1>{t('users')}</h1>
      <ErrorBanner error={error ?? actionError} />
      <table className="data-table">
        <thead><tr><th>{t('username')}</th><th>{t('displayName')}</th><th>{t('roles')}</th><th /></tr></thead>
        <tbody>
          {data?.map((u) => (
            <tr key={u.id}>
              <td>{u.username}{u.locked && <span className="badge warn"> {t('locked')}</span>}{u.disabled && <span className="badge"> {t('disabled')}</span>}</td>
              <td>{u.displayName}</td>
              <td>{u.roles.map((r) => t(`role_${r}` as never)).join('・')}</td>
              <td>
                {u.locked && <button type="button" onClick={() => void act(() => api.updateUser(u.id, { unlock: true }))}>{t('unlock')}</button>}
                <button type="button" onClick={() => void act(() => api.updateUser(u.id, { disabled: !u.disabled }))}>{u.disabled ? t('enable') : t('disable')}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={create} aria-label={t('create')}>
        <h2>{t('create')}</h2>
        <label>{t('username')}<input name="new-username" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required /></label>
        <label>{t('displayName')}<input name="new-displayName" value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} required /></label>
        <label>{t('temporaryPassword')}<input name="new-password" type="password" autoComplete="new-password" value={form.temporaryPassword} onChange={(e) => setForm({ ...form, temporaryPassword: e.target.value })} required /></label>
        <fieldset><legend>{t('roles')}</legend>
          {ROLES.map((r) => <label key={r} className="check"><input type="checkbox" checked={form.roles.includes(r)} onChange={() => toggleRole(r)} />{t(`role_${r}` as never)}</label>)}
        </fieldset>
        <button type="submit" className="primary">{t('create')}</button>
      </form>
    </section>
  );
}
