import { ErrorCodes, MedflowError } from '@medflow/sdk';
import type { CollectionSpec, Filter, FilterValue, FindOptions } from './port.js';

/** Rejects filters and sorts on fields that are not declared indexes: they would be full scans in production. */
export function checkQuery(collection: string, spec: CollectionSpec, filter: Filter, options: FindOptions = {}): void {
  const fields = [...Object.keys(filter), ...(options.sort ? [options.sort.field] : [])];
  for (const field of fields) {
    if (field !== 'id' && !spec.indexes.includes(field)) {
      throw new MedflowError({
        code: 'STORE_FIELD_NOT_INDEXED', category: 'SYSTEM', retryable: false,
        message: `${collection}.${field} is not an index field (indexes: ${spec.indexes.join(', ') || 'none'})`,
      });
    }
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) throw new RangeError('limit must be a non-negative integer');
  if (options.skip !== undefined && (!Number.isInteger(options.skip) || options.skip < 0)) throw new RangeError('skip must be a non-negative integer');
}

/** Reads a dotted field from a plain document. */
export function fieldValue(doc: unknown, field: string): unknown {
  let current: unknown = doc;
  for (const key of field.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Evaluates a filter in memory (for compare-and-set checks). Missing fields equal null. */
export function matches(doc: unknown, filter: Filter): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    const actual = (fieldValue(doc, field) ?? null) as FilterValue;
    if (condition !== null && typeof condition === 'object') return condition.$in.includes(actual);
    return actual === condition;
  });
}

export function conflict(collection: string, id: string): MedflowError {
  return new MedflowError({ code: ErrorCodes.CONFLICT, category: 'USER', message: `${collection} "${id}" already exists`, details: { collection, id } });
}

/** The smallest string greater than every string starting with `prefix`. */
export function prefixUpperBound(prefix: string): string {
  if (!prefix) throw new RangeError('idPrefix must not be empty');
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
