import { mappingKind, type CodeEntry } from '@medflow/sdk';
import { CodeTableError, readCommentedTsv } from '../tsv.js';
import { BUNDLED_TABLES_DIR, canonicalCode, curatedTerms, titleTerms } from './curated.js';
import { addPlaceVariants, isExternalCategory } from './external-causes.js';
import type { CodeData, TableSource } from './types.js';

/**
 * The development subset written by the team (`icd/`: icd10.tsv, icd11.tsv, synonyms.tsv): a few
 * hundred codes, enough to run the product and its tests without the complete tables. The server
 * names it loudly at start-up.
 */
export function subsetSource(dir: string = BUNDLED_TABLES_DIR): TableSource {
  return {
    kind: 'subset',
    description: dir === BUNDLED_TABLES_DIR ? 'development subset (nodes/data/icd, see its README)' : `development-format tables in ${dir}`,
    loadCodes(): CodeData {
      const icd10 = new Map<string, CodeEntry>();
      const icd11 = new Map<string, CodeEntry>();
      const rows10 = readCommentedTsv(dir, 'icd10.tsv');
      for (const { cells: [code, mapped, ja, en] } of rows10) {
        const targets = mapped ? mapped.split(/[,;]/).map((c) => canonicalCode('icd11', c)).filter(Boolean) : [];
        const c = canonicalCode('icd10', code!);
        const entry: CodeEntry = { system: 'icd10', code: c, title: { ja: ja!, en: en ?? '' }, mapped: targets, ...(c.includes('.') ? { parent: c.slice(0, 3) } : {}) };
        icd10.set(c, entry);
        if (isExternalCategory(c)) addPlaceVariants(icd10, entry);
      }
      const rows11 = readCommentedTsv(dir, 'icd11.tsv');
      for (const { cells: [code, ja, en] } of rows11) {
        const c = canonicalCode('icd11', code!);
        icd11.set(c, { system: 'icd11', code: c, title: { ja: ja!, en: en ?? '' }, mapped: [], ...(/\.[YZ]$|Z$/.test(c) ? { residual: true } : {}) });
      }
      for (const e of icd10.values()) {
        for (const m of e.mapped) {
          const target = icd11.get(m);
          if (!target) throw new CodeTableError(`icd10.tsv: ${e.code} maps to ${m}, which icd11.tsv does not list`);
          const placeVariant = e.externalCause && e.code.includes('.');
          if (!placeVariant && !target.mapped.includes(e.code)) target.mapped.push(e.code);
        }
      }
      for (const e of [...icd10.values(), ...icd11.values()]) e.mapping = mappingKind(e.mapped);
      return { icd10, icd11, groups: new Map(), tables: [{ file: 'icd10.tsv', rows: rows10.length }, { file: 'icd11.tsv', rows: rows11.length }] };
    },
    loadTerms(codes) {
      const terms = curatedTerms(dir, codes.icd10);
      return { terms: [...terms, ...titleTerms(codes.icd10)], searchKeys: [], tables: [{ file: 'synonyms.tsv', rows: terms.length }] };
    },
  };
}
