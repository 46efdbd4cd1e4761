/**
 * The storage port. Small on purpose: documents by id, equality filters and sorting on declared index
 * fields, compare-and-set, and content-addressed blobs. Both adapters pass one contract suite.
 */
export interface StoredDocument {
  id: string;
}

export type FilterValue = string | number | boolean | null;
/** Equality on declared index fields; `{ $in: [...] }` matches any of the values. */
export type Filter = Record<string, FilterValue | { $in: FilterValue[] }>;

export interface FindOptions {
  /** Only documents whose id starts with this (a range scan on the primary key: no extra index). */
  idPrefix?: string;
  sort?: { field: string; direction: 'asc' | 'desc' };
  limit?: number;
  skip?: number;
}

export interface Collection<T extends StoredDocument> {
  get(id: string): Promise<T | undefined>;
  /** Inserts or replaces. */
  put(doc: T): Promise<void>;
  /** Inserts; throws a CONFLICT MedflowError when the id exists. */
  insert(doc: T): Promise<void>;
  /** Replaces the document only if it currently matches `where`; false when it does not (or is gone). */
  replaceIf(id: string, where: Filter, doc: T): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  deleteMany(filter: Filter): Promise<number>;
  find(filter?: Filter, options?: FindOptions): Promise<T[]>;
  count(filter?: Filter): Promise<number>;
}

export interface BlobMeta {
  name: string;
  mediaType: string;
}

/** Content-addressed bytes (sha256): the same scan uploaded twice is stored once. */
export interface BlobStore {
  put(bytes: Uint8Array, meta: BlobMeta): Promise<{ id: string; size: number }>;
  get(id: string): Promise<Uint8Array | undefined>;
  delete(id: string): Promise<boolean>;
}

export interface CollectionSpec {
  /** Fields that may be filtered and sorted on (dotted paths allowed). */
  indexes: string[];
}

export interface DocumentStore {
  readonly kind: 'embedded' | 'mongodb';
  /** True when puts are applied in call order even before earlier ones resolved (the embedded store's write queue). */
  readonly writesInCallOrder: boolean;
  collection<T extends StoredDocument>(name: string): Collection<T>;
  readonly blobs: BlobStore;
  /** Round-trips to the database; used by the health endpoint. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const FIELD_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
export const COLLECTION_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
