export { normalize, normalizeKey, type Normalized } from './normalize.js';
export { DictionaryMatcher, type DictionaryTerm } from './matcher.js';
export { BUNDLED_TABLES_DIR, canonicalCode, CodeTableError, CodeTables, loadCodeTables } from './tables.js';
export { BUNDLED_NOTIFIABLE_DIR, loadNotifiableTable, NotifiableTable } from './notifiable.js';
