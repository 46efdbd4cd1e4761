import { outputPortsOf } from '@medflow/sdk';
import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import switchNode from './index.js';

const cases = [
  { port: 'tb', title: '結核', rule: { operator: 'contains', value: '結核' } },
  { port: 'measles', rule: { operator: 'contains', value: '麻疹' } },
];

describe('core/switch', () => {
  it('has one output port per case plus otherwise', () => {
    expect(Object.keys(outputPortsOf(switchNode as never, switchNode.config.parse({ cases })))).toEqual(['tb', 'measles', 'otherwise']);
  });

  it('routes to the first matching case, to all matching cases, or to otherwise', async () => {
    expect(await runNode(switchNode, { cases }, { value: '肺結核と麻疹' })).toEqual({ tb: '肺結核と麻疹' });
    expect(await runNode(switchNode, { cases, mode: 'all' }, { value: '肺結核と麻疹' })).toEqual({ tb: '肺結核と麻疹', measles: '肺結核と麻疹' });
    expect(await runNode(switchNode, { cases }, { value: '感冒' })).toEqual({ otherwise: '感冒' });
  });

  it('refuses duplicate or reserved case ports', () => {
    expect(switchNode.config.safeParse({ cases: [cases[0], cases[0]] }).success).toBe(false);
    expect(switchNode.config.safeParse({ cases: [{ ...cases[0], port: 'otherwise' }] }).success).toBe(false);
  });
});
