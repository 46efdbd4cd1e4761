import type { Request } from 'express';
import multer from 'multer';
import { ErrorCodes, MedflowError } from '@medflow/sdk';
import type { StoreUpload } from '../services/file-service.js';
import { findInValue } from '../services/find-in-value.js';
import { z } from 'zod';
import type { ChosenDocument, WorkflowService } from '../workflows/workflow-service.js';
import { findProtoKey, invalid, parse } from './validate.js';

const VersionSchema = z.union([z.literal('draft'), z.coerce.number().int().min(1)]).optional();
export const StartRunBody = z.object({
  inputs: z.record(z.string(), z.unknown()).default({}),
  version: VersionSchema,
});

/** Multer with limits: memory storage is fine because the per-file limit bounds it. */
/**
 * Multipart file names arrive decoded as latin1 (busboy's default), so 「山田太郎_紹介状.png」 became mojibake. Browsers
 * send UTF-8: re-read the bytes as UTF-8 where they form valid UTF-8, else keep the name as it came.
 */
export function utf8FileName(name: string): string {
  if (!/[\u0080-\u00ff]/.test(name) || /[^\u0000-\u00ff]/.test(name)) return name;
  const utf8 = Buffer.from(name, 'latin1').toString('utf8');
  return utf8.includes('\ufffd') ? name : utf8;
}

export function uploadParser(maxUploadBytes: number) {
  return multer({ storage: multer.memoryStorage(), limits: { fileSize: maxUploadBytes, files: 20, fields: 100, fieldSize: 5 * 1024 * 1024, parts: 150 } }).any();
}

/**
 * A file reaches a run only as an upload in this request. A reference written by the client (`{ fileId, … }`)
 * would name nothing (file ids are handles of one run), but refusing it says so instead of failing later.
 */
function refuseWrittenFileRefs(inputs: Record<string, unknown>): void {
  const path = findInValue(inputs, (v, at) => ('fileId' in v ? at.join('.') || 'fileId' : undefined));
  if (path) throw invalid([{ code: 'FILE_REF_NOT_ALLOWED', path: `body.inputs.${path}`, message: 'upload the file (multipart/form-data) instead of referring to a stored one / ファイルはアップロードしてください' }]);
}

/**
 * Reads run inputs from JSON (`{ inputs, version }`) or multipart: a field `inputs` with JSON, an
 * optional `version`, and one file part per file input named after the input. A file sent for a text
 * input is read as UTF-8 text (`-F note=@note.txt`).
 */
export async function readRunRequest(req: Request, chooseDocument: (version: number | 'draft' | undefined) => Promise<ChosenDocument>, workflows: WorkflowService, storeFile: StoreUpload): Promise<{ inputs: Record<string, unknown>; version: number | 'draft' | undefined }> {
  if (!req.is('multipart/form-data')) {
    const body = parse(StartRunBody, req.body ?? {}, 'body');
    refuseWrittenFileRefs(body.inputs);
    return { inputs: body.inputs, version: body.version };
  }
  const fields = (req.body ?? {}) as Record<string, unknown>;
  let inputs: Record<string, unknown> = {};
  if (typeof fields.inputs === 'string' && fields.inputs.trim()) {
    try { inputs = JSON.parse(fields.inputs) as Record<string, unknown>; } catch (e) {
      throw invalid([{ code: 'MALFORMED_JSON', path: 'body.inputs', message: `not valid JSON: ${(e as Error).message}` }]);
    }
    const proto = findProtoKey(inputs);
    if (proto) throw invalid([{ code: 'FORBIDDEN_KEY', path: `body.inputs.${proto}`, message: '"__proto__" keys are not accepted' }]);
  }
  const body = parse(StartRunBody, { inputs, version: fields.version === '' ? undefined : fields.version }, 'body');
  refuseWrittenFileRefs(body.inputs);
  const files = (req.files ?? []) as Express.Multer.File[];
  if (files.length) {
    const { document } = await chooseDocument(body.version);
    const descriptors = new Map(workflows.analyse(document).inputs.map((d) => [d.name, d]));
    for (const file of files) {
      if (file.size === 0) throw new MedflowError({ code: ErrorCodes.VALIDATION_FAILED, category: 'USER', message: `uploaded file for "${file.fieldname}" is empty`, details: { field: file.fieldname } });
      const descriptor = descriptors.get(file.fieldname);
      if (!descriptor) throw invalid([{ code: 'INPUT_UNKNOWN', path: `body.${file.fieldname}`, message: `workflow has no input "${file.fieldname}" (inputs: ${[...descriptors.keys()].join(', ') || 'none'})` }]);
      if (descriptor.kind === 'text') {
        try { body.inputs[file.fieldname] = new TextDecoder('utf-8', { fatal: true }).decode(file.buffer).replace(/^\uFEFF/, ''); } catch {
          throw new MedflowError({ code: 'INPUT_TYPE', category: 'USER', message: `"${file.fieldname}" is a text input, and ${file.originalname} is not UTF-8 text`, details: { input: file.fieldname } });
        }
      } else {
        body.inputs[file.fieldname] = await storeFile(new Uint8Array(file.buffer.buffer, file.buffer.byteOffset, file.buffer.byteLength), utf8FileName(file.originalname) || file.fieldname);
      }
    }
  }
  return { inputs: body.inputs, version: body.version };
}
