import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RunInputDescriptor } from '@medflow/sdk';
import type { StoreUpload } from '../services/file-service.js';

export class UsageError extends Error {}

/**
 * Turns `--input name=value` and `--input name=@path` into run inputs. A path given for a text input
 * is read as UTF-8; for a file input it is stored as a file.
 */
export async function readCliInputs(pairs: string[], descriptors: RunInputDescriptor[], storeFile: StoreUpload): Promise<Record<string, unknown>> {
  const byName = new Map(descriptors.map((d) => [d.name, d]));
  const inputs: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--input must look like name=value or name=@file (got "${pair}")`);
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const descriptor = byName.get(name);
    if (!descriptor) throw new UsageError(`workflow has no input "${name}" (inputs: ${[...byName.keys()].join(', ') || 'none'})`);
    if (!raw.startsWith('@')) {
      if (descriptor.kind === 'file') throw new UsageError(`"${name}" is a file input: use ${name}=@path/to/file`);
      inputs[name] = raw;
      continue;
    }
    const path = raw.slice(1);
    let bytes: Buffer;
    try { bytes = await readFile(path); } catch (e) { throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    if (descriptor.kind === 'text') {
      try { inputs[name] = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''); } catch { throw new UsageError(`${path} is not UTF-8 text`); }
    } else {
      inputs[name] = await storeFile(new Uint8Array(bytes), basename(path));
    }
  }
  return inputs;
}
