import { readPath, parsePath, stringify } from '../shared/path.js';

/**
 * A deliberately small template language: `{{ path | filter:arg }}`, nothing else. There are no
 * expressions, loops or function calls, so a template shared between hospitals cannot run code.
 */
export interface TemplatePart {
  literal?: string;
  path?: string;
  filters?: Array<{ name: FilterName; arg?: string }>;
  source?: string;
}

const FILTERS = {
  json: (v: unknown) => JSON.stringify(v ?? null, null, 2),
  upper: (v: unknown) => stringify(v).toUpperCase(),
  lower: (v: unknown) => stringify(v).toLowerCase(),
  trim: (v: unknown) => stringify(v).trim(),
  nfkc: (v: unknown) => stringify(v).normalize('NFKC'),
  length: (v: unknown) => (Array.isArray(v) ? v.length : stringify(v).length),
  first: (v: unknown) => (Array.isArray(v) ? v[0] : v),
  last: (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v),
  join: (v: unknown, arg = ', ') => (Array.isArray(v) ? v.map(stringify).join(arg) : stringify(v)),
  default: (v: unknown, arg = '') => (v === undefined || v === null || v === '' ? arg : v),
  truncate: (v: unknown, arg = '200') => {
    const s = stringify(v);
    const n = Number(arg);
    return s.length > n ? `${s.slice(0, n)}…` : s;
  },
} as const;
export type FilterName = keyof typeof FILTERS;
export const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];

export class TemplateSyntaxError extends Error {}

const ARG = /^\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(-?\d+(?:\.\d+)?))\s*$/;

/** Parses a template once; throws TemplateSyntaxError with the position of the first mistake. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let index = 0;
  while (index < template.length) {
    const open = template.indexOf('{{', index);
    if (open < 0) { parts.push({ literal: template.slice(index) }); break; }
    if (open > index) parts.push({ literal: template.slice(index, open) });
    const close = template.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateSyntaxError(`"{{" at position ${open} is never closed with "}}"`);
    const source = template.slice(open + 2, close);
    parts.push(parseExpression(source, open));
    index = close + 2;
  }
  return parts;
}

function parseExpression(source: string, position: number): TemplatePart {
  const [pathText, ...filterTexts] = splitOutsideQuotes(source, '|');
  const path = pathText!.trim();
  if (!path) throw new TemplateSyntaxError(`empty variable at position ${position}`);
  try { parsePath(path); } catch (e) { throw new TemplateSyntaxError(`${(e as Error).message} (in {{${source}}} at ${position})`); }
  const filters = filterTexts.map((text) => {
    const colon = text.indexOf(':');
    const name = (colon < 0 ? text : text.slice(0, colon)).trim();
    if (!(FILTER_NAMES as string[]).includes(name)) throw new TemplateSyntaxError(`unknown filter "${name}" at position ${position} (filters: ${FILTER_NAMES.join(', ')})`);
    if (colon < 0) return { name: name as FilterName };
    const m = ARG.exec(text.slice(colon + 1));
    if (!m) throw new TemplateSyntaxError(`filter "${name}" at position ${position} takes one quoted string or number`);
    const arg = m[3] ?? (m[1] ?? m[2])!.replace(/\\(.)/g, '$1');
    return { name: name as FilterName, arg };
  });
  return { path, filters, source: `{{${source}}}` };
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) { if (c === '\\') i++; else if (c === quote) quote = null; }
    else if (c === '"' || c === "'") quote = c;
    else if (c === separator) { out.push(text.slice(start, i)); start = i + 1; }
  }
  out.push(text.slice(start));
  return out;
}

/** Variables a template refers to (their first path segment), for the editor's autocomplete and checks. */
export function templateVariables(parts: TemplatePart[]): string[] {
  return [...new Set(parts.filter((p) => p.path).map((p) => parsePath(p.path!)[0]!))];
}

/**
 * Renders parsed parts against a scope. Returns the text and the variables that had no value
 * (and no `default` filter), which the node reports instead of silently leaving a gap in a document.
 */
export function renderTemplate(parts: TemplatePart[], scope: Record<string, unknown>, maxLength: number): { text: string; missing: string[] } {
  let text = '';
  const missing: string[] = [];
  for (const part of parts) {
    if (part.literal !== undefined) { text += part.literal; }
    else {
      let value: unknown = readPath(scope, part.path!);
      const defaulted = part.filters!.some((f) => f.name === 'default');
      if (value === undefined && !defaulted) missing.push(part.path!);
      for (const filter of part.filters!) value = (FILTERS[filter.name] as (v: unknown, arg?: string) => unknown)(value, filter.arg);
      text += stringify(value);
    }
    if (text.length > maxLength) throw new RangeError(`rendered text exceeds ${maxLength} characters`);
  }
  return { text, missing };
}
