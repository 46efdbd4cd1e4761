export { normalize, normalizeKey, type Normalized, type NormalizeOptions } from './normalize.js';
export { DictionaryMatcher, type DictionaryTerm } from './matcher.js';
export { BUNDLED_TABLES_DIR, canonicalCode, CodeTables, loadCodeTables } from './tables.js';
export { CodeTableError } from './tsv.js';
export { COMPLETE_TABLE_FILES, HOSPITAL_SYNONYMS_FILE, isCompleteTablesDir } from './sources/complete.js';
export type { TermFilter } from './sources/types.js';
export { BUNDLED_NOTIFIABLE_DIR, loadNotifiableTable, NotifiableTable } from './notifiable.js';
export { completeTablesDir, NO_COMPLETE_TABLES } from './testing.js';
