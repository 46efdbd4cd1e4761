import { useEffect, useId, useRef, useState } from 'react';
import { api, type CodeView } from '../api/client';
import { useI18n } from '../i18n/i18n';

/** The code a field value starts with: 「J18.9 肺炎，詳細不明」 → J18.9. */
export const codeOf = (value: string) => value.trim().split(/\s+/)[0] ?? '';

/**
 * A code field a physician corrects by searching: type a Japanese name, a kana reading, an
 * abbreviation or a code, pick from the list (↑↓ Enter), and see the title, the other system's
 * counterpart and where the code sits in the classification before choosing.
 */
export function CodePicker({ id, name, system, value, disabled, required, onFocus, onChange }: {
  id: string; name: string; system: 'icd10' | 'icd11'; value: string; disabled?: boolean; required?: boolean;
  onFocus?(): void; onChange(value: string): void;
}) {
  const { t, pick } = useI18n();
  const [query, setQuery] = useState<string>();
  const [results, setResults] = useState<CodeView[]>([]);
  const [highlight, setHighlight] = useState(0);
  const [chosen, setChosen] = useState<CodeView>();
  const [failed, setFailed] = useState(false);
  const listId = useId();
  const seq = useRef(0);

  useEffect(() => {
    const q = query?.trim();
    if (!q) { setResults([]); return; }
    const mine = ++seq.current;
    // A short pause so each keystroke does not become a request.
    const timer = setTimeout(() => {
      api.searchCodes(system, q).then((r) => { if (mine === seq.current) { setResults(r); setHighlight(0); setFailed(false); } }, () => { if (mine === seq.current) setFailed(true); });
    }, 150);
    return () => clearTimeout(timer);
  }, [query, system]);

  const choose = (c: CodeView) => {
    setChosen(c);
    setQuery(undefined);
    setResults([]);
    onChange(`${c.code} ${pick(c.title)}`);
  };
  const open = query !== undefined && results.length > 0;
  const shown = chosen && codeOf(value) === chosen.code ? chosen : results[highlight];

  return (
    <div className="code-picker">
      <input id={id} name={name} type="text" role="combobox" aria-expanded={open} aria-controls={listId} aria-autocomplete="list"
        autoComplete="off" disabled={disabled} required={required} placeholder={t('codeSearchHint')}
        value={query ?? value} onFocus={onFocus}
        onChange={(e) => { setQuery(e.target.value); onChange(e.target.value); }}
        onBlur={() => setTimeout(() => setQuery(undefined), 150)}
        onKeyDown={(e) => {
          if (!open) return;
          if (e.key === 'ArrowDown') { e.preventDefault(); setHighlight((h) => Math.min(results.length - 1, h + 1)); }
          if (e.key === 'ArrowUp') { e.preventDefault(); setHighlight((h) => Math.max(0, h - 1)); }
          if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) { e.preventDefault(); choose(results[highlight]!); }
          if (e.key === 'Escape') { e.stopPropagation(); setQuery(undefined); }
        }} />
      {failed && <p className="muted small">{t('codeSearchFailed')}</p>}
      {open && (
        <ul id={listId} role="listbox" className="code-results">
          {results.map((c, i) => (
            <li key={c.code} role="option" aria-selected={i === highlight} className={i === highlight ? 'active' : ''}
              onMouseDown={(e) => { e.preventDefault(); choose(c); }} onMouseEnter={() => setHighlight(i)}>
              <strong>{c.code}</strong> {pick(c.title)}
              {c.residual && <span className="badge" title={t('residualHint')}>{t('residual')}</span>}
            </li>
          ))}
        </ul>
      )}
      {shown && <CodeDetail code={shown} />}
    </div>
  );
}

/** Title, counterpart in the other system (several when WHO's map says so) and the chain of parents. */
function CodeDetail({ code }: { code: CodeView }) {
  const { t, pick } = useI18n();
  return (
    <div className="code-detail small" data-testid="code-detail">
      <div><strong>{code.code}</strong> {pick(code.title)}{code.residual && <span className="badge">{t('residual')}</span>}</div>
      {code.hierarchy.length > 0 && <div className="muted">{[...code.hierarchy].reverse().map((h) => `${h.code} ${pick(h.title)}`).join(' › ')}</div>}
      <div>
        {code.system === 'icd10' ? 'ICD-11' : 'ICD-10'}: {code.counterparts.length
          ? code.counterparts.map((c) => `${c.code} ${pick(c.title)}`).join(' / ')
          : t('noCounterpart')}
        {code.mapping === 'many' && <span className="badge warn">{t('chooseCounterpart')}</span>}
      </div>
    </div>
  );
}
