import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import normalize from './index.js';

describe('core/normalize-text', () => {
  it('unifies full-width alphanumerics, half-width kana, spaces and invisible characters', async () => {
    const note = '\uFEFFＣＲＰ　１２．５mg/dL\u200B  ｶﾙﾃ参照 \r\n  次回　外来 ';
    expect(await runNode(normalize, {}, { text: note })).toEqual({ text: 'CRP 12.5mg/dL カルテ参照\n次回 外来' });
  });

  it('can leave the text as written', async () => {
    const note = 'ＣＲＰ　高値';
    expect(await runNode(normalize, { nfkc: false, collapseSpaces: false, trimLines: false }, { text: note })).toEqual({ text: note });
  });
});
