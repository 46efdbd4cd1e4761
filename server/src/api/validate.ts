import { ErrorCodes, MedflowError } from '@medflow/sdk';
import type { z } from 'zod';
import { problemsFromZod, type Problem } from '../engine/index.js';

/**
 * Parses a request part with zod; on failure throws a 400 that names every bad field:
 * `{ code: 'VALIDATION_FAILED', details: { problems: [{ path: 'body.nodes.0.id', message }] } }`.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(problemsFromZod(result.error, [where]));
}

export function invalid(problems: Problem[], code: string = ErrorCodes.VALIDATION_FAILED): MedflowError {
  return new MedflowError({
    code, category: 'USER',
    message: problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '),
    details: { problems },
  });
}

/**
 * Refuses `__proto__` keys anywhere in a JSON body. JSON.parse keeps them as plain keys, and any later
 * merge into an object would then replace that object's prototype.
 */
export function findProtoKey(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (depth > 200 || value === null || typeof value !== 'object') return undefined;
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return [...path, key].join('.');
    const found = findProtoKey((value as Record<string, unknown>)[key], [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Nesting a JSON body may have: workflow documents and node configs with JSON schemas stay far below it. */
export const MAX_JSON_DEPTH = 100;

/**
 * Refuses a JSON body nested deeper than `max` before it is parsed (a 6,000-level body would otherwise reach the
 * parser's recursion and every check after it). Scans the raw bytes once, skipping strings.
 */
export function rejectDeepJson(buf: Buffer, max = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) throw new MedflowError({ code: 'JSON_TOO_DEEP', category: 'USER', message: `request body is nested deeper than ${max} levels`, details: { maxDepth: max } });
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}
