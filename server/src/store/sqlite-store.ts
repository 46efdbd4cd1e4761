import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkQuery, conflict, fieldValue, matches, prefixUpperBound } from './filter.js';
import {
  COLLECTION_PATTERN, FIELD_PATTERN,
  type BlobMeta, type BlobStore, type Collection, type CollectionSpec, type DocumentStore, type Filter, type FindOptions, type StoredDocument,
} from './port.js';

export interface SqliteStoreOptions {
  /** File path, or `:memory:` for tests. */
  path: string;
  collections: Record<string, CollectionSpec>;
  /**
   * `normal` (default): WAL with synchronous=NORMAL — every committed write survives the process being
   * killed (kill -9, OOM); a power cut may lose the last moments. `full` also survives power loss, at an
   * fsync per commit.
   */
  durability?: 'normal' | 'full';
}

const table = (name: string) => `"c_${name}"`;
const column = (field: string) => `x_${field.replace(/\./g, '__')}`;
const jsonPath = (field: string) => `'$.${field}'`;
const toSql = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

/**
 * The embedded default: one SQLite file, no server to run. Documents are JSON text; declared index
 * fields are copied into indexed columns. A write's promise resolves once its commit is done.
 */
export class SqliteStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  readonly writesInCallOrder = true;
  readonly blobs: BlobStore;
  private readonly db: Database.Database;
  private readonly collections = new Map<string, SqliteCollection<StoredDocument>>();
  private readonly commits: GroupCommit;

  constructor(options: SqliteStoreOptions) {
    // Patient data lives here: the folder is the server's alone (0700), and so are the database and its WAL (0600).
    if (options.path !== ':memory:') { mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 }); chmodSync(dirname(options.path), 0o700); }
    const previous = process.umask(0o077);
    try {
      this.db = new Database(options.path);
      this.db.pragma('journal_mode = WAL');
    } finally { process.umask(previous); }
    if (options.path !== ':memory:') for (const file of [options.path, `${options.path}-wal`, `${options.path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
    this.db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.commits = new GroupCommit(this.db);
    this.db.exec('CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, name TEXT, media_type TEXT, size INTEGER NOT NULL, data BLOB NOT NULL, created_at TEXT NOT NULL)');
    for (const [name, spec] of Object.entries(options.collections)) {
      if (!COLLECTION_PATTERN.test(name)) throw new Error(`invalid collection name ${name}`);
      for (const field of spec.indexes) if (!FIELD_PATTERN.test(field)) throw new Error(`invalid index field ${name}.${field}`);
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${table(name)} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
      const existing = new Set((this.db.prepare(`PRAGMA table_info(${table(name)})`).all() as Array<{ name: string }>).map((c) => c.name));
      for (const field of spec.indexes) {
        // Index fields live in their own columns, filled from JS on write: an expression index would make
        // SQLite re-parse the whole JSON document for every index on every write.
        if (!existing.has(column(field))) {
          this.db.exec(`ALTER TABLE ${table(name)} ADD COLUMN "${column(field)}"`);
          this.db.exec(`UPDATE ${table(name)} SET "${column(field)}" = json_extract(doc, ${jsonPath(field)})`);
        }
        this.db.exec(`CREATE INDEX IF NOT EXISTS "ix_${name}_${column(field)}" ON ${table(name)} ("${column(field)}")`);
      }
      this.collections.set(name, new SqliteCollection(this.db, name, spec, this.commits));
    }
    this.blobs = new SqliteBlobs(this.db);
  }

  collection<T extends StoredDocument>(name: string): Collection<T> {
    const c = this.collections.get(name);
    if (!c) throw new Error(`unknown collection ${name}`);
    return c as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    this.commits.flush();
    this.db.close();
  }
}

/**
 * Group commit: puts issued in the same tick are written in one transaction, so a burst of checkpoints
 * from many runs costs one commit instead of one each. A put's promise resolves only after its
 * transaction committed; every other operation flushes pending puts first, so reads see all earlier writes.
 */
class GroupCommit {
  /** Keyed by table and id: a later put of the same document in the same batch replaces the earlier one. */
  private pending = new Map<string, { write: () => void; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }>();
  private readonly pendingByTable = new Map<string, number>();
  private scheduled = false;

  constructor(private readonly db: Database.Database) {}

  /** Flushes only when `table` has writes waiting: reads of other tables must not break up a batch. */
  flushFor(table: string): void {
    if ((this.pendingByTable.get(table) ?? 0) > 0) this.flush();
  }

  enqueue(table: string, key: string, write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const existing = this.pending.get(key);
      if (existing) {
        existing.write = write;
        existing.waiters.push({ resolve, reject });
      } else {
        this.pending.set(key, { write, waiters: [{ resolve, reject }] });
        this.pendingByTable.set(table, (this.pendingByTable.get(table) ?? 0) + 1);
      }
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.pendingByTable.clear();
    try {
      this.db.transaction(() => { for (const op of batch) op.write(); })();
      for (const op of batch) for (const w of op.waiters) w.resolve();
    } catch {
      // One bad write must not fail its neighbours: redo them one by one to find it.
      for (const op of batch) {
        try {
          op.write();
          for (const w of op.waiters) w.resolve();
        } catch (error) {
          for (const w of op.waiters) w.reject(error);
        }
      }
    }
  }
}

class SqliteCollection<T extends StoredDocument> implements Collection<T> {
  private readonly stmts;

  constructor(private readonly db: Database.Database, private readonly name: string, private readonly spec: CollectionSpec, private readonly commits: GroupCommit) {
    const t = table(name);
    const cols = spec.indexes.map((f) => `"${column(f)}"`);
    const names = ['id', 'doc', ...cols].join(', ');
    const marks = ['?', '?', ...cols.map(() => '?')].join(', ');
    const sets = ['doc = excluded.doc', ...cols.map((c) => `${c} = excluded.${c}`)].join(', ');
    this.stmts = {
      get: db.prepare<[string], { doc: string }>(`SELECT doc FROM ${t} WHERE id = ?`),
      put: db.prepare<unknown[]>(`INSERT INTO ${t} (${names}) VALUES (${marks}) ON CONFLICT(id) DO UPDATE SET ${sets}`),
      insert: db.prepare<unknown[]>(`INSERT INTO ${t} (${names}) VALUES (${marks}) ON CONFLICT(id) DO NOTHING`),
      replace: db.prepare<unknown[]>(`UPDATE ${t} SET ${['doc = ?', ...cols.map((c) => `${c} = ?`)].join(', ')} WHERE id = ?`),
      delete: db.prepare<[string]>(`DELETE FROM ${t} WHERE id = ?`),
    };
  }

  /** The values of the index columns, in declaration order. */
  private indexValues(doc: T): unknown[] {
    return this.spec.indexes.map((f) => {
      const v = fieldValue(doc, f);
      return v === undefined ? null : toSql(v);
    });
  }

  async get(id: string): Promise<T | undefined> {
    this.commits.flushFor(this.name);
    const row = this.stmts.get.get(id);
    return row ? (JSON.parse(row.doc) as T) : undefined;
  }

  put(doc: T): Promise<void> {
    let json: string;
    try { json = JSON.stringify(doc); } catch (error) { return Promise.reject(error); }
    const values = this.indexValues(doc);
    return this.commits.enqueue(this.name, `${this.name}\u0000${doc.id}`, () => this.stmts.put.run(doc.id, json, ...values));
  }

  async insert(doc: T): Promise<void> {
    this.commits.flushFor(this.name);
    if (this.stmts.insert.run(doc.id, JSON.stringify(doc), ...this.indexValues(doc)).changes === 0) throw conflict(this.name, doc.id);
  }

  async replaceIf(id: string, where: Filter, doc: T): Promise<boolean> {
    this.commits.flushFor(this.name);
    checkQuery(this.name, this.spec, where);
    // IMMEDIATE takes the write lock before reading, so two processes cannot both pass the check.
    return this.db.transaction(() => {
      const row = this.stmts.get.get(id);
      if (!row || !matches(JSON.parse(row.doc), where)) return false;
      const next = { ...doc, id };
      this.stmts.replace.run(JSON.stringify(next), ...this.indexValues(next), id);
      return true;
    }).immediate();
  }

  async delete(id: string): Promise<boolean> {
    this.commits.flushFor(this.name);
    return this.stmts.delete.run(id).changes > 0;
  }

  async deleteMany(filter: Filter): Promise<number> {
    this.commits.flushFor(this.name);
    checkQuery(this.name, this.spec, filter);
    const { where, params } = this.where(filter);
    return this.prepare(`DELETE FROM ${table(this.name)}${where}`).run(...params).changes;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    this.commits.flushFor(this.name);
    checkQuery(this.name, this.spec, filter, options);
    const { where, params } = this.where(filter, options.idPrefix);
    let sql = `SELECT doc FROM ${table(this.name)}${where}`;
    if (options.sort) sql += ` ORDER BY ${this.column(options.sort.field)} ${options.sort.direction === 'desc' ? 'DESC' : 'ASC'}, id`;
    if (options.limit !== undefined || options.skip !== undefined) sql += ` LIMIT ${options.limit ?? -1} OFFSET ${options.skip ?? 0}`;
    return (this.prepare(sql).all(...params) as Array<{ doc: string }>).map((r) => JSON.parse(r.doc) as T);
  }

  async count(filter: Filter = {}): Promise<number> {
    this.commits.flushFor(this.name);
    checkQuery(this.name, this.spec, filter);
    const { where, params } = this.where(filter);
    return (this.prepare(`SELECT COUNT(*) AS n FROM ${table(this.name)}${where}`).get(...params) as { n: number }).n;
  }

  private readonly dynamic = new Map<string, Database.Statement>();

  /** Prepared statements for generated SQL, reused: the SQL text depends only on the query's shape. */
  private prepare(sql: string): Database.Statement {
    let stmt = this.dynamic.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.dynamic.size < 500) this.dynamic.set(sql, stmt);
    }
    return stmt;
  }

  private column(field: string): string {
    return field === 'id' ? 'id' : `"${column(field)}"`;
  }

  private where(filter: Filter, idPrefix?: string): { where: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (idPrefix !== undefined) {
      clauses.push('id >= ? AND id < ?');
      params.push(idPrefix, prefixUpperBound(idPrefix));
    }
    for (const [field, condition] of Object.entries(filter)) {
      const col = this.column(field);
      if (condition === null) clauses.push(`${col} IS NULL`);
      else if (typeof condition === 'object') {
        const values = condition.$in.filter((v) => v !== null);
        const parts: string[] = [];
        if (values.length) { parts.push(`${col} IN (${values.map(() => '?').join(', ')})`); params.push(...values.map(toSql)); }
        if (condition.$in.includes(null)) parts.push(`${col} IS NULL`);
        clauses.push(parts.length ? `(${parts.join(' OR ')})` : '0');
      } else { clauses.push(`${col} = ?`); params.push(toSql(condition)); }
    }
    return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
  }
}

class SqliteBlobs implements BlobStore {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      put: db.prepare('INSERT INTO blobs (id, name, media_type, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING'),
      get: db.prepare<[string], { data: Buffer }>('SELECT data FROM blobs WHERE id = ?'),
      delete: db.prepare<[string]>('DELETE FROM blobs WHERE id = ?'),
    };
  }

  async put(bytes: Uint8Array, meta: BlobMeta): Promise<{ id: string; size: number }> {
    const id = createHash('sha256').update(bytes).digest('hex');
    this.stmts.put.run(id, meta.name, meta.mediaType, bytes.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), new Date().toISOString());
    return { id, size: bytes.byteLength };
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const row = this.stmts.get.get(id);
    return row ? new Uint8Array(row.data) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    return this.stmts.delete.run(id).changes > 0;
  }
}
