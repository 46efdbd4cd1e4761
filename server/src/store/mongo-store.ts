import { createHash } from 'node:crypto';
import { GridFSBucket, MongoClient, MongoServerError, type Db, type Document, type Filter as MongoFilter } from 'mongodb';
import { checkQuery, conflict } from './filter.js';
import {
  COLLECTION_PATTERN,
  type BlobMeta, type BlobStore, type Collection, type CollectionSpec, type DocumentStore, type Filter, type FindOptions, type StoredDocument,
} from './port.js';
import { fieldValue, prefixUpperBound } from './filter.js';

export interface MongoStoreOptions {
  uri: string;
  /** Defaults to the database named in the URI, else `medflow`. */
  database?: string;
  collections: Record<string, CollectionSpec>;
}

/**
 * Documents are kept as JSON text beside a copy of their index fields (`f.<field>`). Workflow configs may
 * contain keys MongoDB treats specially (`$ref` in a JSON Schema, dots in a lab name); storing the text
 * keeps every document round-tripping exactly, as in the embedded store.
 */
interface MongoRow {
  _id: string;
  f: Record<string, unknown>;
  json: string;
}

/** The database named in a URI (`mongodb://h1,h2/medflow?replicaSet=rs0` → medflow), else `medflow`. */
export function databaseFromUri(uri: string): string {
  const m = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return m?.[1] ? decodeURIComponent(m[1]) : 'medflow';
}

const fieldKey = (field: string) => (field === 'id' ? '_id' : `f.${field.replace(/\./g, '__')}`);

export class MongoStore implements DocumentStore {
  readonly kind = 'mongodb' as const;
  readonly writesInCallOrder = false;
  readonly blobs: BlobStore;
  private readonly collections = new Map<string, MongoCollection<StoredDocument>>();

  private constructor(private readonly client: MongoClient, private readonly db: Db, specs: Record<string, CollectionSpec>) {
    for (const [name, spec] of Object.entries(specs)) this.collections.set(name, new MongoCollection(db, name, spec));
    this.blobs = new MongoBlobs(db);
  }

  /** Connects and creates the indexes; fails fast (10 s) when MongoDB is unreachable. */
  static async open(options: MongoStoreOptions): Promise<MongoStore> {
    const client = new MongoClient(options.uri, { serverSelectionTimeoutMS: 10_000, retryWrites: true });
    await client.connect();
    const db = client.db(options.database ?? databaseFromUri(options.uri));
    for (const [name, spec] of Object.entries(options.collections)) {
      if (!COLLECTION_PATTERN.test(name)) throw new Error(`invalid collection name ${name}`);
      for (const field of spec.indexes) await db.collection(name).createIndex({ [fieldKey(field)]: 1 });
    }
    return new MongoStore(client, db, options.collections);
  }

  collection<T extends StoredDocument>(name: string): Collection<T> {
    const c = this.collections.get(name);
    if (!c) throw new Error(`unknown collection ${name}`);
    return c as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

class MongoCollection<T extends StoredDocument> implements Collection<T> {
  private readonly coll;

  constructor(db: Db, private readonly name: string, private readonly spec: CollectionSpec) {
    this.coll = db.collection<MongoRow>(name);
  }

  private row(doc: T): MongoRow {
    const f: Record<string, unknown> = {};
    for (const field of this.spec.indexes) f[field.replace(/\./g, '__')] = fieldValue(doc, field) ?? null;
    return { _id: doc.id, f, json: JSON.stringify(doc) };
  }

  async get(id: string): Promise<T | undefined> {
    const row = await this.coll.findOne({ _id: id });
    return row ? (JSON.parse(row.json) as T) : undefined;
  }

  async put(doc: T): Promise<void> {
    await this.coll.replaceOne({ _id: doc.id }, this.row(doc), { upsert: true });
  }

  async insert(doc: T): Promise<void> {
    try {
      await this.coll.insertOne(this.row(doc));
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) throw conflict(this.name, doc.id);
      throw error;
    }
  }

  async replaceIf(id: string, where: Filter, doc: T): Promise<boolean> {
    checkQuery(this.name, this.spec, where);
    const result = await this.coll.replaceOne({ ...this.filter(where), _id: id }, this.row({ ...doc, id }));
    return result.matchedCount === 1;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.coll.deleteOne({ _id: id })).deletedCount === 1;
  }

  async deleteMany(filter: Filter): Promise<number> {
    checkQuery(this.name, this.spec, filter);
    return (await this.coll.deleteMany(this.filter(filter))).deletedCount;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    checkQuery(this.name, this.spec, filter, options);
    const query = this.filter(filter);
    if (options.idPrefix !== undefined) query._id = { $gte: options.idPrefix, $lt: prefixUpperBound(options.idPrefix) } as never;
    let cursor = this.coll.find(query, { projection: { json: 1 } });
    if (options.sort) cursor = cursor.sort({ [fieldKey(options.sort.field)]: options.sort.direction === 'desc' ? -1 : 1, _id: 1 });
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()).map((r) => JSON.parse(r.json) as T);
  }

  async count(filter: Filter = {}): Promise<number> {
    checkQuery(this.name, this.spec, filter);
    return this.coll.countDocuments(this.filter(filter));
  }

  private filter(filter: Filter): MongoFilter<MongoRow> {
    const out: Document = {};
    for (const [field, condition] of Object.entries(filter)) {
      out[fieldKey(field)] = condition !== null && typeof condition === 'object' ? { $in: condition.$in } : condition;
    }
    return out as MongoFilter<MongoRow>;
  }
}

class MongoBlobs implements BlobStore {
  private readonly bucket: GridFSBucket;

  constructor(db: Db) {
    this.bucket = new GridFSBucket(db, { bucketName: 'blobs' });
  }

  async put(bytes: Uint8Array, meta: BlobMeta): Promise<{ id: string; size: number }> {
    const id = createHash('sha256').update(bytes).digest('hex');
    const exists = await this.bucket.find({ _id: id as never }).limit(1).hasNext();
    if (!exists) {
      await new Promise<void>((resolve, reject) => {
        const stream = this.bucket.openUploadStreamWithId(id as never, meta.name, { metadata: { mediaType: meta.mediaType } });
        stream.once('finish', () => resolve()).once('error', reject);
        stream.end(Buffer.from(bytes));
      }).catch((error) => {
        if (error instanceof MongoServerError && error.code === 11000) return; // uploaded concurrently by another request
        throw error;
      });
    }
    return { id, size: bytes.byteLength };
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const exists = await this.bucket.find({ _id: id as never }).limit(1).hasNext();
    if (!exists) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(id as never)) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  async delete(id: string): Promise<boolean> {
    try {
      await this.bucket.delete(id as never);
      return true;
    } catch {
      return false;
    }
  }
}
