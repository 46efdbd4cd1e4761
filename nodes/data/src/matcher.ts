import type { CodeMention } from '@medflow/sdk';
import { normalize, type Normalized } from './normalize.js';

export interface DictionaryTerm {
  term: string;
  /** `ignore`: an expression that contains a diagnosis word but names none (「肺炎球菌ワクチン」). */
  kind: CodeMention['kind'] | 'ignore';
  icd10: string[];
}

interface Entry {
  key: string; term: string; kind: DictionaryTerm['kind']; icd10: string[];
  /** Whether the expression begins / ends with a Latin letter or digit, and so must stand as a whole word there. */
  latinStart: boolean; latinEnd: boolean;
}

const LATIN = /[a-z0-9]/i;

const isWordChar = (c: string | undefined) => !!c && /[A-Za-z0-9]/.test(c.normalize('NFKC'));

/**
 * Longest-match dictionary lookup over normalised text. Two passes: Japanese and English terms on
 * text folded for width, case and kana; abbreviations on text folded for width only, because
 * physicians' abbreviations are case-sensitive (AS 大動脈弁狭窄症 vs English "as").
 */
export class DictionaryMatcher {
  private readonly folded = new Map<string, Entry[]>();
  private readonly exact = new Map<string, Entry[]>();

  constructor(terms: DictionaryTerm[]) {
    const merged = new Map<string, Entry>();
    for (const t of terms) {
      const caseSensitive = t.kind === 'abbr';
      const key = normalize(t.term, caseSensitive ? { lower: false, kana: false } : {}).text;
      if (!key) continue;
      const id = `${caseSensitive ? 'A' : 'F'}:${key}`;
      const prev = merged.get(id);
      // The same expression listed for several codes is ambiguous: keep every code, first listed first.
      // Official titles come last in the term list, so a synonym's kind wins for the same words.
      if (prev) { for (const c of t.icd10) if (!prev.icd10.includes(c)) prev.icd10.push(c); continue; }
      const entry: Entry = { key, term: t.term, kind: t.kind, icd10: [...t.icd10], latinStart: LATIN.test(key[0]!), latinEnd: LATIN.test(key[key.length - 1]!) };
      merged.set(id, entry);
      const index = caseSensitive ? this.exact : this.folded;
      const first = key[0]!;
      index.set(first, [...(index.get(first) ?? []), entry]);
    }
    for (const index of [this.folded, this.exact]) for (const list of index.values()) list.sort((a, b) => b.key.length - a.key.length);
  }

  find(text: string): CodeMention[] {
    const found = [
      ...this.scan(text, normalize(text), this.folded),
      ...this.scan(text, normalize(text, { lower: false, kana: false }), this.exact),
    ].sort((a, b) => a.start - b.start || (b.end - b.start) - (a.end - a.start));
    // Where passes overlap, the longer expression wins (「COPD急性増悪」 over 「COPD」).
    const out: Array<CodeMention & { ignore: boolean }> = [];
    for (const m of found) {
      const last = out[out.length - 1];
      if (last && m.start < last.end) continue;
      out.push(m);
    }
    return out.filter((m) => !m.ignore).map(({ ignore: _, ...m }) => m);
  }

  private scan(original: string, n: Normalized, index: Map<string, Entry[]>) {
    const out: Array<CodeMention & { ignore: boolean }> = [];
    let i = 0;
    while (i < n.text.length) {
      const match = (index.get(n.text[i]!) ?? []).find((e) => n.text.startsWith(e.key, i) && this.bounded(original, n, i, e));
      if (!match) { i++; continue; }
      const start = n.starts[i]!;
      const end = n.ends[i + match.key.length - 1]!;
      out.push({
        start, end, text: original.slice(start, end), term: match.term,
        kind: match.kind === 'ignore' ? 'ja' : match.kind, icd10: match.icd10, ignore: match.kind === 'ignore',
      });
      i += match.key.length;
    }
    return out;
  }

  /** Latin-letter terms must stand as whole words: 「DM」 but not 「DMAT」, 「MI」 but not 「MIC」. */
  private bounded(original: string, n: Normalized, i: number, e: Entry): boolean {
    if (e.latinStart && isWordChar(original[n.starts[i]! - 1])) return false;
    return !(e.latinEnd && isWordChar(original[n.ends[i + e.key.length - 1]!]));
  }
}
