import type { Incoming } from '@medflow/sdk';
import { isObject } from '../shared/is-object.js';

/** One field of the draft as the reviewer sees it: the AI's value and the passage it came from. */
export interface ReviewField {
  key: string;
  label: string;
  /** `icd10` / `icd11`: a code, corrected with the code search picker. */
  type: 'text' | 'longtext' | 'number' | 'date' | 'select' | 'boolean' | 'icd10' | 'icd11';
  options?: string[];
  required: boolean;
  value: unknown;
  /** Character span in the text source (from the extraction node); null = no evidence: the reviewer must check. */
  evidence: { start: number; end: number; text: string } | null;
  /** `found`: value with evidence; `not_found`: no value; `unsupported`: the model's value was withheld (quote not in the text); `given`: a plain value without evidence. */
  status: 'found' | 'not_found' | 'unsupported' | 'given';
  /** For `unsupported`: what the model claimed. */
  rejected?: unknown;
}

/** What the reviewer reads beside the draft. */
export type ReviewSource =
  | { kind: 'text'; text: string; from: string }
  | { kind: 'ocr'; fileId?: string; pages: unknown[]; from: string }
  | { kind: 'transcript'; segments: Array<{ start: number; end: number; text: string }>; durationSeconds?: number; from: string }
  | { kind: 'file'; fileId: string; name: string; mediaType: string; from: string };

export interface FieldSpec { key: string; label?: string | undefined; type: ReviewField['type']; options?: string[] | undefined; required: boolean }

const FIELD_TYPES = new Set<string>(['text', 'longtext', 'number', 'date', 'select', 'boolean', 'icd10', 'icd11']);
const isExtracted = (v: unknown): v is { value: unknown; status: 'found' | 'not_found' | 'unsupported'; evidence: ReviewField['evidence']; label?: string; required?: boolean; rejected?: unknown; type?: string } =>
  isObject(v) && 'value' in v && 'evidence' in v && (v.status === 'found' || v.status === 'not_found' || v.status === 'unsupported');

/**
 * The draft as reviewable fields: from the extraction node's "fields with evidence" output, or any plain
 * JSON object (its values then have no evidence). `specs` chooses and labels the fields; without them,
 * every key of the draft is shown.
 */
export function draftFields(draft: unknown, specs: FieldSpec[]): ReviewField[] {
  const source: Record<string, unknown> = isObject(draft) ? draft : { value: draft };
  // Keys starting with `_` are bookkeeping of the node that made the draft (`_provenance`), never fields to confirm.
  const keys = specs.length ? specs.map((s) => s.key) : Object.keys(source).filter((k) => !k.startsWith('_'));
  return keys.map((key) => {
    const spec = specs.find((s) => s.key === key);
    const raw = Object.hasOwn(source, key) ? source[key] : undefined;
    const extracted = isExtracted(raw) ? raw : undefined;
    const value = extracted ? extracted.value : raw ?? null;
    const given = extracted?.type && FIELD_TYPES.has(extracted.type) ? extracted.type as ReviewField['type'] : undefined;
    const type = spec?.type ?? given ?? (typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : typeof value === 'string' && value.length > 80 ? 'longtext' : 'text');
    return {
      key, label: spec?.label ?? extracted?.label ?? key, type, ...(spec?.options ? { options: spec.options } : {}),
      required: spec?.required ?? extracted?.required ?? false, value,
      evidence: extracted?.evidence ?? null,
      status: extracted ? extracted.status : value === null || value === undefined || value === '' ? 'not_found' : 'given',
      ...(extracted && 'rejected' in extracted ? { rejected: extracted.rejected } : {}),
    };
  });
}

/** Recognises what arrived on the sources input: text, OCR pages, a transcript, or a file. */
export function reviewSources(incoming: Array<Incoming<unknown>> | undefined): ReviewSource[] {
  const out: ReviewSource[] = [];
  for (const { from, value } of incoming ?? []) {
    const origin = `${from.node}.${from.port}`;
    if (typeof value === 'string') out.push({ kind: 'text', text: value, from: origin });
    else if (isObject(value) && Array.isArray(value.pages)) out.push({ kind: 'ocr', pages: value.pages, from: origin, ...(typeof value.source === 'string' ? { fileId: value.source } : {}) });
    else if (isObject(value) && Array.isArray(value.segments)) out.push({ kind: 'transcript', segments: value.segments as Array<{ start: number; end: number; text: string }>, from: origin, ...(typeof value.durationSeconds === 'number' ? { durationSeconds: value.durationSeconds } : {}) });
    else if (isObject(value) && typeof value.fileId === 'string' && typeof value.mediaType === 'string') out.push({ kind: 'file', fileId: value.fileId, name: String(value.name ?? value.fileId), mediaType: value.mediaType, from: origin });
    else if (value !== undefined && value !== null) out.push({ kind: 'text', text: JSON.stringify(value, null, 2), from: origin });
  }
  return out;
}
