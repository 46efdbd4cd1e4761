import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import textInput from './index.js';

describe('core/text-input', () => {
  it('reads its run input by name, falls back to its default, and skips downstream when optional and empty', async () => {
    expect(await runNode(textInput, { name: 'note' }, {}, { note: '既往歴: DM' })).toEqual({ text: '既往歴: DM' });
    expect(await runNode(textInput, { name: 'note', default: '特記なし' }, {}, {})).toEqual({ text: '特記なし' });
    expect(await runNode(textInput, { name: 'note', required: false }, {}, {})).toEqual({});
  });

  it('fails clearly when a required input is missing or too long', async () => {
    await expect(runNode(textInput, { name: 'note' }, {}, {})).rejects.toMatchObject({ code: 'INPUT_MISSING', category: 'USER' });
    await expect(runNode(textInput, { name: 'note', maxLength: 3 }, {}, { note: 'abcd' })).rejects.toMatchObject({ code: 'INPUT_TOO_LONG' });
  });

  it('declares its run input for forms, the API and the CLI', () => {
    expect(textInput.runInput!(textInput.config.parse({ name: 'note', title: '診療記録' }))).toEqual({ name: 'note', kind: 'text', required: true, title: '診療記録' });
    expect(textInput.config.safeParse({ name: '診療記録' }).success).toBe(false);
  });
});
