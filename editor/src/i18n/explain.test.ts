import { describe, expect, it } from 'vitest';
import { explain } from './explain';

describe('explain', () => {
  it('rewrites common problems in Japanese, keeping their specifics', () => {
    expect(explain('ja', { code: 'INPUT_NOT_CONNECTED', message: 'required input "vars" of template is not connected' }))
      .toBe('template の必須入力「vars」が接続されていません。上流のノードから線をつないでください');
    expect(explain('ja', { code: 'TEMPLATE_VARIABLE_MISSING', message: 'no value for {{a}}, {{b.c}}; connect the node that provides it or add | default:"…"' }))
      .toContain('{{a}}, {{b.c}} に値がありません');
  });

  it('keeps English, and anything it does not know, as sent', () => {
    expect(explain('en', { code: 'CYCLE', message: 'workflow has a cycle through: a, b' })).toBe('workflow has a cycle through: a, b');
    expect(explain('ja', { code: 'SOMETHING_NEW', message: 'as sent' })).toBe('as sent');
  });

  it('shows one language of a bilingual "English / 日本語" message', () => {
    const problem = { code: 'ACCOUNT_LOCKED', message: 'account locked after repeated failures until 2026-11-24T10:00:00Z; see /api/auth/login / 連続して失敗したためロックされています' };
    expect(explain('ja', problem)).toBe('連続して失敗したためロックされています');
    expect(explain('en', problem)).toBe('account locked after repeated failures until 2026-11-24T10:00:00Z; see /api/auth/login');
    expect(explain('ja', { code: 'X', message: 'and/or / both' })).toBe('and/or / both');
  });
});
