import type { CodeMention } from '@medflow/sdk';
import { normalize, normalizeKey, type Normalized } from './normalize.js';
import { rejectsMatch } from './boundaries.js';
import { CompactTrie } from './trie.js';

export type TermSource = NonNullable<CodeMention['source']>;

export interface DictionaryTerm {
  term: string;
  /** `ignore`: an expression that contains a diagnosis word but names none (「肺炎球菌ワクチン」). */
  kind: CodeMention['kind'] | 'ignore';
  icd10: string[];
  /** The codes apply together (万病辞書 「大腸癌肝転移」 → C18.9 and C78.7), not as alternatives. */
  combined?: boolean;
  source?: TermSource;
  /** The team's code wins over every other source for these words (synonyms.tsv `override`). */
  override?: boolean;
}

interface Entry {
  term: string; kind: DictionaryTerm['kind']; icd10: string[]; combined: boolean; source: TermSource; rank: number;
}

/**
 * Which source wins when two give the same words: MEDIS 標準病名 (the official name → code; it is
 * what says 「気管支炎」 is J40 and 「陳旧性心筋梗塞」 I25.2), the team's curated expressions (they carry the
 * abbreviations and `ignore` phrases), MEDIS index terms, the official titles, and 万病辞書 last
 * (real-world spellings, but the noisiest mapping). An `ignore` phrase and an `override` always win.
 */
const RANK: Record<TermSource, number> = { medis: 1, synonym: 2, 'medis-index': 3, title: 4, manbyo: 5 };

/**
 * Leftmost-longest dictionary lookup over normalised text, on two compact tries: Japanese and
 * English terms on text folded for width and case (not for kana: the script tells 「これら」 from
 * 「コレラ」), and abbreviations on text folded for width only, because physicians' abbreviations are
 * case-sensitive (AS 大動脈弁狭窄症 vs English "as"). A longest match that fails its boundaries
 * (咽頭痛 is not 頭痛 because 咽頭痛 is the longer word; 「非結核性」; 「TB 2.1」 is a lab value) gives way
 * to a shorter one at the same place, or to nothing.
 */
export class DictionaryMatcher {
  private readonly entries: Entry[] = [];
  private readonly folded: CompactTrie;
  private readonly exact: CompactTrie;

  constructor(terms: Iterable<DictionaryTerm>) {
    const byKey = [new Map<string, number>(), new Map<string, number>()] as const;
    for (const t of terms) {
      const caseSensitive = t.kind === 'abbr';
      const key = normalizeKey(t.term, caseSensitive ? { lower: false, variants: false } : {});
      if (!key) continue;
      const map = byKey[caseSensitive ? 1 : 0];
      const source = t.source ?? (t.kind === 'title' ? 'title' : 'synonym');
      const rank = t.kind === 'ignore' || t.override ? 0 : RANK[source];
      const at = map.get(key);
      const prev = at === undefined ? undefined : this.entries[at]!;
      if (prev && prev.rank < rank) continue;
      // The same expression listed for several codes by one source is ambiguous: keep every code, first listed first.
      if (prev && prev.rank === rank) { for (const c of t.icd10) if (!prev.icd10.includes(c)) prev.icd10.push(c); prev.combined &&= !!t.combined; continue; }
      const entry: Entry = { term: t.term, kind: t.kind, icd10: [...t.icd10], combined: !!t.combined, source, rank };
      if (prev) { this.entries[at!] = entry; continue; }
      map.set(key, this.entries.length);
      this.entries.push(entry);
    }
    this.folded = new CompactTrie(byKey[0]);
    this.exact = new CompactTrie(byKey[1]);
  }

  /** How many distinct expressions the tries hold. */
  get size(): number {
    return this.folded.size + this.exact.size;
  }

  bytes(): number {
    return this.folded.bytes() + this.exact.bytes();
  }

  /** The expression written exactly so (after normalisation), as the dictionary has it. */
  lookup(term: string): Pick<CodeMention, 'term' | 'kind' | 'icd10' | 'source' | 'combined'> | undefined {
    const id = this.folded.get(normalizeKey(term));
    const e = id < 0 ? undefined : this.entries[id]!;
    if (!e || e.kind === 'ignore') return undefined;
    return { term: e.term, kind: e.kind as CodeMention['kind'], icd10: e.icd10, source: e.source, ...(e.combined ? { combined: true } : {}) };
  }

  find(text: string): CodeMention[] {
    const found = [
      ...this.scan(text, normalize(text), this.folded),
      ...this.scan(text, normalize(text, { lower: false, variants: false }), this.exact),
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

  private scan(original: string, n: Normalized, trie: CompactTrie) {
    const out: Array<CodeMention & { ignore: boolean }> = [];
    let i = 0;
    while (i < n.text.length) {
      const candidates = trie.prefixesAt(n.text, i);
      let taken = 0;
      for (let k = candidates.length - 1; k >= 0; k--) {
        const [endNorm, id] = candidates[k]!;
        const e = this.entries[id]!;
        const start = n.starts[i]!;
        const end = n.ends[endNorm - 1]!;
        if (e.kind !== 'ignore' && rejectsMatch(original, start, end, e.kind === 'abbr')) continue;
        out.push({
          start, end, text: original.slice(start, end), term: e.term, kind: e.kind === 'ignore' ? 'ja' : e.kind, icd10: e.icd10,
          source: e.source, ...(e.combined ? { combined: true } : {}), ignore: e.kind === 'ignore',
        });
        taken = endNorm - i;
        break;
      }
      i += taken || 1;
    }
    return out;
  }
}
