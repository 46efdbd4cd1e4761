import { createHash } from 'node:crypto';
import { ErrorCodes, MedflowError } from '@medflow/sdk';
import { z } from 'zod';

/** One labelled case: the run inputs, and the outputs a correct run gives. */
export const DatasetRecordSchema = z.object({
  id: z.string().min(1).max(200),
  inputs: z.record(z.string(), z.unknown()),
  expected: z.record(z.string(), z.unknown()).refine((e) => Object.keys(e).length > 0, 'name at least one expected output'),
  tags: z.array(z.string().max(50)).max(20).optional(),
}).loose();
export type DatasetRecord = z.output<typeof DatasetRecordSchema>;

export interface Dataset { name: string; sha256: string; records: DatasetRecord[] }

export const MAX_DATASET_RECORDS = 10_000;

/** JSONL, one case a line; every bad line is reported with its number and the field zod names. */
export function parseDataset(name: string, jsonl: string): Dataset {
  const problems: Array<{ path: string; message: string }> = [];
  const records: DatasetRecord[] = [];
  const ids = new Set<string>();
  jsonl.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try { value = JSON.parse(line); } catch (e) { problems.push({ path: `line ${i + 1}`, message: `not JSON: ${(e as Error).message}` }); return; }
    const parsed = DatasetRecordSchema.safeParse(value);
    if (!parsed.success) { for (const issue of parsed.error.issues) problems.push({ path: `line ${i + 1}: ${issue.path.join('.') || '(record)'}`, message: issue.message }); return; }
    if (ids.has(parsed.data.id)) { problems.push({ path: `line ${i + 1}: id`, message: `duplicate id "${parsed.data.id}"` }); return; }
    ids.add(parsed.data.id);
    records.push(parsed.data);
  });
  if (!records.length && !problems.length) problems.push({ path: 'dataset', message: 'no records' });
  if (records.length > MAX_DATASET_RECORDS) problems.push({ path: 'dataset', message: `at most ${MAX_DATASET_RECORDS} records` });
  if (problems.length) {
    throw new MedflowError({ code: ErrorCodes.VALIDATION_FAILED, category: 'USER', message: `dataset "${name}" has ${problems.length} problem(s): ${problems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}`, details: { problems: problems.slice(0, 100) } });
  }
  return { name, sha256: createHash('sha256').update(jsonl).digest('hex'), records };
}
