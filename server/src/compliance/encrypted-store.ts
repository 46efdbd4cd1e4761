import { createHash } from 'node:crypto';
import { everyDocument, type BlobMeta, type BlobStore, type Collection, type DocumentStore, type Filter, type FindOptions, type StoredDocument } from '../store/index.js';
import { isSealed, type Keyring } from './keyring.js';

/**
 * Fields encrypted at rest, by collection: run inputs and outputs, node payloads, event payloads,
 * review payloads, second-factor secrets. Index fields (status, ids, times) stay clear so the store can
 * still filter and sort; they carry no patient data.
 */
export const ENCRYPTED_FIELDS: Record<string, readonly string[]> = {
  runs: ['inputs', 'outputs', 'error'],
  run_nodes: ['inputs', 'outputs', 'error', 'suspend', 'resume'],
  run_events: ['events'],
  reviews: ['draft', 'edits', 'result', 'sources'],
  users: ['totp', 'pendingTotpSecret'],
  phi_vault: ['entries'],
  audit_sealed: ['text'],
  evaluations: ['report', 'error'],
};

/** The active keyring; rotation swaps it without reopening the store. */
export interface KeyHolder { keyring: Keyring }

const aadOf = (collection: string, id: string, field: string) => `${collection}/${id}/${field}`;

export function sealDocument<T extends StoredDocument>(keys: KeyHolder, collection: string, doc: T): T {
  const fields = ENCRYPTED_FIELDS[collection];
  if (!fields) return doc;
  const out = { ...doc } as Record<string, unknown>;
  for (const field of fields) {
    const value = out[field];
    if (value === undefined || isSealed(value)) continue;
    out[field] = keys.keyring.seal(Buffer.from(JSON.stringify(value)), aadOf(collection, doc.id, field));
  }
  return out as T;
}

export function openDocument<T extends StoredDocument>(keys: KeyHolder, collection: string, doc: T): T {
  const fields = ENCRYPTED_FIELDS[collection];
  if (!fields) return doc;
  const out = { ...doc } as Record<string, unknown>;
  for (const field of fields) {
    const value = out[field];
    if (isSealed(value)) out[field] = JSON.parse(keys.keyring.open(value, aadOf(collection, doc.id, field)).toString('utf8'));
  }
  return out as T;
}

class EncryptedCollection<T extends StoredDocument> implements Collection<T> {
  constructor(private readonly inner: Collection<T>, private readonly name: string, private readonly keys: KeyHolder) {}
  private seal = (doc: T) => sealDocument(this.keys, this.name, doc);
  private open = (doc: T) => openDocument(this.keys, this.name, doc);
  async get(id: string) { const d = await this.inner.get(id); return d && this.open(d); }
  put(doc: T) { return this.inner.put(this.seal(doc)); }
  insert(doc: T) { return this.inner.insert(this.seal(doc)); }
  replaceIf(id: string, where: Filter, doc: T) { return this.inner.replaceIf(id, where, this.seal(doc)); }
  delete(id: string) { return this.inner.delete(id); }
  deleteMany(filter: Filter) { return this.inner.deleteMany(filter); }
  async find(filter?: Filter, options?: FindOptions) { return (await this.inner.find(filter, options)).map(this.open); }
  count(filter?: Filter) { return this.inner.count(filter); }
}

/** No file name here: names are often patients' (「山田太郎_紹介状.png」) and live only in the sealed references. */
interface BlobKeyRecord { id: string; innerId: string; size: number; mediaType: string; lastUsedAt: string }

/**
 * Encrypted blobs. A blob keeps the id of its plain bytes (sha256), so the same scan uploaded twice is
 * stored once and handles stay valid across key rotation; the sealed bytes live under their own id, found
 * through `blob_keys`. The content id is internal: runs name files by random handles (file-service.ts).
 */
class EncryptedBlobs implements BlobStore {
  constructor(private readonly inner: BlobStore, private readonly index: Collection<BlobKeyRecord>, private readonly keys: KeyHolder) {}

  async put(bytes: Uint8Array, meta: BlobMeta): Promise<{ id: string; size: number }> {
    const id = createHash('sha256').update(bytes).digest('hex');
    const now = new Date().toISOString();
    const existing = await this.index.get(id);
    if (existing) {
      await this.index.put({ ...existing, lastUsedAt: now });
      return { id, size: existing.size };
    }
    const sealed = this.keys.keyring.seal(Buffer.from(bytes), `blob/${id}`);
    const stored = await this.inner.put(Buffer.from(JSON.stringify(sealed)), { name: 'sealed', mediaType: 'application/octet-stream' });
    await this.index.put({ id, innerId: stored.id, size: bytes.byteLength, mediaType: meta.mediaType, lastUsedAt: now });
    return { id, size: bytes.byteLength };
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const record = await this.index.get(id);
    if (!record) return undefined;
    const raw = await this.inner.get(record.innerId);
    if (!raw) return undefined;
    return this.keys.keyring.open(JSON.parse(Buffer.from(raw).toString('utf8')), `blob/${id}`);
  }

  async delete(id: string): Promise<boolean> {
    const record = await this.index.get(id);
    if (!record) return false;
    await this.inner.delete(record.innerId);
    return this.index.delete(id);
  }
}

/** A DocumentStore that encrypts the fields in ENCRYPTED_FIELDS and all blobs on the way in, and opens them on the way out. */
export class EncryptedStore implements DocumentStore {
  readonly blobs: BlobStore;

  constructor(readonly inner: DocumentStore, readonly keys: KeyHolder) {
    this.blobs = new EncryptedBlobs(inner.blobs, inner.collection<BlobKeyRecord>('blob_keys'), keys);
  }

  get kind() { return this.inner.kind; }
  get writesInCallOrder() { return this.inner.writesInCallOrder; }

  collection<T extends StoredDocument>(name: string): Collection<T> {
    const inner = this.inner.collection<T>(name);
    return ENCRYPTED_FIELDS[name] ? new EncryptedCollection(inner, name, this.keys) : inner;
  }

  ping() { return this.inner.ping(); }
  close() { return this.inner.close(); }
}

type RawDocument = StoredDocument & Record<string, unknown>;


export interface ReencryptReport { reencrypted: number; skippedLive: number; blobs: number }

/**
 * Moves everything sealed with an older key to the active key. Documents of runs still executing are
 * left alone (their next checkpoint seals them with the active key anyway), so this never races the engine.
 */
export async function reencryptAll(store: EncryptedStore, isLiveRun: (runId: string) => boolean): Promise<ReencryptReport> {
  const active = store.keys.keyring.activeId;
  const report: ReencryptReport = { reencrypted: 0, skippedLive: 0, blobs: 0 };
  for (const [name, fields] of Object.entries(ENCRYPTED_FIELDS)) {
    const wrapped = store.collection<RawDocument>(name);
    for await (const doc of everyDocument(store.inner.collection<RawDocument>(name))) {
      // Sealed with an older key, or still clear (written before the field was sealed): both are rewritten sealed.
      const stale = fields.some((f) => doc[f] !== undefined && (!isSealed(doc[f]) || doc[f].kid !== active));
      if (!stale) continue;
      const runId = name === 'runs' ? doc.id : typeof doc.runId === 'string' ? doc.runId : undefined;
      if (runId && isLiveRun(runId)) { report.skippedLive++; continue; }
      await wrapped.put(openDocument(store.keys, name, doc));
      report.reencrypted++;
    }
  }
  const index = store.inner.collection<BlobKeyRecord>('blob_keys');
  for await (const record of everyDocument(index)) {
    const raw = await store.inner.blobs.get(record.innerId);
    if (!raw) continue;
    const sealed = JSON.parse(Buffer.from(raw).toString('utf8'));
    if (sealed.kid === active) continue;
    const plain = store.keys.keyring.open(sealed, `blob/${record.id}`);
    const resealed = store.keys.keyring.seal(plain, `blob/${record.id}`);
    const stored = await store.inner.blobs.put(Buffer.from(JSON.stringify(resealed)), { name: 'sealed', mediaType: 'application/octet-stream' });
    await index.put({ ...record, innerId: stored.id });
    await store.inner.blobs.delete(record.innerId);
    report.blobs++;
  }
  return report;
}

/** Counts sealed values per key id, for the key status page. */
export async function keyUsage(store: EncryptedStore): Promise<Record<string, number>> {
  const usage: Record<string, number> = {};
  for (const [name, fields] of Object.entries(ENCRYPTED_FIELDS)) {
    for await (const doc of everyDocument(store.inner.collection<RawDocument>(name))) {
      for (const f of fields) { const v = doc[f]; if (isSealed(v)) usage[v.kid] = (usage[v.kid] ?? 0) + 1; }
    }
  }
  return usage;
}
