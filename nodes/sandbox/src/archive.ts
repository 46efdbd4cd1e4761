import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';

export interface ArchiveLimits {
  /** Compressed size. */
  maxArchiveBytes: number;
  /** Sum of the files once unpacked: a gzip bomb stops here. */
  maxUnpackedBytes: number;
  maxFiles: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({ maxArchiveBytes: 20 * 1024 ** 2, maxUnpackedBytes: 50 * 1024 ** 2, maxFiles: 500 });

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** `sha512-<base64>`, the form npm writes in package-lock.json and registry metadata. */
export function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/**
 * Unpacks an npm package tarball (`.tgz`, files under `package/`) into memory. Only regular files are
 * kept; links, devices and paths that climb out (`..`, absolute) are refused, sizes are bounded.
 */
export async function readPackageArchive(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<Map<string, Buffer>> {
  if (bytes.byteLength > limits.maxArchiveBytes) throw new ArchiveError(`the archive is ${bytes.byteLength} bytes; at most ${limits.maxArchiveBytes}`);
  let raw: Buffer;
  try {
    raw = gunzipSync(bytes, { maxOutputLength: limits.maxUnpackedBytes + 1024 * 1024 });
  } catch (error) {
    throw new ArchiveError(`not a gzip-compressed tarball (.tgz): ${(error as Error).message}`);
  }
  const files = new Map<string, Buffer>();
  let total = 0;
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const fail = (message: string) => { stream.resume(); reject(new ArchiveError(message)); extract.destroy(); };
      if (header.type === 'directory') { stream.resume(); stream.on('end', next); return; }
      if (header.type !== 'file') return fail(`"${header.name}" is a ${header.type}; packages may contain only regular files`);
      const name = posix.normalize(header.name.replace(/\\/g, '/'));
      if (name.startsWith('/') || name.split('/').includes('..')) return fail(`"${header.name}" points outside the package`);
      // npm puts everything under one top-level folder, usually "package/".
      const relative = name.split('/').slice(1).join('/');
      if (!relative) return fail(`"${header.name}" is not inside the package folder`);
      if (files.size >= limits.maxFiles) return fail(`more than ${limits.maxFiles} files`);
      const chunks: Buffer[] = [];
      stream.on('data', (data: unknown) => {
        const chunk = data as Buffer;
        total += chunk.length;
        if (total > limits.maxUnpackedBytes) fail(`the unpacked files exceed ${limits.maxUnpackedBytes} bytes`);
        else chunks.push(chunk);
      });
      stream.on('end', () => { files.set(relative, Buffer.concat(chunks)); next(); });
      stream.on('error', reject);
    });
    extract.on('finish', resolve);
    extract.on('error', (error: Error) => reject(error instanceof ArchiveError ? error : new ArchiveError(`not a valid tar archive: ${error.message}`)));
  });
  Readable.from([raw]).pipe(extract);
  await done;
  if (!files.size) throw new ArchiveError('the archive contains no files');
  return files;
}

/** Packs files into an npm-style `.tgz` (everything under `package/`), with fixed times so the same files give the same bytes. */
export async function writePackageArchive(files: Map<string, Uint8Array>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (data: unknown) => chunks.push(data as Buffer));
  const finished = new Promise<void>((resolve, reject) => { pack.on('end', resolve); pack.on('error', reject); });
  const mtime = new Date('1985-10-26T08:15:00Z');
  for (const [name, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    await new Promise<void>((resolve, reject) => pack.entry({ name: `package/${name}`, size: content.byteLength, mode: 0o644, mtime }, Buffer.from(content), (error) => (error ? reject(error) : resolve())));
  }
  pack.finalize();
  await finished;
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}
