import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import condition from './index.js';

const rule = (operator: string, value?: unknown, path = '') => ({ operator, ...(value === undefined ? {} : { value }), path });

describe('core/condition', () => {
  it('routes to true or false, never both', async () => {
    expect(await runNode(condition, { rules: [rule('contains', '発熱')] }, { value: '３８度の発熱' })).toEqual({ true: '３８度の発熱' });
    expect(await runNode(condition, { rules: [rule('contains', '発熱')] }, { value: '咳' })).toEqual({ false: '咳' });
  });

  it('ignores full/half width and case by default, and compares full-width numbers as numbers', async () => {
    const labs = { CRP: '１２．５', name: 'ｃｒｐ' };
    expect(await runNode(condition, { rules: [rule('gt', 10, 'CRP')] }, { value: labs })).toHaveProperty('true');
    expect(await runNode(condition, { rules: [rule('lte', '9', 'CRP')] }, { value: labs })).toHaveProperty('false');
    expect(await runNode(condition, { rules: [rule('equals', 'CRP', 'name')] }, { value: labs })).toHaveProperty('true');
    expect(await runNode(condition, { rules: [{ ...rule('equals', 'CRP', 'name'), normalize: false }] }, { value: labs })).toHaveProperty('false');
  });

  it('combines rules with all (AND) or any (OR), and handles lists and emptiness', async () => {
    const note = { dx: ['肺炎', 'DM'], memo: '  ' };
    const rules = [rule('contains', 'dm', 'dx'), rule('isEmpty', undefined, 'memo')];
    expect(await runNode(condition, { rules }, { value: note })).toHaveProperty('true');
    expect(await runNode(condition, { rules: [rule('contains', 'HT', 'dx'), rule('isNotEmpty', undefined, 'missing')], combine: 'any' }, { value: note })).toHaveProperty('false');
    expect(await runNode(condition, { rules: [rule('gt', 1, 'missing')] }, { value: note })).toHaveProperty('false');
  });

  it('requires a value for comparing operators', () => {
    const res = condition.config.safeParse({ rules: [{ operator: 'equals' }] });
    expect(res.error?.issues[0]).toMatchObject({ path: ['rules', 0, 'value'] });
  });
});
