// What the benchmarks share: order statistics, and the trivial node whose overhead they measure.
import { defineNode, port, PortKinds, t, z } from '@medflow/sdk';

export const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
export const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

/** Passes its input on: the engine benchmark chains it, the sandbox benchmark also runs this very code sandboxed. */
export const passNode = defineNode({
  type: 'bench/pass', version: 1,
  display: { title: t('通過', 'Pass'), category: 'utility', description: t('', '') },
  inputs: { in: port(PortKinds.any, { optional: true }) },
  outputs: { out: port(PortKinds.any) },
  config: z.object({}),
  async execute(_ctx, { in: value }) { return { out: value ?? 0 }; },
});

/** The same node declared replay-safe (pure, nothing outside the run), as the built-in template/condition nodes are. */
export const replaySafePassNode = defineNode({ ...passNode, type: 'bench/pass-safe', replaySafe: true });
