import { useEffect, useMemo, useRef, useState } from 'react';
import { api, type DecisionBody, type ReviewField } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { ErrorBanner } from '../shell/error-banner';
import { useAsync } from '../shell/use-async';
import { href, navigate } from '../shell/use-route';
import { deciderNames } from './review-inbox';
import { RunResult } from './run-result';
import { SourcePanel } from './source-panel';
import { CodePicker } from '../codes/code-picker';

const asText = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
const fromText = (field: ReviewField, text: string): unknown => {
  if (field.type === 'number') return text.trim() === '' ? null : Number.isNaN(Number(text)) ? text : Number(text);
  if (field.type === 'boolean') return text === '' ? null : text === 'true';
  return text;
};

/**
 * One review: the sources on the left, the AI draft as a form on the right. Focusing a field highlights
 * its evidence; fields without evidence are flagged. Keyboard: Alt+↓/Alt+↑ next/previous field,
 * Ctrl+Enter approve, Esc back to the inbox.
 */
export function ReviewScreen({ reviewId }: { reviewId: string }) {
  const { t, pick } = useI18n();
  const { data: review, error } = useAsync(() => api.getReview(reviewId), [reviewId]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [activeKey, setActiveKey] = useState<string>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [decideError, setDecideError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  // The status after this user's decision, so the header does not keep saying 確認待ち until a reload.
  const [decidedStatus, setDecidedStatus] = useState<string>();
  // Fields the physician has looked at and accepted as they are (Alt+Enter or ✓); an edited field counts as checked.
  const [accepted, setAccepted] = useState<Set<string>>(new Set());
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!review) return;
    setValues(Object.fromEntries(review.fields.map((f) => [f.key, asText(review.result?.values?.[f.key] ?? f.value)])));
    setActiveKey(review.fields[0]?.key);
  }, [review]);

  const fields = review?.fields ?? [];
  const active = fields.find((f) => f.key === activeKey);
  const changed = useMemo(() => new Set(fields.filter((f) => values[f.key] !== undefined && values[f.key] !== asText(f.value)).map((f) => f.key)), [fields, values]);
  const decidable = !!review && review.status === 'pending' && review.mayDecide && !done;
  const stillToCheck = (key: string) => !accepted.has(key) && !changed.has(key);
  const toCheck = fields.filter((f) => stillToCheck(f.key));
  const focusField = (key: string | undefined) => { if (key) form.current?.querySelector<HTMLElement>(`[name="field-${key}"]`)?.focus(); };
  /** Accepts the value as drafted and moves on to the next field still to check. */
  const accept = (key: string) => {
    setAccepted((s) => new Set(s).add(key));
    const i = fields.findIndex((f) => f.key === key);
    const next = [...fields.slice(i + 1), ...fields.slice(0, i)].find((f) => stillToCheck(f.key));
    focusField(next?.key);
  };

  const decide = async (decision: DecisionBody['decision']) => {
    if (!review) return;
    const typed = Object.fromEntries(fields.filter((f) => changed.has(f.key)).map((f) => [f.key, fromText(f, values[f.key] ?? '')]));
    const body: DecisionBody = decision === 'approved' ? { decision, values: typed } : decision === 'returned' ? { decision, comment: note, values: typed } : { decision, reason: note };
    setBusy(true); setDecideError(undefined);
    try {
      const res = await api.decideReview(review.id, body);
      setDone(t(`decided_${res.review.status}` as never));
      setDecidedStatus(res.review.status);
    } catch (e) { setDecideError(e); } finally { setBusy(false); }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') navigate({ page: 'reviews' });
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && decidable && !busy) { e.preventDefault(); void decide('approved'); }
      if (e.altKey && e.key === 'Enter' && decidable && activeKey) { e.preventDefault(); accept(activeKey); return; }
      if (e.altKey && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        const i = Math.max(0, fields.findIndex((f) => f.key === activeKey));
        const next = fields[Math.min(fields.length - 1, Math.max(0, i + (e.key === 'ArrowDown' ? 1 : -1)))];
        if (next) form.current?.querySelector<HTMLElement>(`[name="field-${next.key}"]`)?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (error) return <section className="list-page"><ErrorBanner error={error} /><a href={href({ page: 'reviews' })}>{t('backToInbox')}</a></section>;
  if (!review) return <p className="loading">{t('loading')}</p>;
  return (
    <section className="review-screen">
      <header className="review-header">
        <a href={href({ page: 'reviews' })}>← {t('backToInbox')}</a>
        <h1>{review.title} <span className="badge ai-draft" title={review.madeBy.map((s) => `${pick(s.title)} (${s.nodeId})`).join(', ')}>{review.madeBy.length ? t('aiDraft') : t('draft')}</span></h1>
        <p className="muted">{review.workflowName} · {t(`review_${decidedStatus ?? review.status}` as never)}{review.deadline ? ` · ${t('deadline')}: ${new Date(review.deadline).toLocaleString()}` : ''}{review.overdue ? ` · ${t('overdue')}` : ''}</p>
        {review.instructions && <p className="instructions">{review.instructions}</p>}
      </header>
      <div className="review-columns">
        <SourcePanel reviewId={review.id} sources={review.sources} active={active} />
        <form ref={form} className="draft-form" onSubmit={(e) => { e.preventDefault(); void decide('approved'); }} aria-label={t('draft')}>
          {decidable && <p className={`to-check${toCheck.length ? '' : ' done'}`} role="status" data-testid="to-check">{toCheck.length ? t('toCheck').replace('{n}', String(toCheck.length)).replace('{total}', String(fields.length)) : t('allChecked')}</p>}
          {fields.map((f) => (
            <div key={f.key} className={`draft-field${f.key === activeKey ? ' active' : ''}${!f.evidence ? ' no-evidence' : ''}`} data-testid={`field-${f.key}`}>
              <label htmlFor={`field-${f.key}`}>
                {f.label}{f.required && <span className="required"> *</span>}
                {!f.evidence && <span className="badge no-evidence" title={t('noEvidenceHint')}>⚠ {f.status === 'unsupported' ? t('evidenceUnsupported') : f.status === 'not_found' ? t('notFound') : t('noEvidence')}</span>}
                {changed.has(f.key) && <span className="badge edited">{t('edited')}</span>}
                {!changed.has(f.key) && accepted.has(f.key) && <span className="badge accepted">{t('accepted')}</span>}
              </label>
              <FieldInput field={f} value={values[f.key] ?? ''} disabled={!decidable} onFocus={() => setActiveKey(f.key)} onChange={(v) => setValues((s) => ({ ...s, [f.key]: v }))} />
              {f.status === 'unsupported' && <p className="muted small">{t('modelClaimed')}: {asText(f.rejected)}</p>}
              {decidable && stillToCheck(f.key) && <button type="button" className="link small" onClick={() => accept(f.key)} title="Alt+Enter">✓ {t('acceptAsIs')}</button>}
            </div>
          ))}
          <label className="decision-note">{t('reasonOrComment')}<textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} disabled={!decidable} /></label>
          <ErrorBanner error={decideError} />
          {done && <p role="status" className="notice">{done}</p>}
          {review.decision && !done && <p role="status" className="notice">{t(`decided_${review.status}` as never)} — {review.decision.reviewer?.displayName ?? t('deadline')} ({new Date(review.decision.decidedAt).toLocaleString()})</p>}
          {!review.mayDecide && review.status === 'pending' && <p className="muted" data-testid="view-only-hint">{t('viewOnlyHint')} {t('decidedBy')}: {deciderNames(review.deciders, t)}。{t('viewOnlyWhatToDo')}</p>}
          <div className="decision-buttons">
            <button type="submit" className="primary" disabled={!decidable || busy} title="Ctrl+Enter">{t('approve')}</button>
            <button type="button" disabled={!decidable || busy || !note.trim()} onClick={() => void decide('returned')}>{t('returnForChanges')}</button>
            <button type="button" className="danger" disabled={!decidable || busy || !note.trim()} onClick={() => void decide('rejected')}>{t('reject')}</button>
          </div>
          <p className="muted small">{t('reviewKeys')}</p>
          {(done || review.status !== 'pending') && <RunResult runId={review.runId} />}
        </form>
      </div>
    </section>
  );
}

function FieldInput({ field, value, disabled, onFocus, onChange }: { field: ReviewField; value: string; disabled: boolean; onFocus(): void; onChange(v: string): void }) {
  const { t } = useI18n();
  const common = { id: `field-${field.key}`, name: `field-${field.key}`, disabled, onFocus, required: field.required };
  if (field.type === 'longtext') return <textarea {...common} rows={4} value={value} onChange={(e) => onChange(e.target.value)} />;
  if (field.type === 'select' && field.options) return <select {...common} value={value} onChange={(e) => onChange(e.target.value)}><option value="" />{field.options.map((o) => <option key={o}>{o}</option>)}</select>;
  if (field.type === 'icd10' || field.type === 'icd11') return <CodePicker {...common} system={field.type} value={value} onChange={onChange} />;
  if (field.type === 'boolean') {
    return (
      <select {...common} value={value === 'true' || value === 'false' ? value : ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('notAnswered')}</option><option value="true">{t('yes')}</option><option value="false">{t('no')}</option>
      </select>
    );
  }
  // A date the model wrote as 2026-11-20 gets the date picker; one it wrote otherwise (「11/20」) stays visible as text.
  if (field.type === 'date' && (value === '' || /^\d{4}-\d{2}-\d{2}$/.test(value))) return <input {...common} type="date" value={value} onChange={(e) => onChange(e.target.value)} />;
  if (field.type === 'number') return <input {...common} type="number" step="any" value={value} onChange={(e) => onChange(e.target.value)} />;
  return <input {...common} type="text" value={value} onChange={(e) => onChange(e.target.value)} />;
}
