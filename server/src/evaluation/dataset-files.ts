import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import type { StoreUpload } from '../services/file-service.js';
import type { Dataset } from './dataset.js';

const isFileInput = (v: unknown): v is { $file: string } => typeof v === 'object' && v !== null && typeof (v as { $file?: unknown }).$file === 'string' && Object.keys(v).length === 1;

/**
 * Replaces `{"$file": "letters/01.png"}` inputs with stored files, read relative to the dataset (and
 * only from inside its folder), so datasets can hold scans and recordings for file inputs. `storeFile` keeps them
 * in a staging scope; each evaluation run is then given its own handles (`EvaluationOptions.prepareRun`).
 */
export async function resolveDatasetFiles(dataset: Dataset, datasetPath: string, storeFile: StoreUpload): Promise<Dataset> {
  const root = resolve(dirname(datasetPath));
  const records = [];
  for (const [i, record] of dataset.records.entries()) {
    const inputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(record.inputs)) {
      if (!isFileInput(value)) { inputs[name] = value; continue; }
      const path = resolve(root, value.$file);
      if (!path.startsWith(root + sep)) throw new Error(`line ${i + 1}: inputs.${name}.$file must stay inside the dataset's folder`);
      let bytes: Buffer;
      try { bytes = await readFile(path); } catch (e) { throw new Error(`line ${i + 1}: inputs.${name}.$file: cannot read ${value.$file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
      inputs[name] = await storeFile(new Uint8Array(bytes), basename(path));
    }
    records.push({ ...record, inputs });
  }
  return { ...dataset, records };
}
