import { describe, expect, it } from 'vitest';
import { runNode } from '../testing/run-node.js';
import delay from './index.js';

describe('core/delay', () => {
  it('waits and passes its value on', async () => {
    const t0 = performance.now();
    expect(await runNode(delay, { ms: 120 }, { value: 'x' })).toEqual({ value: 'x' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });
});
