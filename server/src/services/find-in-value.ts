/**
 * The first answer `visit` gives for the objects inside a value (the value itself first, then depth-first), each with
 * its path of keys; at most 50 levels down, as run inputs and node outputs are far shallower. Used to find file
 * references wherever a node put them.
 */
export function findInValue<R>(value: unknown, visit: (obj: Record<string, unknown>, path: string[]) => R | undefined, path: string[] = [], depth = 0): R | undefined {
  if (depth > 50 || value === null || typeof value !== 'object') return undefined;
  const obj = value as Record<string, unknown>;
  const here = visit(obj, path);
  if (here !== undefined) return here;
  for (const [key, child] of Object.entries(obj)) {
    const found = findInValue(child, visit, [...path, key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
