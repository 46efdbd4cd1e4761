import type { Response } from 'express';
import { ErrorCodes, MedflowError, sniffMediaType } from '@medflow/sdk';
import { z } from 'zod';
import type { RunDetail } from '../runs/run-service.js';
import type { RunFile } from '../services/file-service.js';
import { findInValue } from '../services/find-in-value.js';

/** A run's handle to a file: 64 hexadecimal characters, meaningful only with that run. */
export const FileIdSchema = z.string().regex(/^[a-f0-9]{64}$/, 'fileId must be 64 hexadecimal characters');

/** A file a run received (inputs) or produced (node outputs). */
export const fileOfRun = (detail: RunDetail, fileId: string) => findFileRef({ inputs: detail.run.inputs, nodes: detail.nodes.map((n) => n.outputs) }, fileId);

/** A file reference (`{ fileId, name, mediaType }`) anywhere inside a value, e.g. a run's inputs and node outputs. */
export function findFileRef(value: unknown, fileId: string): { name: string; mediaType: string } | undefined {
  return findInValue(value, (v) => (v.fileId === fileId && typeof v.mediaType === 'string' && typeof v.name === 'string' ? { name: v.name, mediaType: v.mediaType } : undefined));
}

/**
 * Sends a stored file. The type is the server's, never the one written in the reference (a run's JSON inputs can
 * carry a client-written `mediaType`: an author once stored a script as `text/xml` and it ran in an
 * administrator's browser). Images, PDFs and audio go inline with the type their bytes show; HTML (the generated
 * notification form) inline in a sandbox; everything else as a download. Every file is sandboxed with no script.
 * 404 when the reference, the run's handle or the bytes are missing: `file` is what the run's own handle opened,
 * so a reference to another run's file (forged, or output by a package) is not found.
 */
export async function sendFile(res: Response, fileId: string, ref: { name: string } | undefined, file: RunFile | undefined, missing: string): Promise<void> {
  if (!ref || !file) throw new MedflowError({ code: ErrorCodes.NOT_FOUND, category: 'USER', message: missing, details: { fileId } });
  const { bytes } = file;
  const sniffed = sniffMediaType(bytes);
  const renderable = sniffed.family === 'image' || sniffed.family === 'pdf' || sniffed.family === 'audio';
  // Printable pages: HTML without a binary signature (the form node writes text/html); opened as an opaque origin.
  const page = !renderable && /^text\/html\b/i.test(file.mediaType) && !/^\s*<\?xml/i.test(new TextDecoder().decode(bytes.subarray(0, 64)));
  res.setHeader('Content-Type', renderable ? sniffed.mediaType : page ? 'text/html; charset=utf-8' : 'application/octet-stream');
  res.setHeader('Content-Disposition', `${renderable || page ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(ref.name)}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // PDFs open in the browser's own viewer, which a sandboxed document cannot host; everything else gets no script at all.
  if (sniffed.family !== 'pdf') res.setHeader('Content-Security-Policy', "sandbox allow-modals; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'none'");
  res.send(Buffer.from(bytes));
}
