import { describe, expect, it } from 'vitest';
import { metricKindOf, OutputScorer } from './metrics.js';

describe('evaluation scores', () => {
  it('scores codes at full length and by ICD-10 category', () => {
    const s = new OutputScorer('codes');
    s.add(['J18.9', 'I10'], ['J18.0', 'I10']);
    s.add([], ['E11.9']);
    expect(s.summary()).toMatchObject({ exactMatch: 0, micro: { tp: 1, fp: 2, fn: 1 }, category: { exactMatch: 0.5, micro: { tp: 2, fp: 1, fn: 0 } } });
  });

  it('counts a span recalled only when every character is masked, and a mask with no gold beneath as a false alarm', () => {
    const s = new OutputScorer('spans');
    s.add([{ start: 0, end: 4, type: 'name' }, { start: 10, end: 20, type: 'phone' }], { spans: [{ start: 0, end: 2, type: 'name' }, { start: 2, end: 4, type: 'date' }, { start: 10, end: 15, type: 'phone' }, { start: 30, end: 31, type: 'age' }] });
    const m = s.summary() as { byType: Record<string, { recall: number; typedRecall: number; precision: number }> };
    expect(m.byType.name).toMatchObject({ recall: 1, typedRecall: 1 });
    expect(m.byType.phone).toMatchObject({ recall: 0 });
    expect(m.byType.age).toMatchObject({ precision: 0 });
  });

  it('scores extraction fields by value, reading the value out of evidence records', () => {
    const s = new OutputScorer(metricKindOf({ dx: '肺炎' }));
    s.add({ dx: '肺炎', onset: '2026-11-01' }, { dx: { value: '肺炎', status: 'found' }, onset: { value: null, status: 'not_found' }, _provenance: {} });
    expect(s.summary()).toMatchObject({ kind: 'fields', exactMatch: 0, fields: { dx: { f1: 1 }, onset: { recall: 0, precision: 1 } } });
  });
});
