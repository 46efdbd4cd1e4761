import { ErrorCodes, MedflowError, sniffMediaType, type FileRef, type FileService } from '@medflow/sdk';
import type { BlobStore } from '../store/index.js';

/** Files for nodes, backed by the store's content-addressed blobs. */
export function createFileService(blobs: BlobStore): FileService {
  return {
    async read(ref: FileRef): Promise<Uint8Array> {
      const bytes = await blobs.get(ref.fileId);
      if (!bytes) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: `file "${ref.name}" (${ref.fileId.slice(0, 12)}…) is not in the store`, details: { fileId: ref.fileId } });
      return bytes;
    },
    async write(bytes: Uint8Array, meta: { name: string; mediaType: string }): Promise<FileRef> {
      const { id, size } = await blobs.put(bytes, meta);
      return { fileId: id, name: meta.name, mediaType: meta.mediaType, size };
    },
  };
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

/** Stores an upload, typing it by content (the client's claimed type is ignored). */
export async function storeUpload(blobs: BlobStore, bytes: Uint8Array, name: string): Promise<FileRef> {
  const { mediaType } = sniffMediaType(bytes);
  const safe = safeFileName(name);
  const { id, size } = await blobs.put(bytes, { name: safe, mediaType });
  return { fileId: id, name: safe, mediaType, size };
}
