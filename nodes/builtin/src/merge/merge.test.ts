import { describe, expect, it } from 'vitest';
import { incoming, runNode } from '../testing/run-node.js';
import merge from './index.js';

describe('core/merge', () => {
  const values = [incoming('ocr', 'スキャン本文'), incoming('asr', '音声本文')];
  it('takes the first live value, all of them, or an object keyed by source node', async () => {
    expect(await runNode(merge, {}, { in: values })).toEqual({ value: 'スキャン本文' });
    expect(await runNode(merge, { mode: 'array' }, { in: values })).toEqual({ value: ['スキャン本文', '音声本文'] });
    expect(await runNode(merge, { mode: 'object' }, { in: values })).toEqual({ value: { ocr: 'スキャン本文', asr: '音声本文' } });
  });
});
