/**
 * Scores of a run's outputs against labelled ones. The kind of score follows the shape of the
 * expected value: a list of codes, a list of spans, an object of fields, or anything else (exact).
 */
export type MetricKind = 'codes' | 'spans' | 'fields' | 'exact';

export interface Prf { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number }

const round = (n: number) => Math.round(n * 10_000) / 10_000;
export function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision: round(precision), recall: round(recall), f1: round(f1), tp, fp, fn };
}

interface Span { start: number; end: number; type: string }
const isSpan = (v: unknown): v is Span => typeof v === 'object' && v !== null && typeof (v as Span).start === 'number' && typeof (v as Span).end === 'number';

export function metricKindOf(expected: unknown): MetricKind {
  if (Array.isArray(expected) && expected.every((v) => typeof v === 'string')) return 'codes';
  if (Array.isArray(expected) && expected.every(isSpan)) return 'spans';
  if (typeof expected === 'object' && expected !== null && !Array.isArray(expected)) return 'fields';
  return 'exact';
}

/** What a node wrote, reduced to the shape of the labels: `{ spans: [...] }` → the list, extraction fields → their values. */
function comparable(kind: MetricKind, actual: unknown): unknown {
  if (kind === 'spans' && actual && typeof actual === 'object' && Array.isArray((actual as { spans?: unknown }).spans)) return (actual as { spans: unknown }).spans;
  if (kind === 'codes' && actual && typeof actual === 'object' && Array.isArray((actual as { codes?: unknown }).codes)) {
    return ((actual as { codes: Array<{ icd10?: string } | string> }).codes).map((c) => (typeof c === 'string' ? c : c.icd10 ?? ''));
  }
  if (kind === 'fields' && actual && typeof actual === 'object') {
    return Object.fromEntries(Object.entries(actual as Record<string, unknown>).filter(([k]) => !k.startsWith('_')).map(([k, v]) => [k, extractedValue(v)]));
  }
  return actual;
}

/** An extraction field (`{ value, status, evidence }`) read as its value; anything else as it is. */
function extractedValue(v: unknown): unknown {
  return v && typeof v === 'object' && 'status' in v && 'value' in v ? (v as { value: unknown }).value : v;
}

/** A label key may be a dotted path into the output (`disease.id`, `values.sex`) when the output has no such key. */
function fieldValue(predicted: Record<string, unknown>, key: string): unknown {
  if (key in predicted || !key.includes('.')) return predicted[key];
  let value: unknown = predicted;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = extractedValue((value as Record<string, unknown>)[part]);
  }
  return value;
}

const norm = (v: unknown) => (v === undefined || v === null || v === '' ? null : typeof v === 'string' ? v.normalize('NFKC').trim() : JSON.stringify(v));
/** ICD-10 category: `J18.9` → `J18`; other code systems keep their code. */
const category = (code: string) => (/^[A-Z]\d\d/.test(code) ? code.slice(0, 3) : code);

/** Accumulates one output's scores over the records of a dataset. */
export class OutputScorer {
  private records = 0;
  private exact = 0;
  private readonly codeStats = { tp: 0, fp: 0, fn: 0, tp3: 0, fp3: 0, fn3: 0, exact3: 0, perCode: new Map<string, { tp: number; fp: number; fn: number }>() };
  private readonly spanStats = new Map<string, { gold: number; covered: number; typed: number; predicted: number; correct: number }>();
  private readonly fieldStats = new Map<string, { tp: number; fp: number; fn: number }>();

  constructor(readonly kind: MetricKind) {}

  /** Adds one record; returns whether it was right in full (for the per-record list). */
  add(expected: unknown, rawActual: unknown): boolean {
    const actual = comparable(this.kind, rawActual);
    this.records++;
    let ok: boolean;
    if (this.kind === 'codes') ok = this.addCodes(expected as string[], Array.isArray(actual) ? actual.map(String) : []);
    else if (this.kind === 'spans') ok = this.addSpans(expected as Span[], Array.isArray(actual) ? actual.filter(isSpan) : []);
    else if (this.kind === 'fields') ok = this.addFields(expected as Record<string, unknown>, (actual ?? {}) as Record<string, unknown>);
    else ok = norm(expected) === norm(actual);
    if (ok) this.exact++;
    return ok;
  }

  private addCodes(gold: string[], predicted: string[]): boolean {
    const g = new Set(gold); const p = new Set(predicted);
    const s = this.codeStats;
    for (const c of p) { const e = s.perCode.get(c) ?? { tp: 0, fp: 0, fn: 0 }; if (g.has(c)) { s.tp++; e.tp++; } else { s.fp++; e.fp++; } s.perCode.set(c, e); }
    for (const c of g) if (!p.has(c)) { s.fn++; const e = s.perCode.get(c) ?? { tp: 0, fp: 0, fn: 0 }; e.fn++; s.perCode.set(c, e); }
    const g3 = new Set(gold.map(category)); const p3 = new Set(predicted.map(category));
    for (const c of p3) { if (g3.has(c)) s.tp3++; else s.fp3++; }
    for (const c of g3) if (!p3.has(c)) s.fn3++;
    if (g3.size === p3.size && [...g3].every((c) => p3.has(c))) s.exact3++;
    return g.size === p.size && [...g].every((c) => p.has(c));
  }

  /** A gold span is recalled when predicted spans cover every character of it (the words are masked). */
  private addSpans(gold: Span[], predicted: Span[]): boolean {
    let all = true;
    for (const s of gold) {
      const st = this.spanStat(s.type);
      st.gold++;
      const covering = predicted.filter((p) => p.start < s.end && p.end > s.start);
      let covered = true;
      for (let i = s.start; i < s.end && covered; i++) covered = covering.some((p) => p.start <= i && i < p.end);
      if (covered) { st.covered++; if (covering.some((p) => p.type === s.type)) st.typed++; } else all = false;
    }
    // A predicted span is correct when it overlaps a gold span; otherwise it masked words needlessly.
    for (const p of predicted) {
      const st = this.spanStat(p.type);
      st.predicted++;
      if (gold.some((s) => p.start < s.end && p.end > s.start)) st.correct++; else all = false;
    }
    return all;
  }

  private spanStat(type: string) {
    let st = this.spanStats.get(type);
    if (!st) this.spanStats.set(type, st = { gold: 0, covered: 0, typed: 0, predicted: 0, correct: 0 });
    return st;
  }

  private addFields(gold: Record<string, unknown>, predicted: Record<string, unknown>): boolean {
    let all = true;
    for (const key of Object.keys(gold)) {
      const st = this.fieldStats.get(key) ?? { tp: 0, fp: 0, fn: 0 };
      const g = norm(gold[key]); const p = norm(fieldValue(predicted, key));
      // Correctly absent: nothing to count, and nothing wrong.
      if (g === null && p === null) { this.fieldStats.set(key, st); continue; }
      if (p !== null && p === g) st.tp++;
      else {
        all = false;
        if (p !== null) st.fp++;
        if (g !== null) st.fn++;
      }
      this.fieldStats.set(key, st);
    }
    return all;
  }

  summary(): Record<string, unknown> {
    const base = { kind: this.kind, records: this.records, exactMatch: round(this.exact / Math.max(1, this.records)) };
    if (this.kind === 'codes') {
      const s = this.codeStats;
      const perCode = [...s.perCode.values()].map((e) => prf(e.tp, e.fp, e.fn).f1);
      return {
        ...base,
        micro: prf(s.tp, s.fp, s.fn),
        macroF1: round(perCode.reduce((a, b) => a + b, 0) / Math.max(1, perCode.length)),
        category: { exactMatch: round(s.exact3 / Math.max(1, this.records)), micro: prf(s.tp3, s.fp3, s.fn3) },
      };
    }
    if (this.kind === 'spans') {
      const byType = Object.fromEntries([...this.spanStats.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, st]) => [type, {
        gold: st.gold, recall: round(st.gold ? st.covered / st.gold : 1), typedRecall: round(st.gold ? st.typed / st.gold : 1),
        predicted: st.predicted, precision: round(st.predicted ? st.correct / st.predicted : 1),
      }]));
      const t = [...this.spanStats.values()].reduce((a, st) => ({ gold: a.gold + st.gold, covered: a.covered + st.covered, predicted: a.predicted + st.predicted, correct: a.correct + st.correct }), { gold: 0, covered: 0, predicted: 0, correct: 0 });
      return { ...base, recall: round(t.gold ? t.covered / t.gold : 1), precision: round(t.predicted ? t.correct / t.predicted : 1), byType };
    }
    if (this.kind === 'fields') {
      const fields = Object.fromEntries([...this.fieldStats.entries()].map(([k, st]) => [k, prf(st.tp, st.fp, st.fn)]));
      const t = [...this.fieldStats.values()].reduce((a, st) => ({ tp: a.tp + st.tp, fp: a.fp + st.fp, fn: a.fn + st.fn }), { tp: 0, fp: 0, fn: 0 });
      return { ...base, micro: prf(t.tp, t.fp, t.fn), fields };
    }
    return base;
  }
}
