import type { CodeEntry, CodeSystem } from '@medflow/sdk';
import { normalizeKey } from './normalize.js';
import type { CodeData, TermData } from './sources/types.js';

const fold = (text: string) => normalizeKey(text, { kana: true });

/**
 * Code search for people: by Japanese name, kana reading, abbreviation, English title or code. All
 * keys of a system sit in one string (one native `indexOf` per hit instead of a loop over a few
 * hundred thousand strings), with each key's start and entry beside it.
 */
class KeyIndex {
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly owner: Int32Array;

  constructor(keys: Array<[string, number]>) {
    const parts: string[] = [];
    const starts: number[] = [];
    const owner: number[] = [];
    let at = 1;
    for (const [key, entry] of keys) {
      if (!key) continue;
      starts.push(at); owner.push(entry); parts.push(key);
      at += key.length + 1;
    }
    this.text = `\n${parts.join('\n')}\n`;
    this.starts = Int32Array.from(starts);
    this.owner = Int32Array.from(owner);
  }

  private keyAt(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= pos) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /** Best score per key owner: the whole key, then keys starting with the query, then elsewhere; shorter keys first. */
  scores(query: string, maxHits = 200_000): Map<number, number> {
    const best = new Map<number, number>();
    let hits = 0;
    for (let pos = this.text.indexOf(query); pos >= 0 && hits < maxHits; pos = this.text.indexOf(query, pos + 1), hits++) {
      const k = this.keyAt(pos);
      const start = this.starts[k]!;
      const length = (k + 1 < this.starts.length ? this.starts[k + 1]! - 1 : this.text.length - 1) - start;
      if (pos + query.length > start + length) continue;
      const score = (pos === start ? (length === query.length ? 0 : 1) : 2) * 10_000 + Math.min(length, 99);
      const entry = this.owner[k]!;
      const prev = best.get(entry);
      if (prev === undefined || score < prev) best.set(entry, score);
    }
    return best;
  }
}

/** Official names and MEDIS first, then MEDIS index terms, then 万病辞書's real-world spellings. */
const SOURCE_WEIGHT: Record<string, number> = { code: 0, title: 0, synonym: 0, medis: 0, 'medis-index': 1, reading: 1, manbyo: 3 };

export class CodeSearch {
  private readonly entries: Record<CodeSystem, CodeEntry[]> = { icd10: [], icd11: [] };
  private readonly position = new Map<string, number>();
  private readonly index: Record<CodeSystem, KeyIndex>;

  constructor(codes: CodeData, terms: TermData) {
    const keys: Record<CodeSystem, Array<[string, number]>> = { icd10: [], icd11: [] };
    for (const system of ['icd10', 'icd11'] as const) {
      for (const e of (system === 'icd10' ? codes.icd10 : codes.icd11).values()) {
        const i = this.entries[system].push(e) - 1;
        if (system === 'icd11') this.position.set(e.code, i);
        const own = keys[system];
        own.push([fold(e.code), i * 4], [fold(e.title.ja), i * 4]);
        if (e.title.en !== e.title.ja) own.push([fold(e.title.en), i * 4]);
      }
    }
    const at10 = new Map(this.entries.icd10.map((e, i) => [e.code, i]));
    const add = (key: string, code: string, weight: number) => {
      const i = at10.get(code);
      if (i !== undefined) keys.icd10.push([key, i * 4 + weight]);
    };
    for (const t of terms.terms) if (t.kind !== 'ignore') for (const c of t.icd10) add(fold(t.term), c, SOURCE_WEIGHT[t.source ?? 'synonym']!);
    for (const k of terms.searchKeys) add(fold(k.key), k.code, SOURCE_WEIGHT.reading!);
    this.index = { icd10: new KeyIndex(keys.icd10), icd11: new KeyIndex(keys.icd11) };
  }

  search(system: CodeSystem, query: string, limit: number): CodeEntry[] {
    const q = fold(query);
    if (!q) return [];
    const entries = this.entries[system];
    const best = new Map<number, number>();
    const keep = (i: number, score: number) => { const prev = best.get(i); if (prev === undefined || score < prev) best.set(i, score); };
    for (const [owner, score] of this.index[system].scores(q)) keep(owner >> 2, score + (owner & 3) * 100);
    // What a physician types for a disease finds its ICD-11 counterparts through WHO's map.
    if (system === 'icd11') {
      for (const [owner, score] of this.index.icd10.scores(q)) {
        for (const m of this.entries.icd10[owner >> 2]!.mapped) {
          const j = this.position.get(m);
          if (j !== undefined) keep(j, score + (owner & 3) * 100);
        }
      }
    }
    return [...best].sort((a, b) => a[1] - b[1] || entries[a[0]]!.code.localeCompare(entries[b[0]]!.code))
      .slice(0, limit).map(([i]) => entries[i]!);
  }
}
