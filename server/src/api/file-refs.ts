import type { Response } from 'express';
import { ErrorCodes, MedflowError } from '@medflow/sdk';
import { z } from 'zod';
import type { RunDetail } from '../runs/run-service.js';
import type { BlobStore } from '../store/index.js';

/** Files are stored by content: their id is the sha256 of the bytes. */
export const FileIdSchema = z.string().regex(/^[a-f0-9]{64}$/, 'fileId must be a sha256 hex digest');

/** A file a run received (inputs) or produced (node outputs). */
export const fileOfRun = (detail: RunDetail, fileId: string) => findFileRef({ inputs: detail.run.inputs, nodes: detail.nodes.map((n) => n.outputs) }, fileId);

/** A file reference (`{ fileId, name, mediaType }`) anywhere inside a value, e.g. a run's inputs and node outputs. */
export function findFileRef(value: unknown, fileId: string, depth = 0): { name: string; mediaType: string } | undefined {
  if (depth > 50 || value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (v.fileId === fileId && typeof v.mediaType === 'string' && typeof v.name === 'string') return { name: v.name, mediaType: v.mediaType };
  for (const child of Object.values(v)) {
    const found = findFileRef(child, fileId, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Sends a stored file inline with its type; 404 when the reference or the bytes are missing. */
export async function sendFile(res: Response, blobs: BlobStore, fileId: string, ref: { name: string; mediaType: string } | undefined, missing: string): Promise<void> {
  const bytes = ref ? await blobs.get(fileId) : undefined;
  if (!ref || !bytes) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: missing, details: { fileId } });
  res.setHeader('Content-Type', ref.mediaType);
  res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(ref.name)}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // Documents that can carry script (a generated notification form, an uploaded page) open as an opaque
  // origin with scripts off: readable and printable, unable to act with the user's session.
  if (/^(text\/html|application\/xhtml\+xml|image\/svg\+xml)\b/i.test(ref.mediaType)) {
    res.setHeader('Content-Security-Policy', "sandbox allow-modals; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'none'");
  }
  res.send(Buffer.from(bytes));
}
