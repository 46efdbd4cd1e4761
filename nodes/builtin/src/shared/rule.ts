import { field, z } from '@medflow/sdk';
import { parsePath, readPath, stringify } from './path.js';

export const OPERATORS = ['equals', 'notEquals', 'contains', 'notContains', 'startsWith', 'endsWith', 'gt', 'gte', 'lt', 'lte', 'isEmpty', 'isNotEmpty'] as const;

export const RuleSchema = z.object({
  path: z.string().max(500).default('').refine((p) => { try { parsePath(p); return true; } catch { return false; } }, 'invalid path')
    .describe('Where to look in the incoming value; empty means the value itself (e.g. "labs.CRP")')
    .meta(field('対象の項目', 'Path', '空欄なら値そのもの（例: labs.CRP）')),
  operator: z.enum(OPERATORS).meta(field('比較', 'Operator')),
  value: z.union([z.string().max(10_000), z.number(), z.boolean()]).optional().meta(field('比較する値', 'Value')),
  /** Full-width/half-width and case differences are common in notes (ＣＲＰ vs CRP). */
  normalize: z.boolean().default(true).describe('Ignore full/half-width and upper/lower case differences').meta(field('全角半角・大文字小文字を区別しない', 'Ignore width and case')),
}).superRefine((rule, ctx) => {
  const unary = rule.operator === 'isEmpty' || rule.operator === 'isNotEmpty';
  if (!unary && rule.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `operator "${rule.operator}" needs a value to compare with` });
});
export type Rule = z.output<typeof RuleSchema>;

const fold = (s: string, normalize: boolean) => (normalize ? s.normalize('NFKC').toLowerCase() : s);

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const n = Number(value.normalize('NFKC').replace(/,/g, '').trim());
  return value.trim() === '' || Number.isNaN(n) ? undefined : n;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** Evaluates one rule against a value; numbers written with full-width digits compare as numbers. */
export function evaluateRule(rule: Rule, input: unknown): boolean {
  const actual = rule.path ? readPath(input, rule.path) : input;
  const expected = rule.value;
  switch (rule.operator) {
    case 'isEmpty': return isEmpty(actual);
    case 'isNotEmpty': return !isEmpty(actual);
    case 'gt': case 'gte': case 'lt': case 'lte': {
      const a = toNumber(actual);
      const b = toNumber(expected);
      if (a === undefined || b === undefined) return false;
      return rule.operator === 'gt' ? a > b : rule.operator === 'gte' ? a >= b : rule.operator === 'lt' ? a < b : a <= b;
    }
    default: break;
  }
  if (Array.isArray(actual) && (rule.operator === 'contains' || rule.operator === 'notContains')) {
    const hit = actual.some((item) => fold(stringify(item), rule.normalize) === fold(stringify(expected), rule.normalize));
    return rule.operator === 'contains' ? hit : !hit;
  }
  const a = fold(stringify(actual), rule.normalize);
  const b = fold(stringify(expected), rule.normalize);
  switch (rule.operator) {
    case 'equals': return typeof actual === 'number' || typeof expected === 'number' ? toNumber(actual) === toNumber(expected) : a === b;
    case 'notEquals': return !(typeof actual === 'number' || typeof expected === 'number' ? toNumber(actual) === toNumber(expected) : a === b);
    case 'contains': return a.includes(b);
    case 'notContains': return !a.includes(b);
    case 'startsWith': return a.startsWith(b);
    case 'endsWith': return a.endsWith(b);
  }
}
