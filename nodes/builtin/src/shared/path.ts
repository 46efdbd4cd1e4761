/**
 * Reads a value at a path such as `patient.labs[0].value` or `検査.CRP`. Only own properties are
 * followed, so a path can never reach `__proto__` or `constructor`.
 */
export function readPath(root: unknown, path: string): unknown {
  const segments = parsePath(path);
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || current === undefined) return undefined;
    if (typeof current !== 'object' && typeof current !== 'string') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Splits `a.b[0]["c d"]` into ['a', 'b', '0', 'c d']; throws on malformed paths. */
export function parsePath(path: string): string[] {
  const segments: string[] = [];
  const re = /\s*(?:\.?([^.[\]\s"']+)|\[(\d+)\]|\[\s*"([^"]*)"\s*\]|\[\s*'([^']*)'\s*\])/y;
  let index = 0;
  const trimmed = path.trim();
  while (index < trimmed.length) {
    re.lastIndex = index;
    const m = re.exec(trimmed);
    if (!m || m[0].length === 0) throw new Error(`invalid path "${path}" at position ${index}`);
    segments.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
    index = re.lastIndex;
  }
  return segments;
}

/** Text for a value inside a template or comparison: strings as they are, everything else as JSON. */
export function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
