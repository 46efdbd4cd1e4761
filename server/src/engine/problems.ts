import type { z } from 'zod';

/** One thing wrong with a workflow or request, located by a dotted path (`nodes.2.config.maxCodes`). */
export interface Problem {
  code: string;
  path: string;
  message: string;
  nodeId?: string;
  edgeIndex?: number;
}

export function pathToString(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.');
}

/** Turns zod issues into problems, prefixing their paths. */
export function problemsFromZod(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = [], extra: Partial<Problem> = {}): Problem[] {
  return error.issues.map((issue) => ({
    code: `SCHEMA_${issue.code.toUpperCase()}`,
    path: pathToString([...prefix, ...issue.path]),
    message: issue.message,
    ...extra,
  }));
}
