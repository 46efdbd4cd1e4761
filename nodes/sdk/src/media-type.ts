/** The broad family of a file, which decides which nodes can read it. */
export type MediaFamily = 'image' | 'audio' | 'pdf' | 'other';

const ascii = (bytes: Uint8Array, start: number, length: number) => String.fromCharCode(...bytes.subarray(start, start + length));

/**
 * Identifies a file from its first bytes. Uploads are typed by content, never by the name or the
 * Content-Type a client claims, so a renamed executable is not treated as a scan.
 *
 * @example
 * sniffMediaType(bytes) // { mediaType: 'application/pdf', family: 'pdf' }
 */
export function sniffMediaType(bytes: Uint8Array): { mediaType: string; family: MediaFamily } {
  const b = bytes;
  const at = (i: number) => b[i] ?? -1;
  if (at(0) === 0x89 && ascii(b, 1, 3) === 'PNG') return { mediaType: 'image/png', family: 'image' };
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return { mediaType: 'image/jpeg', family: 'image' };
  if ((at(0) === 0x49 && at(1) === 0x49 && at(2) === 0x2a && at(3) === 0) || (at(0) === 0x4d && at(1) === 0x4d && at(2) === 0 && at(3) === 0x2a)) return { mediaType: 'image/tiff', family: 'image' };
  if (ascii(b, 0, 4) === 'GIF8') return { mediaType: 'image/gif', family: 'image' };
  if (ascii(b, 0, 2) === 'BM' && b.length > 14) return { mediaType: 'image/bmp', family: 'image' };
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return { mediaType: 'image/webp', family: 'image' };
  if (ascii(b, 0, 5) === '%PDF-') return { mediaType: 'application/pdf', family: 'pdf' };
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE') return { mediaType: 'audio/wav', family: 'audio' };
  if (ascii(b, 0, 3) === 'ID3' || (at(0) === 0xff && (at(1) & 0xe0) === 0xe0 && (at(1) & 0x06) !== 0)) return { mediaType: 'audio/mpeg', family: 'audio' };
  if (ascii(b, 0, 4) === 'OggS') return { mediaType: 'audio/ogg', family: 'audio' };
  if (ascii(b, 0, 4) === 'fLaC') return { mediaType: 'audio/flac', family: 'audio' };
  if (at(0) === 0x1a && at(1) === 0x45 && at(2) === 0xdf && at(3) === 0xa3) return { mediaType: 'audio/webm', family: 'audio' };
  if (ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4);
    if (brand.startsWith('M4A') || brand.startsWith('M4B') || brand === 'mp42' || brand === 'isom' || brand === 'dash') return { mediaType: 'audio/mp4', family: 'audio' };
  }
  return { mediaType: 'application/octet-stream', family: 'other' };
}
