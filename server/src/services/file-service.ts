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

/** Stores an upload, typing it by content (the client's claimed type is ignored). */
export async function storeUpload(blobs: BlobStore, bytes: Uint8Array, name: string): Promise<FileRef> {
  const { mediaType } = sniffMediaType(bytes);
  const { id, size } = await blobs.put(bytes, { name, mediaType });
  return { fileId: id, name: name.slice(0, 255), mediaType, size };
}
