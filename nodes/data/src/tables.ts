import type { CodeEntry, CodeMention, CodeSystem, CodeTablesInfo, MedicalCodesService } from '@medflow/sdk';
import { DictionaryMatcher } from './matcher.js';
import { CodeSearch } from './search.js';
import { compositions, compoundAround, unmatchedFindings } from './compound.js';
import { completeSource, isCompleteTablesDir } from './sources/complete.js';
import { BUNDLED_TABLES_DIR, canonicalCode } from './sources/curated.js';
import { subsetSource } from './sources/subset.js';
import type { CodeData, TableSource, TermData, TermFilter } from './sources/types.js';

export { BUNDLED_TABLES_DIR, canonicalCode };

/**
 * ICD-10 and ICD-11 code tables with a dictionary of the expressions physicians write. Each part is
 * read on first use: codes for a lookup, the dictionary (a few hundred thousand expressions over
 * MEDIS, 万病辞書 and the team's synonyms) for the first text to code, the search index for the first
 * search. `warm()` reads everything, for a server that wants its first request fast.
 */
export class CodeTables implements MedicalCodesService {
  private readonly source: TableSource;
  private codeData?: CodeData;
  private termData?: TermData;
  private matcherCache?: DictionaryMatcher;
  private searchCache?: CodeSearch;

  /**
   * @param dir a folder of complete tables (the shared format: icd10_who.tsv …) or of the subset's
   * format (icd10.tsv, icd11.tsv, synonyms.tsv); the bundled subset when omitted.
   * @param keep leaves dictionary terms out (held-out evaluation splits).
   */
  constructor(readonly dir: string = BUNDLED_TABLES_DIR, keep?: TermFilter) {
    this.source = dir !== BUNDLED_TABLES_DIR && isCompleteTablesDir(dir) ? completeSource(dir, keep) : subsetSource(dir);
  }

  get kind(): CodeTablesInfo['kind'] {
    return this.source.kind;
  }

  private get codes(): CodeData {
    return (this.codeData ??= this.source.loadCodes());
  }

  private get terms(): TermData {
    return (this.termData ??= this.source.loadTerms(this.codes));
  }

  private get matcher(): DictionaryMatcher {
    return (this.matcherCache ??= new DictionaryMatcher(this.terms.terms));
  }

  private get searcher(): CodeSearch {
    return (this.searchCache ??= new CodeSearch(this.codes, this.terms));
  }

  /** Reads every part now and lets go of what the dictionary was built from. */
  warm(): this {
    void this.matcher;
    void this.searcher;
    this.termData = { ...this.terms, terms: [] };
    return this;
  }

  lookup(system: CodeSystem, code: string): CodeEntry | undefined {
    return (system === 'icd10' ? this.codes.icd10 : this.codes.icd11).get(canonicalCode(system, code));
  }

  ancestors(system: CodeSystem, code: string): CodeEntry[] {
    const out: CodeEntry[] = [];
    let parent = this.lookup(system, code)?.parent;
    while (parent && out.length < 12) {
      const e = (system === 'icd10' ? this.codes.icd10 : this.codes.icd11).get(parent) ?? this.codes.groups.get(parent) ?? this.codes.groups.get(`${system}:${parent}`);
      if (!e) break;
      out.push(e);
      parent = e.parent;
    }
    return out;
  }

  search(system: CodeSystem, query: string, limit = 20): CodeEntry[] {
    const exact = this.lookup(system, query);
    const found = this.searcher.search(system, query, limit);
    return exact ? [exact, ...found.filter((e) => e.code !== exact.code)].slice(0, limit) : found;
  }

  /**
   * Diagnosis expressions in the text, with the unseen words around them read as a coder would: a
   * known term inside an unknown word is marked `partOf` it, and a site written before a term is
   * composed with it when the dictionary has that combination (「膀胱小細胞癌」 → 膀胱癌).
   */
  findMentions(text: string): CodeMention[] {
    const mentions = this.matcher.find(text);
    const read = mentions.map((m, i) => {
      const floor = i > 0 ? mentions[i - 1]!.end : 0;
      const ceiling = i + 1 < mentions.length ? mentions[i + 1]!.start : text.length;
      const compound = compoundAround(text, m.start, m.end, floor, ceiling);
      if (!compound) return m;
      if (compound.prefix) {
        for (const spelling of compositions(compound.prefix, m.term, m.icd10[0]!)) {
          const found = this.matcher.lookup(spelling);
          if (!found) continue;
          const start = m.start - compound.prefix.length;
          return { ...m, ...found, start, text: text.slice(start, m.end), composedFrom: [compound.prefix, m.text, spelling] as [string, string, string], partOf: compound.word };
        }
      }
      return { ...m, partOf: compound.word };
    });
    // A finding no term was found in, named once its side and degree are taken out (「右内頸動脈軽度狭窄」 → 内頸動脈狭窄症).
    for (const f of unmatchedFindings(text, mentions)) {
      for (const spelling of f.spellings) {
        const found = this.matcher.lookup(spelling);
        if (!found) continue;
        read.push({ ...found, start: f.start, end: f.end, text: f.word, partOf: f.word });
        break;
      }
    }
    return read.sort((a, b) => a.start - b.start);
  }

  info(): CodeTablesInfo {
    return {
      source: this.source.description, kind: this.source.kind,
      icd10: this.codes.icd10.size, icd11: this.codes.icd11.size, synonyms: this.matcher.size,
      tables: [...this.codes.tables, ...this.terms.tables],
    };
  }
}

const shared = new Map<string, CodeTables>();

/** One table set per process and directory: the complete tables take a second to read, so never twice. */
export function loadCodeTables(dir: string = BUNDLED_TABLES_DIR): CodeTables {
  let tables = shared.get(dir);
  if (!tables) shared.set(dir, (tables = new CodeTables(dir)));
  return tables;
}
