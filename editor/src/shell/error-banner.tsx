import { ApiError } from '../api/client';

/** An error as a person can act on it: the message, and each field that is wrong. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as Error;
  const problems = error instanceof ApiError ? error.problems : [];
  return (
    <div role="alert" className="error-banner">
      <strong>{e.message}</strong>
      {problems.length > 0 && <ul>{problems.slice(0, 20).map((p, i) => <li key={i}><code>{p.path}</code> {p.message}</li>)}</ul>}
    </div>
  );
}
