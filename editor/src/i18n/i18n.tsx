import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { messages, type Lang, type MessageKey } from './messages';

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** Picks the current language from a `{ ja, en }` text. */
  pick(text: { ja: string; en: string } | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(() => initial ?? (localStorage.getItem('medflow.lang') === 'en' ? 'en' : 'ja'));
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem('medflow.lang', next);
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => ({
    lang,
    setLang,
    t: (key, vars) => {
      let text: string = messages[lang][key];
      for (const [k, v] of Object.entries(vars ?? {})) text = text.replaceAll(`{${k}}`, String(v));
      return text;
    },
    pick: (text) => (text ? text[lang] || text.ja : ''),
  }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
