import { describe, expect, it } from 'vitest';
import { locateQuote } from './locate.js';

describe('locateQuote', () => {
  const note = '主訴：３日前からの発熱。\n体温　３８．５℃、SpO2 96%。既往歴に２型糖尿病。';

  it('finds exact quotes with their offsets', () => {
    const span = locateQuote(note, '既往歴に２型糖尿病')!;
    expect(note.slice(span.start, span.end)).toBe('既往歴に２型糖尿病');
  });

  it('finds quotes written with other widths or spacing, and returns the original text', () => {
    const span = locateQuote(note, '体温 38.5℃')!;
    expect(span.text).toBe('体温　３８．５℃');
    expect(note.slice(span.start, span.end)).toBe(span.text);
    expect(locateQuote(note, 'spo2 96%')!.text).toBe('SpO2 96%');
  });

  it('returns nothing for passages that are not in the text, so they cannot count as evidence', () => {
    expect(locateQuote(note, '肺炎の既往')).toBeUndefined();
    expect(locateQuote(note, '   ')).toBeUndefined();
  });

  it('keeps offsets right around characters outside the BMP', () => {
    const text = '𠮷野家で食事後に腹痛';
    const span = locateQuote(text, '腹痛')!;
    expect(text.slice(span.start, span.end)).toBe('腹痛');
  });
});
