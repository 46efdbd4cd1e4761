import type { CodeEntry, CodeTablesInfo } from '@medflow/sdk';
import type { DictionaryTerm } from '../matcher.js';

/** A term that only search uses (kana readings): people type them, clinical text rarely spells them. */
export interface SearchKey { key: string; system: 'icd10' | 'icd11'; code: string }

/** The code side of a table set: entries by code, and the groups (blocks, chapters) above them. */
export interface CodeData {
  icd10: Map<string, CodeEntry>;
  icd11: Map<string, CodeEntry>;
  /** Blocks and chapters, by the key an entry's `parent` names. */
  groups: Map<string, CodeEntry>;
  tables: NonNullable<CodeTablesInfo['tables']>;
}

/** The dictionary side: what the matcher finds in text, and extra keys for search. */
export interface TermData {
  terms: DictionaryTerm[];
  searchKeys: SearchKey[];
  tables: NonNullable<CodeTablesInfo['tables']>;
}

export interface TableSource {
  kind: CodeTablesInfo['kind'];
  description: string;
  loadCodes(): CodeData;
  loadTerms(codes: CodeData): TermData;
}

/**
 * Leaves terms out of the dictionary, e.g. a held-out part of 万病辞書 that an evaluation scores the
 * coder on (never tune on the data you score).
 */
export type TermFilter = (source: NonNullable<DictionaryTerm['source']>, term: string) => boolean;
