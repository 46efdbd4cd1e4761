import { z } from 'zod';

/**
 * A file travels between nodes as a reference; the bytes live in the server's blob store and are read
 * through `ctx.services.files`. A `fileId` is a random handle the server gave this run: it names nothing in
 * any other run, so nodes pass references on and never make them up. Keeping bytes out of port values keeps run records small and lets the
 * same scan be shown in the editor without copying it.
 */
export const FileRefSchema = z.object({
  fileId: z.string().regex(/^[a-f0-9]{64}$/, 'fileId must be 64 hexadecimal characters'),
  name: z.string().max(255),
  mediaType: z.string().max(127),
  size: z.number().int().nonnegative(),
});
export type FileRef = z.infer<typeof FileRefSchema>;

/**
 * Reads and writes the bytes behind FileRefs.
 *
 * @example
 * const bytes = await ctx.services.files.read(inputs.scan);
 * const ref = await ctx.services.files.write(pngBytes, { name: 'page-1.png', mediaType: 'image/png' });
 */
export interface FileService {
  read(ref: FileRef): Promise<Uint8Array>;
  write(bytes: Uint8Array, meta: { name: string; mediaType: string }): Promise<FileRef>;
}
