import { createHash } from 'node:crypto';
import type { BlobMeta, BlobStore } from './port.js';

/** Blobs held in memory, for the CLI's one-off runs. */
export class MemoryBlobs implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();

  async put(bytes: Uint8Array, _meta: BlobMeta): Promise<{ id: string; size: number }> {
    const id = createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(id, bytes);
    return { id, size: bytes.byteLength };
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    return this.blobs.get(id);
  }

  async delete(id: string): Promise<boolean> {
    return this.blobs.delete(id);
  }
}
