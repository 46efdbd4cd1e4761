import { ApiError } from '../api/client';
import { explain } from '../i18n/explain';
import { useI18n } from '../i18n/i18n';

/** An error as a person can act on it: the message, and each field that is wrong. */
export function ErrorBanner({ error }: { error: unknown }) {
  const { lang } = useI18n();
  if (!error) return null;
  const e = error as Error;
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <div role="alert" className="error-banner">
      <strong>{error instanceof ApiError ? explain(lang, error) : e.message}</strong>
      {problems.length > 0 && <ul>{problems.slice(0, 20).map((p, i) => <li key={i} title={p.message}><code>{p.path}</code> {explain(lang, p)}</li>)}</ul>}
    </div>
  );
}
