import { randomBytes } from 'node:crypto';
import { ErrorCodes, MedflowError, sniffMediaType, type FileRef, type FileService } from '@medflow/sdk';
import { findInValue } from './find-in-value.js';
import { COLLECTIONS, SqliteStore, type BlobStore, type Collection, type DocumentStore } from '../store/index.js';

/**
 * A run's right to one stored file. The id is `<runId>/<fileId>`: a file id means something only together with
 * the run it was given to, so a reference copied into another run (or written by a client or a package) names
 * nothing there. File ids are random; the content hash that lets the same scan be stored once stays in `blobId`
 * and never leaves the server.
 */
export interface FileHandleRecord { id: string; blobId: string; mediaType: string; size: number; createdAt: string }

/** Stores an upload (bytes and the name it came with) as a file of one run; the callers' side of `storeUpload`. */
export type StoreUpload = (bytes: Uint8Array, name: string) => Promise<FileRef>;

/** A stored file as a run may read it: its bytes and the type the server gave it. */
export interface RunFile { bytes: Uint8Array; mediaType: string }

const handleId = (scope: string, fileId: string) => `${scope}/${fileId}`;

/** The run files of a store: minted per run, read only through the run that holds them. */
export class RunFiles {
  constructor(private readonly blobs: BlobStore, private readonly handles: Collection<FileHandleRecord>) {}

  static of(store: DocumentStore): RunFiles {
    return new RunFiles(store.blobs, store.collection<FileHandleRecord>('file_handles'));
  }

  /** Files that live as long as the process (the command line, tests): the same handles, nothing on disk. */
  static inMemory(): RunFiles {
    return RunFiles.of(new SqliteStore({ path: ':memory:', collections: COLLECTIONS }));
  }

  /** Stores bytes for a run (or a staging scope such as a dataset) and returns the reference that names them there. */
  async store(scope: string, bytes: Uint8Array, meta: { name: string; mediaType: string }): Promise<FileRef> {
    const { id: blobId, size } = await this.blobs.put(bytes, meta);
    const fileId = randomBytes(32).toString('hex');
    await this.handles.insert({ id: handleId(scope, fileId), blobId, mediaType: meta.mediaType, size, createdAt: new Date().toISOString() });
    return { fileId, name: meta.name, mediaType: meta.mediaType, size };
  }

  /** Stores an upload for a run, typed by its content (the client's claimed type is ignored). */
  storeUpload(scope: string, bytes: Uint8Array, name: string): Promise<FileRef> {
    return this.store(scope, bytes, { name: safeFileName(name), mediaType: sniffMediaType(bytes).mediaType });
  }

  /** The file, when `scope` holds it; undefined for any other run's file, a forged id or purged bytes. */
  async open(scope: string, fileId: string): Promise<RunFile | undefined> {
    const handle = await this.handles.get(handleId(scope, fileId));
    if (!handle) return undefined;
    const bytes = await this.blobs.get(handle.blobId);
    return bytes && { bytes, mediaType: handle.mediaType };
  }

  /**
   * Lets `toScope` read the files of `fromScope` named in `value` (a dataset's scans, for each evaluation run).
   * References of any other scope are left without a handle, so they fail like forged ones.
   */
  async share(value: unknown, fromScope: string, toScope: string): Promise<void> {
    for (const fileId of fileIdsIn(value)) {
      const handle = await this.handles.get(handleId(fromScope, fileId));
      if (handle) await this.handles.put({ ...handle, id: handleId(toScope, fileId) });
    }
  }

  /**
   * Gives a run a handle to a file by its content id. Only for references written before files had handles:
   * their ids were content hashes, and the run they were found in is the one that may read them.
   */
  async adoptLegacy(scope: string, contentId: string, meta: { mediaType: string; size: number }): Promise<void> {
    const id = handleId(scope, contentId);
    if (!(await this.handles.get(id))) await this.handles.put({ id, blobId: contentId, mediaType: meta.mediaType, size: meta.size, createdAt: new Date().toISOString() });
  }

  /** Drops every handle of a run (retention); the bytes go when no handle made since the cutoff uses them. */
  async forget(scope: string): Promise<number> {
    let removed = 0;
    for (const handle of await this.handles.find({}, { idPrefix: `${scope}/` })) if (await this.handles.delete(handle.id)) removed++;
    return removed;
  }

  /** The file service a node of this run gets: it reads only this run's files and writes new ones into it. */
  forRun(scope: string): FileService {
    return {
      read: async (ref: FileRef) => {
        const file = await this.open(scope, ref.fileId);
        if (!file) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `file "${ref.name}" is not a file of this run`, details: { fileId: ref.fileId } });
        return file.bytes;
      },
      write: (bytes, meta) => this.store(scope, bytes, meta),
    };
  }
}

/** Every `fileId` of a file reference inside a value (run inputs, node outputs, dataset records). */
export function fileIdsIn(value: unknown, found = new Set<string>()): Set<string> {
  findInValue(value, (o) => { if (typeof o.fileId === 'string' && typeof o.mediaType === 'string') found.add(o.fileId); return undefined; });
  return found;
}

/**
 * A file name safe to store and show: the last path segment only (`../../etc/passwd` → `passwd`),
 * without control or bidi-override characters. Names are labels here; bytes are stored by hash.
 */
export function safeFileName(name: string): string {
  const last = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').replace(/^\.+/, '').trim().slice(0, 255);
  return clean || 'upload';
}
