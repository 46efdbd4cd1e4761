export { normalize, normalizeKey, type Normalized } from './normalize.js';
export { DictionaryMatcher, type DictionaryTerm } from './matcher.js';
export { BUNDLED_TABLES_DIR, canonicalCode, CodeTableError, CodeTables, loadCodeTables } from './tables.js';
